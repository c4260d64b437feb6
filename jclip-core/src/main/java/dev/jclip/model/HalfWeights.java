package dev.jclip.model;

import dev.jclip.nn.StateDict;
import dev.jclip.tensor.HalfType;
import dev.jclip.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Keeps a loaded model's matrices in 16 bits for inference ({@code --weights-dtype}): each float32
 * tensor of rank 2 or more (the projections, embeddings and convolution kernels) is rounded to
 * nearest (ties to even, as PyTorch's {@code .to(dtype)}) into a 16-bit copy that replaces it
 * ({@link Tensor#mapHalf}), halving the memory of the products' weights at the cost of their
 * precision; vectors (biases, norms) stay float32. Tensors already kept in 16 bits (an F16 or
 * BF16 file) are left as they are. Not for training: the model's weights must not change afterwards.
 */
public final class HalfWeights {
    private HalfWeights() {}

    /** Rounds the matrices of {@code sd} to {@code type} in place (see the class comment). */
    public static void round(StateDict sd, HalfType type) {
        sd.all().values().forEach(t -> {
            if (t.rank() >= 2 && t.halfType() == null) {
                MemorySegment from = t.storage();
                short[] bits = new short[t.numel()];
                for (int i = 0; i < bits.length; i++) {
                    bits[i] = type.narrow(from.getAtIndex(Tensor.ELEMENT, i));
                }
                t.mapHalf(MemorySegment.ofArray(bits), type);
            }
        });
    }
}
