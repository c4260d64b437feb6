package dev.jclip.tensor;

/**
 * The backward step of one operation: reads {@code out.grad()} and adds the
 * gradient of each input into {@link Tensor#gradForAccumulation()} of that input.
 * Implementations capture whatever the forward pass saved.
 */
@FunctionalInterface
public interface Backward {
    void apply(Tensor out);
}
