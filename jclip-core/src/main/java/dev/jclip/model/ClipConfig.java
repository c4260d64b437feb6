package dev.jclip.model;

import dev.jclip.compute.Gelu;
import dev.jclip.io.Json;
import dev.jclip.nn.BlockConfig;
import dev.jclip.nn.Clip;
import dev.jclip.nn.ImageEncoder;
import dev.jclip.nn.ModifiedResNet;
import dev.jclip.nn.TextTransformer;
import dev.jclip.nn.VisionTransformer;
import java.util.Arrays;
import java.util.Map;

/**
 * The shape of a CLIP model, in OpenCLIP's terms ({@code embed_dim},
 * {@code vision_cfg}, {@code text_cfg}): sizes, heads, MLP widths, LayerScale,
 * pooling, masking and each tower's activation. {@link #fromOpenClipJson} reads
 * OpenCLIP's model configs (every key of its built-in towers); the factories
 * {@link Vision#vit}, {@link Vision#resnet} and {@link Text#Text(int, int, int, int, int)}
 * give OpenAI's CLIP (QuickGELU, 4× MLPs, heads of width 64 in the image tower).
 */
public record ClipConfig(int embedDim, Vision vision, Text text, boolean logitBias) {
    /** A model without {@code logit_bias} (CLIP's softmax zero-shot). */
    public ClipConfig(int embedDim, Vision vision, Text text) {
        this(embedDim, vision, text, false);
    }

