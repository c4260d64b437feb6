/**
 * The CLIP modules, read like OpenAI's {@code model.py}: {@link dev.jclip.nn.Clip} with its image
 * tower (a {@link dev.jclip.nn.VisionTransformer} or a {@link dev.jclip.nn.ModifiedResNet}) and
 * {@link dev.jclip.nn.TextTransformer}, built from {@link dev.jclip.nn.Module}s whose parameters
 * carry the original state-dict names ({@link dev.jclip.nn.StateDict}).
 *
 * <p>Each module's forward is a sequence of {@code op} calls on {@code tensor}s, so the same code
 * trains (with autograd) and infers (under {@link dev.jclip.tensor.GradMode#noGrad()}).
 * {@code model} builds and loads these modules.
 */
package dev.jclip.nn;
