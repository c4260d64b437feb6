package dev.jclip.model;

import dev.jclip.nn.Clip;
import dev.jclip.nn.StateDict;
import dev.jclip.nn.VisionTransformer;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Random initialization for training from scratch, following
 * {@code init_state_dict} of the reference ({@code clipref.py}), itself OpenAI's
 * scheme: text blocks with {@code attn_std = w^-0.5}, {@code proj_std =
 * w^-0.5·(2·layers)^-0.5}, {@code fc_std = (2w)^-0.5}; vision blocks with
 * {@code w^-0.5} throughout; convolutions with {@code fan_in^-0.5}; token
 * embedding std 0.02, positional 0.01; LayerNorm and BatchNorm weights near 1
 * (the last BatchNorm of each bottleneck near 0, so each block starts close to
 * its shortcut); LayerScale gammas at the config's initial value;
 * {@code logit_scale = ln(1/0.07)}. A SigLIP model's parts beyond CLIP's (the
 * patch convolution's bias, the attention-pooling head, the text projection's
 * bias) follow the same scheme, and its logits start as SigLIP's do:
 * {@code logit_scale = ln 10}, {@code logit_bias = -10}. Every tensor of the
 * model is filled, in a fixed order from one {@link SplittableRandom}, so a seed
 * gives the same bits on every machine; a model with a tensor this scheme does
 * not cover is refused.
 */
public final class ClipInit {
    private final StateDict sd;
    private final SplittableRandom rng;
    private final Set<String> filled = new HashSet<>();

    private ClipInit(StateDict sd, long seed) {
        this.sd = sd;
        this.rng = new SplittableRandom(seed);
    }

    /** A new model of this config with random weights from {@code seed}. */
    public static Clip random(ClipConfig config, long seed) {
        Clip model = config.build();
        ClipInit init = new ClipInit(model.stateDict(), seed);
        init.initialize(config);
        init.requireAllFilled();
        return model;
    }

    /** The towers a config has, then (with both) the logits' scale and bias. */
    private void initialize(ClipConfig cfg) {
        if (cfg.vision() != null) {
            vision(cfg.vision());
        }
        if (cfg.text() != null) {
            text(cfg.text());
        }
        if (cfg.vision() != null && cfg.text() != null) {
            tensor("logit_scale").data()[0] = (float) Math.log(cfg.logitBias() ? 10 : 1 / 0.07);
            if (cfg.logitBias()) {
                tensor("logit_bias").data()[0] = -10f;
            }
        }
    }

    private void vision(ClipConfig.Vision v) {
        int w = v.width();
        if (!v.isResNet()) {
            int p = v.patchSize(), layers = v.layers()[0];
            double s = Math.pow(w, -0.5);
            normal("visual.conv1.weight", Math.pow(3.0 * p * p, -0.5));
            if (v.patchBias()) {
                normal("visual.conv1.bias", 0.02);
            }
            if (v.classToken()) {
                normal("visual.class_embedding", s);
            }
            normal("visual.positional_embedding", s);
            if (v.lnPre()) {
                layerNorm("visual.ln_pre");
            }
            for (int i = 0; i < layers; i++) {
                block("visual.transformer.resblocks." + i, w, s, s, s, v.layerScale());
            }
            if (v.pool() == VisionTransformer.Pool.MAP) {
                attentionPool("visual.attn_pool", s);
            }
            layerNorm("visual.ln_post");
            if (v.projection()) {
                normal("visual.proj", s);
            }
        } else {
            conv("visual.conv1.weight");
            batchNorm("visual.bn1", false);
            conv("visual.conv2.weight");
            batchNorm("visual.bn2", false);
            conv("visual.conv3.weight");
            batchNorm("visual.bn3", false);
            int[] layers = v.layers();
            for (int stage = 0; stage < 4; stage++) {
                for (int j = 0; j < layers[stage]; j++) {
                    String p = "visual.layer" + (stage + 1) + "." + j;
                    conv(p + ".conv1.weight");
                    batchNorm(p + ".bn1", false);
                    conv(p + ".conv2.weight");
                    batchNorm(p + ".bn2", false);
                    conv(p + ".conv3.weight");
                    batchNorm(p + ".bn3", true);
                    if (sd.get(p + ".downsample.0.weight") != null) {
                        conv(p + ".downsample.0.weight");
                        batchNorm(p + ".downsample.1", false);
                    }
                }
            }
            double std = Math.pow(w * 32, -0.5);
            String pp = "visual.attnpool.";
            normal(pp + "positional_embedding", std);
            for (String n : new String[] {"q", "k", "v"}) {
                normal(pp + n + "_proj.weight", std);
                normal(pp + n + "_proj.bias", 0.02);
            }
            normal(pp + "c_proj.weight", std);
            normal(pp + "c_proj.bias", 0.02);
        }
    }

