/**
 * CLIP models as files and configurations: {@link dev.jclip.model.ClipConfig} (OpenCLIP's model
 * config, read from its JSON or a Hugging Face {@code config.json}), the OpenCLIP presets
 * ({@link dev.jclip.model.ClipPresets}), random initialization for training from scratch
 * ({@link dev.jclip.model.ClipInit}), and {@link dev.jclip.model.ClipWeights}, which loads and saves
 * weights in the original, OpenCLIP and Hugging Face layouts under the original state-dict names.
 *
 * <p>Builds the {@code nn} modules from {@code io}'s files; {@code api} loads models through it.
 */
package dev.jclip.model;
