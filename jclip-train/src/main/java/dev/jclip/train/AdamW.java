package dev.jclip.train;

import dev.jclip.compute.Parallel;
import dev.jclip.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * AdamW with decoupled weight decay, computing exactly what PyTorch's
 * {@code torch.optim.AdamW} computes (same order of float operations), so a
 * step here and a step there agree to float rounding.
 *
 * <p>As OpenCLIP, parameters of rank &lt; 2 (biases, norm gains, the class
 * embedding), batch/layer norm parameters and {@code logit_scale} get no weight
 * decay; see {@link #decays(String, Tensor)}.
 */
public final class AdamW {
    /** Elements per task of a step. */
    private static final int CHUNK = 1 << 16;

    /** Hyper-parameters; {@link #openClip()} gives OpenCLIP's defaults. */
    public record Config(double lr, double beta1, double beta2, double eps, double weightDecay) {
        /** OpenCLIP's training defaults: lr 5e-4, betas (0.9, 0.98), eps 1e-6, weight decay 0.2. */
        public static Config openClip() {
            return new Config(5e-4, 0.9, 0.98, 1e-6, 0.2);
        }

        /** Fine-tuning a pretrained model: OpenCLIP's betas and eps, a 50× lower rate and half the decay (WiSE-FT-like). */
        public static Config fineTune() {
            return new Config(1e-5, 0.9, 0.98, 1e-6, 0.1);
        }
    }

    private final List<String> names = new ArrayList<>();
    private final List<Tensor> params = new ArrayList<>();
    private final List<Boolean> decay = new ArrayList<>();
    private final List<float[]> expAvg = new ArrayList<>();
    private final List<float[]> expAvgSq = new ArrayList<>();
    private final Config config;
    private long step;

    /** Optimizes every tensor of {@code named} that requires grad, in the map's order. */
    public AdamW(Map<String, Tensor> named, Config config) {
        this.config = config;
        for (var e : named.entrySet()) {
            if (e.getValue().requiresGrad()) {
                names.add(e.getKey());
                params.add(e.getValue());
                decay.add(decays(e.getKey(), e.getValue()));
                expAvg.add(new float[e.getValue().numel()]);
                expAvgSq.add(new float[e.getValue().numel()]);
            }
        }
    }

    /** OpenCLIP's rule: decay only matrices and kernels, never norms, biases, embeddings of rank &lt; 2 or the scale. */
    public static boolean decays(String name, Tensor p) {
        return p.rank() >= 2 && !name.contains("bn") && !name.contains("ln") && !name.contains("bias")
                && !name.contains("logit_scale");
    }

    /**
     * One update with learning rate {@code lr} (the schedule's value for this
     * step). Parameters without a gradient are left as they are.
     */
    public void step(double lr) {
        step++;
        double bc1 = 1 - Math.pow(config.beta1(), step);
        double bc2 = 1 - Math.pow(config.beta2(), step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float b1 = (float) config.beta1(), b2 = (float) config.beta2(), eps = (float) config.eps();
        float a1 = (float) (1 - config.beta1()), a2 = (float) (1 - config.beta2());
        float decayShrink = (float) (1 - lr * config.weightDecay());
        // Every parameter in chunks of at most CHUNK elements, one task each: elements are
        // independent, so the pool's size changes nothing.
        List<int[]> tasks = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).grad() != null) {
                for (int from = 0, n = params.get(i).numel(); from < n; from += CHUNK) {
                    tasks.add(new int[] {i, from, Math.min(n, from + CHUNK)});
                }
            }
        }
        Parallel.forEach(tasks.size(), t -> {
            int i = tasks.get(t)[0], from = tasks.get(t)[1], to = tasks.get(t)[2];
            Tensor p = params.get(i);
            float[] g = p.grad(), w = p.data(), m = expAvg.get(i), v = expAvgSq.get(i);
            float shrink = decay.get(i) ? decayShrink : 1f;
            for (int j = from; j < to; j++) {
                w[j] *= shrink;
                m[j] = m[j] * b1 + a1 * g[j];
                v[j] = v[j] * b2 + a2 * g[j] * g[j];
                float denom = (float) Math.sqrt(v[j]) / bc2Sqrt + eps;
                w[j] -= stepSize * (m[j] / denom);
            }
        });
    }

    /** Steps taken so far. */
    public long stepCount() {
        return step;
    }

    /** Names of the optimized parameters, in order. */
    public List<String> names() {
        return Collections.unmodifiableList(names);
    }

    /** First-moment state of parameter {@code i} (live array; for checkpoints). */
    public float[] expAvg(int i) {
        return expAvg.get(i);
    }

    /** Second-moment state of parameter {@code i} (live array; for checkpoints). */
    public float[] expAvgSq(int i) {
        return expAvgSq.get(i);
    }

    /** Restores the step counter (after loading moments from a checkpoint). */
    public void restoreStepCount(long steps) {
        this.step = steps;
    }

    /** True when parameter {@code i} gets weight decay. */
    public boolean decays(int i) {
        return decay.get(i);
    }
}
