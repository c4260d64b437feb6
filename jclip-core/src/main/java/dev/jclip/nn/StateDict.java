package dev.jclip.nn;

import dev.jclip.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's tensors by their original state-dict names, in registration order:
 * trainable parameters ({@link Tensor#requiresGrad()}) and buffers (BatchNorm
 * running statistics) apart. The tensors are the model's own: writing their
 * storage changes the model.
 */
public final class StateDict {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();

    void putParameter(String name, Tensor t) {
        put(parameters, name, t);
    }

    void putBuffer(String name, Tensor t) {
        put(buffers, name, t);
    }

    private void put(Map<String, Tensor> into, String name, Tensor t) {
        if (parameters.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalStateException("duplicate state-dict name " + name);
        }
        into.put(name, t);
    }

    /** Trainable parameters by name (read-only view). */
    public Map<String, Tensor> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** Buffers by name (read-only view). */
    public Map<String, Tensor> buffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /** Parameters then buffers, by name. */
    public Map<String, Tensor> all() {
        Map<String, Tensor> m = new LinkedHashMap<>(parameters);
        m.putAll(buffers);
        return Collections.unmodifiableMap(m);
    }

    /** The parameter or buffer of that name, or null. */
    public Tensor get(String name) {
        Tensor t = parameters.get(name);
        return t != null ? t : buffers.get(name);
    }

    /** Total number of parameter elements (buffers not counted, as in {@code sum(p.numel() for p in model.parameters())}). */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : parameters.values()) {
            n += t.numel();
        }
        return n;
    }
}
