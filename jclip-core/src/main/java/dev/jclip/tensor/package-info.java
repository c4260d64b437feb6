/**
 * The float32 {@link dev.jclip.tensor.Tensor} with reverse-mode autograd: a tensor made by an
 * operation while {@link dev.jclip.tensor.GradMode} is enabled remembers its inputs and the
 * {@link dev.jclip.tensor.Backward} step, and {@link dev.jclip.tensor.Tensor#backward()} runs them
 * in reverse.
 *
 * <p>The data type of the core: the operations in {@code op} make tensors, {@code nn} holds its
 * parameters in them, and the API and trainer pass them around.
 */
package dev.jclip.tensor;
