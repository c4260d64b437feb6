/**
 * The fast inference path, built from a loaded {@link dev.jclip.nn.Clip} by its state-dict names
 * ({@link dev.jclip.plan.InferencePlan#of}): batch norms folded into the convolutions, fused GEMM
 * epilogues, the ViT patch weight packed once, a channels-last ResNet trunk, and the last
 * transformer block computed at the pooled token only. It gives {@code nn}'s bits, which
 * {@code InferencePlanTest} checks, but for a ResNet's 3×3 convolutions by Winograd's algorithm
 * (within a few roundings; without it, the bits too). {@code ClipModel} encodes through it; {@code nn} stays the
 * model as the paper writes it, for training. Internal: exported to the benchmarks only.
 */
package dev.jclip.plan;
