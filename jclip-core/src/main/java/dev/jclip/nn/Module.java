package dev.jclip.nn;

import dev.jclip.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node of the model tree, like {@code torch.nn.Module}: it registers its own
 * parameters and buffers under local names and its children under a prefix, so
 * that {@link #stateDict()} yields the full dotted names of the original state
 * dict ({@code visual.transformer.resblocks.0.attn.in_proj_weight}).
 * Parameters start as zeros; loading or initialization writes their storage, or
 * loading for inference maps them onto the weight file ({@link Tensor#map}).
 * Unlike PyTorch, modules start in evaluation mode (inference is the common use).
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training;

    /**
     * Registers a trainable tensor of zeros (allocated when first written or read, so that
     * loading can map it instead). The name may contain dots ({@code ln_1.weight}).
     */
    protected final Tensor parameter(String name, int... shape) {
        Tensor t = Tensor.lazyParameter(shape);
        register(parameters, name, t);
        return t;
    }

    /** Registers a non-trainable tensor of zeros that is saved with the weights (BatchNorm running statistics). */
    protected final Tensor buffer(String name, int... shape) {
        Tensor t = Tensor.zeros(shape);
        register(buffers, name, t);
        return t;
    }

    /**
     * Registers a child; its names get {@code name + "."} in front. An empty name
     * puts the child's names at this level (OpenAI's CLIP keeps the text tower's
     * parameters at the top of the state dict).
     */
    protected final <M extends Module> M child(String name, M module) {
        if (children.putIfAbsent(name, module) != null) {
            throw new IllegalStateException("child '" + name + "' registered twice");
        }
        return module;
    }

    private static void register(Map<String, Tensor> into, String name, Tensor t) {
        if (into.putIfAbsent(name, t) != null) {
            throw new IllegalStateException("'" + name + "' registered twice");
        }
    }

    /** All parameters and buffers by full name, parameters of a module before those of its children. */
    public final StateDict stateDict() {
        StateDict sd = new StateDict();
        collect("", sd);
        return sd;
    }

    private void collect(String prefix, StateDict sd) {
        parameters.forEach((n, t) -> sd.putParameter(prefix + n, t));
        buffers.forEach((n, t) -> sd.putBuffer(prefix + n, t));
        children.forEach((n, m) -> m.collect(n.isEmpty() ? prefix : prefix + n + ".", sd));
    }

    /** Switches this module and its children to training (true) or evaluation (false) mode. */
    public final void train(boolean on) {
        training = on;
        children.values().forEach(m -> m.train(on));
    }

    /** True in training mode: BatchNorm normalizes with batch statistics and updates its running ones. */
    public final boolean isTraining() {
        return training;
    }
}
