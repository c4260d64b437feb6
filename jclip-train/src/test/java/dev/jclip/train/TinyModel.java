package dev.jclip.train;

import dev.jclip.op.Elementwise;
import dev.jclip.op.Embedding;
import dev.jclip.op.MatMul;
import dev.jclip.op.Normalize;
import dev.jclip.op.Reduce;
import dev.jclip.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A stand-in for CLIP to test the trainer's mechanics fast: a linear image
 * encoder, a mean-of-embeddings text encoder with a projection, the real
 * logits. Names follow the state dict so the freeze rules and the decay rule apply.
 */
final class TinyModel implements ContrastiveModel {
    static final int SIZE = 4, VOCAB = 11, CONTEXT = 5, EMBED = 6;
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Tensor proj, emb, textProj, scale;

    TinyModel(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        proj = param("visual.proj", rng, 0.3f, 3 * SIZE * SIZE, EMBED);
        emb = param("token_embedding.weight", rng, 0.5f, VOCAB, EMBED);
        textProj = param("text_projection", rng, 0.4f, EMBED, EMBED);
        scale = Tensor.parameter(new float[] {(float) Math.log(1 / 0.07)});
        params.put("logit_scale", scale);
        buffers.put("visual.bn.running_mean", Tensor.of(new float[] {0.5f, -0.25f}, 2));
    }

    private Tensor param(String name, SplittableRandom rng, float std, int... shape) {
        Tensor t = Tensor.parameter(Tensor.randn(rng, std, shape).data(), shape);
        params.put(name, t);
        return t;
    }

    @Override
    public Map<String, Tensor> parameters() {
        return params;
    }

    @Override
    public Map<String, Tensor> buffers() {
        return buffers;
    }

    @Override
    public Tensor encodeImage(Tensor images) {
        return MatMul.matmul(images.reshape(images.dim(0), -1), false, proj, false);
    }

    @Override
    public Tensor encodeText(int[] tokens) {
        int b = tokens.length / CONTEXT;
        return MatMul.matmul(Reduce.mean(Embedding.forward(emb, tokens, b, CONTEXT), 1), false, textProj, false);
    }

    @Override
    public Tensor logitsPerImage(Tensor imageFeatures, Tensor textFeatures) {
        Tensor sim = MatMul.matmul(Normalize.l2(imageFeatures), false, Normalize.l2(textFeatures), true);
        return Elementwise.mulScalar(sim, Elementwise.exp(scale));
    }

    @Override
    public void train(boolean on) {}

    /** A random batch of {@code n} pairs from {@code rng}. */
    static Batch batch(SplittableRandom rng, int n) {
        Tensor images = Tensor.randn(rng, 1f, n, 3, SIZE, SIZE);
        int[][] tokens = new int[n][CONTEXT];
        for (int[] row : tokens) {
            for (int j = 0; j < CONTEXT; j++) {
                row[j] = rng.nextInt(VOCAB);
            }
        }
        return new Batch(images, tokens);
    }
}