    private void text(ClipConfig.Text t) {
        int tw = t.width();
        normal("token_embedding.weight", 0.02);
        normal("positional_embedding", 0.01);
        double attnStd = Math.pow(tw, -0.5);
        double projStd = attnStd * Math.pow(2.0 * t.layers(), -0.5);
        double fcStd = Math.pow(2.0 * tw, -0.5);
        for (int i = 0; i < t.layers(); i++) {
            block("transformer.resblocks." + i, tw, attnStd, projStd, fcStd, t.layerScale());
        }
        layerNorm("ln_final");
        if (t.projBias()) {
            normal("text_projection.weight", attnStd);
            normal("text_projection.bias", 0.02);
        } else {
            normal("text_projection", attnStd);
        }
    }

    /** SigLIP's attention-pooling head: a probe query, attention, LayerNorm and MLP, {@code std} throughout. */
    private void attentionPool(String p, double std) {
        normal(p + ".probe", std);
        normal(p + ".attention.in_proj_weight", std);
        normal(p + ".attention.in_proj_bias", 0.02);
        normal(p + ".attention.out_proj.weight", std);
        normal(p + ".attention.out_proj.bias", 0.02);
        layerNorm(p + ".layernorm");
        normal(p + ".mlp.fc1.weight", std);
        normal(p + ".mlp.fc1.bias", 0.02);
        normal(p + ".mlp.fc2.weight", std);
        normal(p + ".mlp.fc2.bias", 0.02);
    }

    private void requireAllFilled() {
        List<String> missed = sd.all().keySet().stream().filter(name -> !filled.contains(name)).toList();
        if (!missed.isEmpty()) {
            throw new IllegalStateException("random initialization does not cover " + missed);
        }
    }

    private void block(String p, int w, double attnStd, double projStd, double fcStd, float layerScale) {
        normal(p + ".attn.in_proj_weight", attnStd);
        normal(p + ".attn.in_proj_bias", 0.02);
        normal(p + ".attn.out_proj.weight", projStd);
        normal(p + ".attn.out_proj.bias", 0.02);
        layerNorm(p + ".ln_1");
        layerNorm(p + ".ln_2");
        normal(p + ".mlp.c_fc.weight", fcStd);
        normal(p + ".mlp.c_fc.bias", 0.02);
        normal(p + ".mlp.c_proj.weight", projStd);
        normal(p + ".mlp.c_proj.bias", 0.02);
        if (layerScale > 0) {
            // OpenCLIP's LayerScale starts every gamma at ls_init_value.
            Arrays.fill(tensor(p + ".ls_1.gamma").data(), layerScale);
            Arrays.fill(tensor(p + ".ls_2.gamma").data(), layerScale);
        }
    }

    private void layerNorm(String p) {
        normal(p + ".weight", 0.1, 1.0);
        normal(p + ".bias", 0.1);
    }

    /** Convolution weight [out, in, k, k] with std {@code (in·k·k)^-0.5}. */
    private void conv(String name) {
        int[] s = tensor(name).shape();
        normal(name, Math.pow((double) s[1] * s[2] * s[3], -0.5));
    }

    /** BatchNorm weight near 1 (near 0 when {@code zero}), bias, and nonzero running statistics. */
    private void batchNorm(String p, boolean zero) {
        normal(p + ".weight", 0.1, zero ? 0.0 : 1.0);
        normal(p + ".bias", 0.1);
        normal(p + ".running_mean", 0.1);
        float[] var = tensor(p + ".running_var").data();
        for (int i = 0; i < var.length; i++) {
            var[i] = (float) (1 + rng.nextDouble());
        }
    }

    private void normal(String name, double std) {
        normal(name, std, 0.0);
    }

    /** Fills {@code name} with {@code mean + N(0, std²)} samples. */
    private void normal(String name, double std, double mean) {
        Tensor t = tensor(name);
        float[] d = t.data();
        float[] r = Tensor.randn(rng, (float) std, t.shape()).data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (mean + r[i]);
        }
    }

    private Tensor tensor(String name) {
        Tensor t = sd.get(name);
        if (t == null) {
            throw new IllegalStateException("model has no tensor " + name);
        }
        filled.add(name);
        return t;
    }
}
