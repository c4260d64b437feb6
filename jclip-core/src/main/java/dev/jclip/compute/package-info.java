/**
 * What the kernels compute with and users choose: the thread pool ({@link dev.jclip.compute.Parallel},
 * an object passed to {@code ClipModel} and {@code Trainer}; all cores by default) and the GELU
 * variants of the MLPs ({@link dev.jclip.compute.Gelu}: QuickGELU, exact, tanh). A leaf package:
 * it depends on nothing else in jclip, and {@code kernel}, {@code op}, {@code nn}, {@code model}
 * and {@code api} build on it.
 */
package dev.jclip.compute;