    /**
     * The image tower: a ViT when {@code layers} has one entry (then {@code patchSize > 0}), a
     * ModifiedResNet when it has four blocks-per-stage counts (then {@code patchSize == 0}).
     * Images are {@code imageSize} pixels high and {@code imageWidth} wide (square for a ResNet, and
     * in OpenAI's and most OpenCLIP configs).
     * {@code heads} are the ViT blocks' or the ResNet attention pool's. The block options
     * ({@code mlpWidth}, {@code layerScale}, {@code act}, {@code lnEps}) and {@code lnPre},
     * {@code pool}, {@code finalLnAfterPool} are the ViT's (a ResNet has ReLUs and BatchNorm), as
     * are {@code classToken}, {@code patchBias} (a bias on the patch convolution) and
     * {@code projection} (false for SigLIP: the pooled states are the features, {@code width} wide).
     */
    public record Vision(int imageSize, int imageWidth, int[] layers, int width, int patchSize, int heads, int mlpWidth,
                         float layerScale, Gelu act, float lnEps, boolean lnPre, VisionTransformer.Pool pool,
                         boolean finalLnAfterPool, boolean classToken, boolean patchBias, boolean projection) {
        /** A CLIP ViT or ResNet tower: a class token, no patch bias, a projection. */
        public Vision(int imageSize, int imageWidth, int[] layers, int width, int patchSize, int heads, int mlpWidth,
                      float layerScale, Gelu act, float lnEps, boolean lnPre, VisionTransformer.Pool pool,
                      boolean finalLnAfterPool) {
            this(imageSize, imageWidth, layers, width, patchSize, heads, mlpWidth, layerScale, act, lnEps, lnPre, pool,
                    finalLnAfterPool, true, false, true);
        }

        public Vision {
            layers = layers.clone();
            if (imageSize <= 0 || imageWidth <= 0 || width <= 0 || heads <= 0) {
                throw new IllegalArgumentException("vision image_size, width and heads must be positive: " + imageSize + "x"
                        + imageWidth + ", " + width + ", " + heads);
            }
            for (int n : layers) {
                if (n <= 0) {
                    throw new IllegalArgumentException("vision layers must be positive: " + Arrays.toString(layers));
                }
            }
            if (layers.length == 1) {
                // A size that is not a multiple of the patch drops the last pixels, as the strided
                // convolution does (so400m's 384 pixels in patches of 14: a 27x27 grid).
                if (patchSize <= 0 || imageSize < patchSize || imageWidth < patchSize) {
                    throw new IllegalArgumentException("ViT image_size " + (imageSize == imageWidth ? imageSize : imageSize + "x"
                            + imageWidth) + " is smaller than patch_size " + patchSize);
                }
                if (width % heads != 0) {
                    throw new IllegalArgumentException("ViT width " + width + " is not divisible into " + heads + " heads");
                }
                new BlockConfig(heads, mlpWidth, layerScale, act, lnEps);   // checks the block options
                if (pool == null) {
                    throw new IllegalArgumentException("a ViT tower needs a pool type");
                }
                if (pool == VisionTransformer.Pool.TOK && !classToken) {
                    throw new IllegalArgumentException("class-token pooling needs a class token");
                }
                if (pool == VisionTransformer.Pool.MAP && finalLnAfterPool) {
                    throw new IllegalArgumentException("attention pooling (map) takes the tokens after the final LayerNorm");
                }
            } else if (layers.length == 4) {
                if (patchSize != 0) {
                    throw new IllegalArgumentException("a ResNet tower has no patch_size (got " + patchSize + ")");
                }
                if (imageWidth != imageSize) {
                    throw new IllegalArgumentException("a ResNet tower takes square images, not " + imageSize + "x" + imageWidth);
                }
                if (imageSize % 32 != 0 || width % 2 != 0) {
                    throw new IllegalArgumentException("ResNet image_size " + imageSize + " must be a multiple of 32 and width "
                            + width + " even");
                }
                if (!classToken || patchBias || !projection) {
                    throw new IllegalArgumentException("a ResNet tower has no class token, patch bias or optional projection");
                }
                if (width * 32 % heads != 0) {
                    throw new IllegalArgumentException("ResNet attention pool width " + width * 32 + " is not divisible into "
                            + heads + " heads");
                }
            } else {
                throw new IllegalArgumentException("vision layers must be one number (ViT) or four (ResNet): " + Arrays.toString(layers));
            }
        }

        /** OpenAI's ViT tower: heads of width 64, a 4× MLP with QuickGELU, {@code ln_pre}, class-token pooling. */
        public static Vision vit(int imageSize, int layers, int width, int patchSize) {
            return new Vision(imageSize, imageSize, new int[] {layers}, width, patchSize, Math.max(1, width / 64), 4 * width, 0,
                    Gelu.QUICK, BlockConfig.LN_EPS, true, VisionTransformer.Pool.TOK, false);
        }

        /** OpenAI's ModifiedResNet tower with these blocks per stage (attention pool heads {@code 32·width / 64}). */
        public static Vision resnet(int imageSize, int[] layers, int width) {
            return new Vision(imageSize, imageSize, layers, width, 0, Math.max(1, width * 32 / 64), 4 * width, 0, Gelu.QUICK,
                    BlockConfig.LN_EPS, true, VisionTransformer.Pool.TOK, false);
        }

        /** Whether the tower takes square images. */
        public boolean isSquare() {
            return imageSize == imageWidth;
        }

        /** True for a ModifiedResNet tower (four stages of blocks), false for a ViT. */
        public boolean isResNet() {
            return layers.length == 4;
        }

        @Override
        public int[] layers() {
            return layers.clone();
        }

        /** The ViT's transformer blocks. */
        public BlockConfig blocks() {
            return new BlockConfig(heads, mlpWidth, layerScale, act, lnEps);
        }

        /** This tower with another activation (a ResNet tower has none: it is returned as is). */
        public Vision withAct(Gelu act) {
            return isResNet() ? this
                    : new Vision(imageSize, imageWidth, layers, width, patchSize, heads, mlpWidth, layerScale, act, lnEps, lnPre,
                            pool, finalLnAfterPool, classToken, patchBias, projection);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Vision v && v.imageSize == imageSize && v.imageWidth == imageWidth && Arrays.equals(v.layers, layers)
                    && v.width == width && v.patchSize == patchSize && v.heads == heads
                    && (isResNet() || v.mlpWidth == mlpWidth && Float.compare(v.layerScale, layerScale) == 0 && v.act == act
                            && Float.compare(v.lnEps, lnEps) == 0 && v.lnPre == lnPre && v.pool == pool
                            && v.finalLnAfterPool == finalLnAfterPool && v.classToken == classToken
                            && v.patchBias == patchBias && v.projection == projection);
        }

        @Override
        public int hashCode() {
            return ((((imageSize * 31 + imageWidth) * 31 + Arrays.hashCode(layers)) * 31 + width) * 31 + patchSize) * 31 + heads;
        }

        @Override
        public String toString() {
            return isResNet()
                    ? "Vision[imageSize=" + imageSize + ", layers=" + Arrays.toString(layers) + ", width=" + width
                            + ", heads=" + heads + "]"
                    : "Vision[imageSize=" + (imageSize == imageWidth ? imageSize : imageSize + "x" + imageWidth) + ", layers=" + layers[0] + ", width=" + width + ", patchSize=" + patchSize
                            + ", heads=" + heads + ", mlpWidth=" + mlpWidth + ", layerScale=" + layerScale + ", act=" + act
                            + ", lnEps=" + lnEps + ", lnPre=" + lnPre + ", pool=" + pool + ", finalLnAfterPool="
                            + finalLnAfterPool + (classToken ? "" : ", classToken=false") + (patchBias ? ", patchBias=true" : "")
                            + (projection ? "" : ", projection=false") + "]";
        }
    }

