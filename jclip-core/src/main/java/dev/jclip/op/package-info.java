/**
 * The operations of the model, each a forward with its explicit backward: linear layers,
 * attention, convolution, normalization, activations, pooling, reductions, layout views and the
 * contrastive loss, as PyTorch defines them. A result made while gradients are recorded carries
 * the {@link dev.jclip.tensor.Backward} that adds its input gradients.
 *
 * <p>Between {@code tensor} and {@code kernel} (where the arithmetic runs) below, and {@code nn}
 * above. Internal: exported only to the benchmarks (jclip-bench, for the convolutions).
 */
package dev.jclip.op;
