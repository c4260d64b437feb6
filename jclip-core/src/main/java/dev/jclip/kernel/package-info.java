/**
 * The Vector API kernels everything numeric runs on: the packed, blocked
 * {@link dev.jclip.kernel.Gemm} with fused {@link dev.jclip.kernel.Epilogue}s, row kernels
 * ({@link dev.jclip.kernel.Rows}: softmax, layer norm), exactly rounded transcendental functions
 * ({@link dev.jclip.kernel.VectorMath}), the transforms of Winograd's 3×3 convolution
 * ({@link dev.jclip.kernel.Winograd}), run on the thread pool of {@link dev.jclip.compute.Parallel}.
 * Results are bit-identical for any thread count: work is split so that each output element is
 * always computed by the same sequence of operations.
 *
 * <p>The lowest layer of the core, below {@code op} and {@code nn}; it works on float arrays, not
 * tensors. Internal: exported only to the benchmarks (jclip-bench and the CLI's {@code bench gemm}).
 */
package dev.jclip.kernel;