    /**
     * The text tower. {@code causal} is false for OpenCLIP's {@code no_causal_mask};
     * {@code eosId} is the id {@link TextTransformer.Pool#EOS} pools at. {@code tokenizer} names a
     * Hugging Face tokenizer the tower was trained with ({@code hf_tokenizer_name}), or is null
     * for CLIP's BPE; {@code tokenizerKwargs} are OpenCLIP's {@code tokenizer_kwargs} for it
     * ({@code clean}: {@code whitespace}, {@code lower}, {@code canonicalize}; {@code strip_sep_token};
     * empty for the defaults). {@code projBias}: the projection is an {@code nn.Linear} with bias (SigLIP's).
     */
    public record Text(int contextLength, int vocabSize, int width, int heads, int layers, int mlpWidth, float layerScale,
                       Gelu act, float lnEps, boolean causal, TextTransformer.Pool pool, int eosId, String tokenizer,
                       boolean projBias, Map<String, Object> tokenizerKwargs) {
        /** A text tower with OpenCLIP's default tokenizer settings. */
        public Text(int contextLength, int vocabSize, int width, int heads, int layers, int mlpWidth, float layerScale,
                    Gelu act, float lnEps, boolean causal, TextTransformer.Pool pool, int eosId, String tokenizer,
                    boolean projBias) {
            this(contextLength, vocabSize, width, heads, layers, mlpWidth, layerScale, act, lnEps, causal, pool, eosId, tokenizer,
                    projBias, Map.of());
        }

        /** A text tower whose projection has no bias (CLIP's). */
        public Text(int contextLength, int vocabSize, int width, int heads, int layers, int mlpWidth, float layerScale,
                    Gelu act, float lnEps, boolean causal, TextTransformer.Pool pool, int eosId, String tokenizer) {
            this(contextLength, vocabSize, width, heads, layers, mlpWidth, layerScale, act, lnEps, causal, pool, eosId, tokenizer,
                    false, Map.of());
        }

        public Text {
            tokenizerKwargs = tokenizerKwargs == null ? Map.of() : Map.copyOf(tokenizerKwargs);
            if (contextLength <= 0 || vocabSize <= 0 || width <= 0 || heads <= 0 || layers <= 0) {
                throw new IllegalArgumentException("text context_length, vocab_size, width, heads and layers must be positive: "
                        + contextLength + ", " + vocabSize + ", " + width + ", " + heads + ", " + layers);
            }
            if (width % heads != 0) {
                throw new IllegalArgumentException("text width " + width + " is not divisible into " + heads + " heads");
            }
            new BlockConfig(heads, mlpWidth, layerScale, act, lnEps);   // checks the block options
            if (pool == null) {
                throw new IllegalArgumentException("a text tower needs a pool type");
            }
            if (pool != TextTransformer.Pool.EOS) {
                eosId = 0;   // unused: towers that differ only here are the same
            }
            if (pool == TextTransformer.Pool.EOS && (eosId < 0 || eosId >= vocabSize)) {
                throw new IllegalArgumentException("text eos_id " + eosId + " is outside the vocabulary [0, " + vocabSize + ")");
            }
        }

        /** OpenAI's text tower: causal, end-of-text pooling, a 4× MLP with QuickGELU, CLIP's BPE. */
        public Text(int contextLength, int vocabSize, int width, int heads, int layers) {
            this(contextLength, vocabSize, width, heads, layers, 4 * width, 0, Gelu.QUICK, BlockConfig.LN_EPS, true,
                    TextTransformer.Pool.ARGMAX, 0, null);
        }

        /** The transformer blocks. */
        public BlockConfig blocks() {
            return new BlockConfig(heads, mlpWidth, layerScale, act, lnEps);
        }

        /** This tower with a token embedding of {@code vocabSize} ids (for a vocabulary learned from the data). */
        public Text withVocabSize(int vocabSize) {
            return new Text(contextLength, vocabSize, width, heads, layers, mlpWidth, layerScale, act, lnEps, causal, pool, eosId,
                    tokenizer, projBias, tokenizerKwargs);
        }

        /** This tower with another activation. */
        public Text withAct(Gelu act) {
            return new Text(contextLength, vocabSize, width, heads, layers, mlpWidth, layerScale, act, lnEps, causal, pool,
                    eosId, tokenizer, projBias, tokenizerKwargs);
        }

        /** This tower without its tokenizer settings (as {@link ClipConfig#of} gives a model's). */
        public Text withoutTokenizer() {
            return new Text(contextLength, vocabSize, width, heads, layers, mlpWidth, layerScale, act, lnEps, causal, pool,
                    eosId, null, projBias, Map.of());
        }
    }

