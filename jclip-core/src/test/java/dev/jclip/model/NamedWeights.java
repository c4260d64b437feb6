package dev.jclip.model;

import dev.jclip.io.SafeTensorsWriter;
import dev.jclip.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Tensor values derived from a tensor's name and shape alone, exactly as
 * {@code parity/make_config_cases.py} derives them in Python: a SplitMix64 stream seeded with the
 * FNV-1a hash of the name, the top 24 bits of each output as {@code u} in [0, 1), and
 * {@code w = 2u − 1} scaled by the kind of tensor. Every operation is exact or one float32
 * rounding, so both languages get the same bits and parity fixtures need not store weights.
 */
public final class NamedWeights {
    private NamedWeights() {}

    /** The values of tensor {@code name} of {@code shape}, row-major. */
    public static float[] fill(String name, int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] u = units(fnv1a(name), Math.toIntExact(n));
        float[] v = new float[u.length];
        for (int i = 0; i < v.length; i++) {
            float w = 2f * u[i] - 1f;
            if (name.equals("logit_scale")) {
                v[i] = 4.6052f;
            } else if (name.endsWith("running_var")) {
                v[i] = 0.5f + u[i];
            } else if (shape.length == 1 && name.endsWith(".weight")) {   // LayerNorm and BatchNorm scales
                v[i] = 1f + 0.25f * w;
            } else if (shape.length >= 2) {
                v[i] = w * (float) (1 / Math.sqrt(n / shape[0]));
            } else {                                                        // biases, embeddings, LayerScale gammas
                v[i] = w * 0.5f;
            }
        }
        return v;
    }

    /**
     * Writes a safetensors file with a tensor of each name and shape ({@code tensors} as a fixture's
     * JSON holds them: name to a list of dimensions), filled by {@link #fill}.
     */
    public static void write(Map<String, Object> tensors, Path file) throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter();
        tensors.forEach((name, dims) -> {
            List<?> list = (List<?>) dims;
            int[] shape = new int[list.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = Math.toIntExact((Long) list.get(i));
            }
            w.add(name, Tensor.of(fill(name, shape), shape));
        });
        w.write(file);
    }

    /** {@code count} floats in [0, 1): the top 24 bits of successive SplitMix64 outputs from {@code seed}, times 2⁻²⁴. */
    static float[] units(long seed, int count) {
        float[] u = new float[count];
        for (int i = 0; i < count; i++) {
            long z = seed + (i + 1) * 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            u[i] = (z >>> 40) * 0x1p-24f;
        }
        return u;
    }

    private static long fnv1a(String name) {
        long h = 0xCBF29CE484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return h;
    }
}