    public ClipConfig {
        if (embedDim <= 0) {
            throw new IllegalArgumentException("embed_dim must be positive: " + embedDim);
        }
        if (vision == null && text == null) {
            throw new IllegalArgumentException("a CLIP config needs a vision or a text config (both for CLIP)");
        }
        if (vision != null && !vision.isResNet() && !vision.projection() && vision.width() != embedDim) {
            throw new IllegalArgumentException("an image tower without projection gives its width " + vision.width()
                    + " as the features, not embed_dim " + embedDim);
        }
        if (logitBias && (vision == null || text == null)) {
            logitBias = false;   // a single tower has no logits
        }
    }

    /**
     * Whether the model is a SigLIP one, with a learned {@code logit_bias}: its zero-shot
     * probabilities are independent sigmoids per label, not a softmax over the labels.
     */
    public boolean sigmoid() {
        return logitBias;
    }

    /** This config with {@code act} in both towers' MLPs (an explicit choice overriding the files). */
    public ClipConfig withAct(Gelu act) {
        return new ClipConfig(embedDim, vision == null ? null : vision.withAct(act), text == null ? null : text.withAct(act), logitBias);
    }

    /** Whether the model has both towers (a single tower has one of {@link #vision()}, {@link #text()} null). */
    public boolean hasBothTowers() {
        return vision != null && text != null;
    }

    /** A model of this shape with every parameter and buffer zero (load or initialize it next). */
    public Clip build() {
        ImageEncoder visual = vision == null ? null : vision.isResNet()
                ? new ModifiedResNet(vision.layers, embedDim, vision.heads, vision.imageSize, vision.width)
                : new VisionTransformer(vision.imageSize, vision.imageWidth, vision.patchSize, vision.width, vision.layers[0], vision.blocks(),
                        vision.classToken, vision.patchBias, vision.lnPre, vision.pool, vision.finalLnAfterPool,
                        vision.projection ? embedDim : 0);
        TextTransformer textTower = text == null ? null : new TextTransformer(text.contextLength, text.vocabSize, text.width,
                text.layers, text.blocks(), text.causal, text.pool, text.eosId, embedDim, text.projBias);
        return new Clip(visual, textTower, logitBias);
    }

    /**
     * The config of an existing model, read from its modules. The text tokenizer is not part of
     * a model: it is null here.
     */
    public static ClipConfig of(Clip model) {
        ImageEncoder visual = model.visual();
        TextTransformer t = model.text();
        return new ClipConfig(visual != null ? visual.outputDim() : t.outputDim(), visual == null ? null : vision(visual),
                t == null ? null : text(t), model.logitBias() != null);
    }

    private static Vision vision(ImageEncoder visual) {
        if (visual instanceof VisionTransformer v) {
            BlockConfig b = v.blockConfig();
            return new Vision(v.imageSize(), v.imageWidth(), new int[] {v.layers()}, v.width(), v.patchSize(), b.heads(), b.mlpWidth(),
                    b.layerScale(), b.act(), b.lnEps(), v.hasLnPre(), v.pool(), v.finalLnAfterPool(), v.hasClassToken(),
                    v.hasPatchBias(), v.hasProjection());
        }
        if (visual instanceof ModifiedResNet r) {
            return new Vision(r.imageSize(), r.imageSize(), r.layers(), r.width(), 0, r.heads(), 4 * r.width(), 0, Gelu.QUICK,
                    BlockConfig.LN_EPS, true, VisionTransformer.Pool.TOK, false);
        }
        throw new IllegalArgumentException("unknown image tower " + visual.getClass().getName());
    }

    private static Text text(TextTransformer t) {
        BlockConfig b = t.blockConfig();
        return new Text(t.contextLength(), t.vocabSize(), t.width(), b.heads(), t.layers(), b.mlpWidth(), b.layerScale(), b.act(),
                b.lnEps(), t.causal(), t.pool(), t.eosId(), null, t.hasProjectionBias());
    }

    /**
     * Parses an OpenCLIP model config ({@code model_configs/*.json}, or the {@code model_cfg} of a
     * hub {@code open_clip_config.json}) with OpenCLIP's defaults: without {@code "quick_gelu": true}
     * both towers use exact GELU. Keys of towers other than the built-in ones (timm, Hugging Face
     * text models, attentional pooling, ...) are refused by name.
     */
    public static ClipConfig fromOpenClipJson(String json) {
        return OpenClipJson.parse(Json.parseObject(json), Gelu.ERF);
    }

    /**
     * As {@link #fromOpenClipJson}, for an object already parsed; {@code defaultAct} is the
     * activation when the object has no {@code quick_gelu} key.
     */
    public static ClipConfig fromOpenClipJson(Map<String, Object> json, Gelu defaultAct) {
        return OpenClipJson.parse(json, defaultAct);
    }

    /** This config as an OpenCLIP model-config JSON object (with {@code quick_gelu} always stated). */
    public String toOpenClipJson() {
        return OpenClipJson.write(this);
    }
}
