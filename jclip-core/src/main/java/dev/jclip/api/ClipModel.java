package dev.jclip.api;

import dev.jclip.compute.Gelu;
import dev.jclip.compute.Parallel;
import dev.jclip.hub.HubClient;
import dev.jclip.hub.HubModel;
import dev.jclip.image.BadImageException;
import dev.jclip.image.ImagePreprocessor;
import dev.jclip.image.PreprocessConfig;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipPresets;
import dev.jclip.model.ClipWeights;
import dev.jclip.nn.Clip;
import dev.jclip.nn.VisionTransformer;
import dev.jclip.op.Normalize;
import dev.jclip.plan.InferencePlan;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.text.TextTokenizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A CLIP model ready for inference: weights, tokenizer and image preprocessing together.
 *
 * <pre>{@code
 * ClipModel clip = ClipModel.load(Path.of("ViT-B-32"));
 * float[] image = clip.embedImage(Path.of("cat.jpg"));
 * ZeroShotClassifier zs = clip.classifier(List.of("cat", "dog"), ClipModel.DEFAULT_TEMPLATES);
 * List<Prediction> best = zs.top(image, 1);
 * }</pre>
 *
 * <p>Embeddings are unit length (L2-normalized), so the dot product of two is their cosine
 * similarity. Inputs are encoded in batches of {@link #batchSize()}, never one model call per item.
 *
 * <p>Thread-safe: a {@code ClipModel} is immutable. Its weights are never written after loading,
 * the network stays in evaluation mode, every call allocates its own activations (and records no
 * autograd graph), and the tokenizer's word cache is a concurrent map. Any number of threads may
 * call it at once; each gets the same bits it would get alone, because the kernels split work the
 * same way whatever the threads.
 */
public final class ClipModel {
    /** Inputs per forward pass unless {@link #withBatchSize} says otherwise. */
    public static final int DEFAULT_BATCH = 32;

    /** A short prompt ensemble for zero-shot classification ({@code {}} stands for the class name). */
    public static final List<String> DEFAULT_TEMPLATES = List.of(
            "a photo of a {}.",
            "a blurry photo of a {}.",
            "a close-up photo of a {}.",
            "a bright photo of a {}.",
            "a cropped photo of a {}.",
            "a good photo of a {}.",
            "a photo of the large {}.",
            "a photo of the small {}.");

    private final Clip clip;
    private final InferencePlan plan;
    private final ClipConfig config;
    private final TextTokenizer tokenizer;
    private final ImagePreprocessor preprocessor;
    private final String id;
    private final Path source;
    private final int batchSize;
    private final Parallel parallel;
    private final float logitScale;
    private final float logitBias;
    private final String foreignTokenizer;

    private ClipModel(Clip clip, InferencePlan plan, ClipConfig config, TextTokenizer tokenizer, ImagePreprocessor preprocessor, String id,
                      Path source, int batchSize, Parallel parallel, String foreignTokenizer) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (tokenizer != null && config.text() == null) {
            throw new IllegalArgumentException("a tokenizer for a model without a text tower");
        }
        if (tokenizer instanceof ClipTokenizer bpe && bpe.vocabSize() > config.text().vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + bpe.vocabSize() + " token ids, the model's text tower only "
                    + config.text().vocabSize());
        }
        this.clip = clip;
        this.plan = plan;
        this.config = config;
        this.tokenizer = tokenizer;
        if (config.vision() != null) {
            PreprocessConfig.Size size = new PreprocessConfig.Size(config.vision().imageSize(), config.vision().imageWidth());
            if (!preprocessor.config().outputSize().equals(size)) {
                throw new IllegalArgumentException("the preprocessing makes " + preprocessor.config().outputSize()
                        + " images, the image tower takes " + size);
            }
        }
        this.preprocessor = preprocessor;
        this.id = id;
        this.source = source;
        this.batchSize = batchSize;
        this.parallel = parallel;
        this.foreignTokenizer = foreignTokenizer;
        this.logitScale = clip.logitScale() == null ? Float.NaN : (float) Math.exp(clip.logitScale().item());
        this.logitBias = clip.logitBias() == null ? 0 : clip.logitBias().item();
    }

    /** {@link #load(Path, Path)} with the vocabulary found beside the model (if any). */
    public static ClipModel load(Path model) throws IOException {
        return load(model, null);
    }

    /** {@link #load(Path, Path, Gelu)} with the activation its files declare. */
    public static ClipModel load(Path model, Path vocab) throws IOException {
        return load(model, vocab, null);
    }

    /**
     * Loads a model: a Hugging Face folder ({@code config.json}, {@code model.safetensors}, with
     * {@code vocab.json} and {@code merges.txt}), an OpenCLIP folder or safetensors file (with
     * {@code bpe_simple_vocab_16e6.txt.gz} beside it), as {@link ClipWeights#map} reads them: float32
     * weights stay in the file mapping (the file must not change while the model is in use).
     * {@code vocab} (a {@code .gz} merges file, a {@code vocab.json} or {@code merges.txt}, or a
     * folder with them) overrides the vocabulary beside the model; without either, the model embeds
     * images only. The id is the preset name ({@code ViT-B-32}, ...; {@code custom} for other shapes)
     * and the SHA-256 of the weight (and config) files, e.g. {@code ViT-B-32:3f1a...}, with
     * {@code :erf}, {@code :quick} or {@code :tanh} after it for an explicit activation. The architecture, the
     * activation included, comes from the files ({@link ClipWeights}); {@code activation}, when not
     * null, overrides it in both towers (weights without a config are taken as OpenAI's QuickGELU).
     * Images are preprocessed as the model's {@code preprocessor_config.json} (Hugging Face) or the
     * {@code preprocess_cfg} of its {@code open_clip_config.json} say, else as OpenAI's CLIP.
     * A text tower that its {@code open_clip_config.json} says was trained with another tokenizer
     * than CLIP's BPE ({@code hf_tokenizer_name}) gets no tokenizer: its image tower works.
     */
    public static ClipModel load(Path model, Path vocab, Gelu activation) throws IOException {
        return assemble(ClipWeights.map(model, activation), model, ClipWeights.declaredText(model), vocab, activation,
                ModelFiles.weights(model), null);
    }

    /** {@link #load(String, Path, Gelu, HubClient)} with the files' vocabulary and activation, and the environment's hub settings. */
    public static ClipModel load(String model) throws IOException {
        return load(model, null, null, HubClient.fromEnvironment());
    }

    /**
     * Loads a model by path or by hub name, as Python users name it: a file or folder that exists
     * ({@link #load(Path, Path, Gelu)}), else {@code hf-hub:org/name} (an open_clip repository) or
     * {@code org/name} (a transformers repository), optionally {@code @revision}, whose files are
     * taken from the Hugging Face cache or downloaded into it by {@code hub} ({@link HubModel}).
     */
    public static ClipModel load(String model, Path vocab, Gelu activation, HubClient hub) throws IOException {
        Path local;
        try {
            local = Path.of(model);
        } catch (InvalidPathException e) {
            local = null;
        }
        if (local != null && Files.exists(local) || !HubModel.isHubName(model)) {
            if (local == null || !Files.exists(local)) {
                throw new IllegalArgumentException("no model file or folder at " + model + ", and it is not a hub name "
                        + "(hf-hub:org/name, org/name, or a preset name with a pretrained tag)");
            }
            return load(local, vocab, activation);
        }
        return load(HubModel.resolve(model, hub), vocab, activation);
    }

    /** {@link #pretrained(String, String, Gelu, HubClient)} with the environment's hub settings. */
    public static ClipModel pretrained(String model, String tag) throws IOException {
        return pretrained(model, tag, null, HubClient.fromEnvironment());
    }

    /**
     * open_clip's {@code create_model_and_transforms(model, pretrained=tag)}: the preset
     * {@code model} ({@code ViT-B-32}, ...) with the weights and preprocessing of its pretrained
     * {@code tag} ({@code laion2b_s34b_b79k}, ..., or a safetensors file), through the hub cache
     * ({@link HubModel#pretrained}). {@code activation}, when not null, overrides the preset's.
     */
    public static ClipModel pretrained(String model, String tag, Gelu activation, HubClient hub) throws IOException {
        return load(HubModel.pretrained(model, tag, hub), null, activation);
    }

    /**
     * Loads the files of a hub model ({@link HubModel#resolve}, {@link HubModel#pretrained}): as
     * they say, or with the architecture and preprocessing its name fixes; {@code vocab} and
     * {@code activation}, when not null, override the model's.
     */
    public static ClipModel load(HubModel m, Path vocab, Gelu activation) throws IOException {
        Path v = vocab != null ? vocab : m.vocab();
        if (m.config() == null) {
            return load(m.weights(), v, activation);
        }
        ClipConfig config = activation == null ? m.config() : m.config().withAct(activation);
        return assemble(ClipWeights.map(m.weights(), config, m.name()), m.weights(), config.text(), v, activation,
                List.of(m.weights()), m.preprocess());
    }

    /**
     * The model of the loaded {@code clip} from {@code model}: its tokenizer ({@code vocab}, else
     * the one beside the model: CLIP's BPE, or a {@code tokenizer.json} when the text tower's
     * {@code declared} settings name a Hugging Face tokenizer or there is no BPE vocabulary), its
     * id (the preset name and the SHA-256 of {@code idFiles}), its preprocessing
     * ({@code preprocessCfg} keys of open_clip when not null, else the model's files).
     */
    private static ClipModel assemble(Clip clip, Path model, ClipConfig.Text declared, Path vocab, Gelu activation,
            List<Path> idFiles, Map<String, Object> preprocessCfg) throws IOException {
        ClipConfig config = ClipConfig.of(clip);
        if (config.text() == null && vocab != null) {
            throw new IllegalArgumentException(model + " is an image tower alone: it takes no vocabulary (" + vocab + ")");
        }
        String foreign = declared == null ? null : declared.tokenizer();
        TextTokenizer tokenizer = config.text() == null ? null : ModelFiles.textTokenizer(model, vocab, declared,
                config.text().vocabSize());
        // The activation changes every embedding: one chosen over the files' is part of the id.
        String id = presetName(config) + ":" + ModelFiles.sha256(idFiles)
                + (activation == null ? "" : ":" + activation.name().toLowerCase(Locale.ROOT));
        PreprocessConfig.Size size = config.vision() == null ? null
                : new PreprocessConfig.Size(config.vision().imageSize(), config.vision().imageWidth());
        ImagePreprocessor preprocessor = ImagePreprocessor.of(size == null ? PreprocessConfig.openAi(224)
                : preprocessCfg != null ? PreprocessConfig.fromOpenClip(preprocessCfg, size) : ModelFiles.preprocessing(model, size));
        return new ClipModel(clip, InferencePlan.of(clip), config, tokenizer, preprocessor, id, model.toAbsolutePath(), DEFAULT_BATCH,
                Parallel.shared(), foreign);
    }

    /**
     * A model in memory (e.g. just trained, or random for tests) under {@code id}. The caller must
     * not change {@code clip} afterwards. {@code tokenizer} may be null (images only).
     */
    public static ClipModel of(Clip clip, TextTokenizer tokenizer, String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a model id must not be empty");
        }
        if (clip.isTraining()) {
            throw new IllegalArgumentException("the model is in training mode: call train(false) before inference");
        }
        ClipConfig config = ClipConfig.of(clip);
        return new ClipModel(clip, InferencePlan.of(clip), config, tokenizer,
                ImagePreprocessor.clip(config.vision() == null ? 224 : config.vision().imageSize()),
                id, null, DEFAULT_BATCH, Parallel.shared(), null);
    }

    /** This model with another tokenizer (its ids must fit the text tower's vocabulary). */
    public ClipModel withTokenizer(TextTokenizer tokenizer) {
        return new ClipModel(clip, plan, config, tokenizer, preprocessor, id, source, batchSize, parallel, null);
    }

    /** This model encoding {@code batchSize} inputs per forward pass. */
    public ClipModel withBatchSize(int batchSize) {
        return new ClipModel(clip, plan, config, tokenizer, preprocessor, id, source, batchSize, parallel, foreignTokenizer);
    }

    /**
     * This model computing on {@code parallel}'s threads (decoding images included); by default on
     * {@link Parallel#shared()}, all available processors. The embeddings are the same bits on any pool.
     */
    public ClipModel withParallel(Parallel parallel) {
        return new ClipModel(clip, plan, config, tokenizer, preprocessor, id, source, batchSize, Objects.requireNonNull(parallel),
                foreignTokenizer);
    }

    /** The pool this model computes on. */
    public Parallel parallel() {
        return parallel;
    }

    private static String presetName(ClipConfig config) {
        for (String name : ClipPresets.names()) {
            ClipConfig p = ClipPresets.get(name);
            // A model's config has no tokenizer settings: they play no part in the architecture.
            if (p.text() != null) {
                p = new ClipConfig(p.embedDim(), p.vision(), p.text().withoutTokenizer(), p.logitBias());
            }
            if (p.equals(config)) {
                return name;
            }
        }
        return "custom";
    }

    /** Identifies the weights: preset name and SHA-256 of the files, or the id given to {@link #of}. */
    public String id() {
        return id;
    }

    /** The file or folder the model was loaded from (absolute), or null for a model made in memory. */
    public Path source() {
        return source;
    }

    /** The architecture: embedding dimension and both towers' shapes. */
    public ClipConfig config() {
        return config;
    }

    /** The embedding dimension. */
    public int dimension() {
        return config.embedDim();
    }

    /** Inputs per forward pass when embedding lists (see {@link #withBatchSize}). */
    public int batchSize() {
        return batchSize;
    }

    /** {@code exp(logit_scale)}: the factor from cosine similarity to logits (100 for OpenAI's models); NaN for a single tower. */
    public float logitScale() {
        return logitScale;
    }

    /** Refuses image work without an image tower ({@code image}) or text work without a text tower. */
    private void requireTower(boolean image) {
        if ((image ? config.vision() : config.text()) == null) {
            throw new IllegalStateException("model " + (source != null ? source : id) + " is " + (image ? "a text" : "an image")
                    + " tower alone: it embeds no " + (image ? "images" : "texts"));
        }
    }

    private void requireBothTowers(String what) {
        if (!config.hasBothTowers()) {
            throw new IllegalStateException("model " + (source != null ? source : id) + " is " + (config.vision() == null
                    ? "a text tower alone" : "an image tower alone") + ": it has no " + what);
        }
    }

    /** The preprocessing that turns an image into the image tower's input [3, S, S]. */
    public ImagePreprocessor preprocessor() {
        return preprocessor;
    }

    /** True when a tokenizer came with the model, so texts can be embedded. */
    public boolean hasTokenizer() {
        return tokenizer != null;
    }

    /** The tokenizer (CLIP's BPE, or a Hugging Face one for SigLIP); an error naming the fix when the model has none. */
    public TextTokenizer tokenizer() {
        if (config.text() == null) {
            throw new IllegalStateException("model " + (source != null ? source : id) + " is an image tower alone: it has no tokenizer");
        }
        if (tokenizer == null && foreignTokenizer != null) {
            throw new IllegalStateException("model " + (source != null ? source : id) + " has a text tower trained with the "
                    + "Hugging Face tokenizer '" + foreignTokenizer + "': put its tokenizer.json (and tokenizer_config.json) beside "
                    + "the model or give it as the vocabulary (--vocab); without it the model embeds images only");
        }
        if (tokenizer == null) {
            throw new IllegalStateException("no tokenizer for model " + (source != null ? source : id) + ": put "
                    + ClipTokenizer.ORIGINAL_FILE + " (OpenAI), vocab.json and merges.txt (Hugging Face) or tokenizer.json "
                    + "(SigLIP) beside it, or give a vocabulary path (--vocab)");
        }
        return tokenizer;
    }

    // ---------------------------------------------------------------- images

    /** The embedding of an image file (PNG, JPEG, GIF, BMP). */
    public float[] embedImage(Path file) throws BadImageException {
        return embedImageFiles(List.of(file))[0];
    }

    /** The embedding of an encoded image (the bytes of a PNG, JPEG, GIF, BMP or WebP file). */
    public float[] embedImage(byte[] encoded) throws BadImageException {
        requireTower(true);
        return embedPreprocessed(List.of(preprocessor.preprocess(encoded, "image of " + encoded.length + " bytes")))[0];
    }

    /** The embedding of an image in memory. */
    public float[] embedImage(BufferedImage image) {
        return embedImages(List.of(image))[0];
    }

    /**
     * Embeddings of image files, one row per file in order. The images of each batch are decoded
     * on all cores, then encoded. An unreadable file fails the call.
     */
    public float[][] embedImageFiles(List<Path> files) throws BadImageException {
        requireTower(true);
        float[][] out = new float[files.size()][];
        for (int start = 0; start < files.size(); start += batchSize) {
            int end = Math.min(files.size(), start + batchSize), first = start;
            Tensor[] pre = new Tensor[end - start];
            BadImageException[] bad = new BadImageException[end - start];
            parallel.run(() -> Parallel.forEach(pre.length, i -> {
                try {
                    pre[i] = preprocessor.preprocess(files.get(first + i));
                } catch (BadImageException e) {
                    bad[i] = e;
                }
            }));
            for (BadImageException e : bad) {
                if (e != null) {
                    throw e;
                }
            }
            System.arraycopy(embedPreprocessed(Arrays.asList(pre)), 0, out, start, pre.length);
        }
        return out;
    }

    /** Embeddings of images in memory, one row per image in order. */
    public float[][] embedImages(List<BufferedImage> images) {
        requireTower(true);
        float[][] out = new float[images.size()][];
        for (int start = 0; start < images.size(); start += batchSize) {
            int end = Math.min(images.size(), start + batchSize), first = start;
            Tensor[] pre = new Tensor[end - start];
            parallel.run(() -> Parallel.forEach(pre.length, i -> pre[i] = preprocessor.preprocess(images.get(first + i))));
            System.arraycopy(embedPreprocessed(Arrays.asList(pre)), 0, out, start, pre.length);
        }
        return out;
    }

    /** Embeddings of preprocessed images, each [3, S, S] as {@link #preprocessor()} makes them. */
    public float[][] embedPreprocessed(List<Tensor> images) {
        requireTower(true);
        return batched(images.size(), (start, end) -> {
            try (var _ = GradMode.noGrad()) {
                Tensor batch = stack(images, start, end);
                return Normalize.l2(plan.encodeImage(batch));
            }
        });
    }

    /**
     * Token states [B, 1 + g², width] of a ViT image tower for preprocessed images: the class
     * token (none in SigLIP's: [B, g², width]), then the patch tokens row by row, from hidden-state {@code layer} (Hugging Face's
     * numbering: 0 the input of the first block, -1 the last block, -2 the penultimate), with
     * {@code ln_post} applied to every token if {@code lnPost}.
     */
    public Tensor imageTokens(List<Tensor> images, int layer, boolean lnPost) {
        requireTower(true);
        if (!(clip.visual() instanceof VisionTransformer vit)) {
            throw new IllegalArgumentException("patch tokens need a ViT image tower; this model's is a ResNet");
        }
        ClipConfig.Vision v = config.vision();
        int tokens = (v.imageSize() / v.patchSize()) * (v.imageWidth() / v.patchSize()) + (v.classToken() ? 1 : 0);
        return concatenated(images.size(), tokens, vit.width(), (start, end) -> {
            try (var _ = GradMode.noGrad()) {
                return vit.tokens(stack(images, start, end), layer, lnPost);
            }
        });
    }

    // ---------------------------------------------------------------- texts

    /** The embedding of a text. */
    public float[] embedText(String text) {
        return embedTexts(List.of(text))[0];
    }

    /**
     * Embeddings of texts, one row per text in order. A text longer than the context (77 tokens)
     * is cut to it with the end token last, as OpenCLIP's tokenizer does.
     */
    public float[][] embedTexts(List<String> texts) {
        return embedTokens(tokenize(texts));
    }

    /** Embeddings of token id rows, each {@code contextLength} long (start, ids, end, zero padding). */
    public float[][] embedTokens(int[][] ids) {
        requireTower(false);
        return batched(ids.length, (start, end) -> {
            try (var _ = GradMode.noGrad()) {
                int[] batch = flatten(ids, start, end);
                return Normalize.l2(plan.encodeText(batch));
            }
        });
    }

    /**
     * The text tower as a conditioning encoder (as in Stable Diffusion): per-token hidden states
     * [B, contextLength, width] of texts, from hidden-state {@code layer} (Hugging Face's numbering:
     * 0 the embeddings, -1 the last block, -2 the penultimate), with {@code ln_final} applied to every
     * token if {@code lnFinal}. {@code (-1, true)} is {@code last_hidden_state}.
     */
    public Tensor textHiddenStates(List<String> texts, int layer, boolean lnFinal) {
        return textHiddenStates(tokenize(texts), layer, lnFinal);
    }

    /** {@link #textHiddenStates(List, int, boolean)} of token id rows. */
    public Tensor textHiddenStates(int[][] ids, int layer, boolean lnFinal) {
        requireTower(false);
        int context = config.text().contextLength();
        return concatenated(ids.length, context, config.text().width(), (start, end) -> {
            try (var _ = GradMode.noGrad()) {
                return clip.text().hiddenStates(flatten(ids, start, end), layer, lnFinal);
            }
        });
    }

    /** Token ids [texts, contextLength] as the text tower takes them, too long texts cut. */
    public int[][] tokenize(List<String> texts) {
        return tokenizer().tokenize(texts, config.text().contextLength(), true).ids();
    }

    // ---------------------------------------------------------------- similarity and zero-shot

    /** Cosine similarities [a, b] of two sets of unit-length embeddings (their dot products, {@link Similarity}). */
    public static float[][] similarity(float[][] a, float[][] b) {
        return Similarity.matrix(a, b);
    }

    /** CLIP's logits [images, texts]: {@code exp(logit_scale)} times the cosine similarities (plus SigLIP's {@code logit_bias}). */
    public float[][] logits(float[][] images, float[][] texts) {
        requireBothTowers("logits");
        float[][] sim = similarity(images, texts);
        for (float[] row : sim) {
            for (int j = 0; j < row.length; j++) {
                row[j] = row[j] * logitScale + logitBias;
            }
        }
        return sim;
    }

    /** The cosine similarity of each image with its own text: pair i is {@code (images[i], texts[i])}. */
    public static float[] scorePairs(float[][] images, float[][] texts) {
        if (images.length != texts.length) {
            throw new IllegalArgumentException(images.length + " images but " + texts.length + " texts: pairs need as many of each");
        }
        float[] out = new float[images.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Similarity.cosine(images[i], texts[i]);
        }
        return out;
    }

    /**
     * A zero-shot classifier over {@code classNames}: each class's weight is the mean of the
     * normalized embeddings of its prompts (each template with {@code {}} replaced by the name),
     * renormalized, as in CLIP's prompt ensembling. Templates without {@code {}} are refused.
     */
    public ZeroShotClassifier classifier(List<String> classNames, List<String> templates) {
        requireBothTowers("zero-shot classifier");
        if (classNames.isEmpty() || templates.isEmpty()) {
            throw new IllegalArgumentException("a classifier needs at least one class name and one template");
        }
        Set<String> seen = new HashSet<>();
        for (String name : classNames) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("class names must not be blank: " + classNames);
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("class name '" + name + "' is given twice");
            }
        }
        for (String t : templates) {
            if (t == null || !t.contains("{}")) {
                throw new IllegalArgumentException("template '" + t + "' has no {} for the class name");
            }
        }
        List<String> prompts = new ArrayList<>(classNames.size() * templates.size());
        for (String name : classNames) {
            for (String t : templates) {
                prompts.add(t.replace("{}", name));
            }
        }
        float[][] emb = embedTexts(prompts);
        int d = dimension(), per = templates.size();
        float[][] weights = new float[classNames.size()][d];
        for (int c = 0; c < weights.length; c++) {
            float[] w = weights[c];
            for (int t = 0; t < per; t++) {
                float[] e = emb[c * per + t];
                for (int k = 0; k < d; k++) {
                    w[k] += e[k];
                }
            }
            normalize(w);
        }
        return new ZeroShotClassifier(classNames, weights, logitScale, logitBias, config.sigmoid()
                ? ZeroShotClassifier.Probabilities.SIGMOID : ZeroShotClassifier.Probabilities.SOFTMAX);
    }

    // ---------------------------------------------------------------- helpers

    /** One forward pass over items {@code [start, end)}: a [end - start, D] result. */
    private interface Batch {
        Tensor run(int start, int end);
    }

    /** Rows of {@code fn}'s [B, D] results over batches of {@link #batchSize}. */
    private float[][] batched(int n, Batch fn) {
        float[][] out = new float[n][];
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize), first = start;
            Tensor t = parallel.call(() -> fn.run(first, end));
            int d = t.dim(1);
            float[] data = t.data();
            for (int i = start; i < end; i++) {
                out[i] = Arrays.copyOfRange(data, (i - start) * d, (i - start + 1) * d);
                for (float x : out[i]) {
                    if (!Float.isFinite(x)) {
                        // Weights are checked at load; this is an overflow inside the model.
                        throw new IllegalStateException("model " + (source != null ? source : id) + " gave input " + i
                                + " a non-finite embedding (NaN or infinity)");
                    }
                }
            }
        }
        return out;
    }

    /** {@code fn}'s [B, tokens, width] results over batches, concatenated into [n, tokens, width]. */
    private Tensor concatenated(int n, int tokens, int width, Batch fn) {
        if (n == 0) {
            throw new IllegalArgumentException("no inputs");
        }
        int per = tokens * width;
        float[] out = new float[Math.multiplyExact(n, per)];
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize), first = start;
            System.arraycopy(parallel.call(() -> fn.run(first, end)).data(), 0, out, start * per, (end - start) * per);
        }
        return Tensor.of(out, n, tokens, width);
    }

    /** Images {@code [start, end)} as one [B, 3, H, W] tensor; each must be [3, H, W]. */
    private Tensor stack(List<Tensor> images, int start, int end) {
        int h = config.vision().imageSize(), w = config.vision().imageWidth(), per = 3 * h * w;
        float[] out = new float[(end - start) * per];
        for (int i = start; i < end; i++) {
            Tensor t = images.get(i);
            if (!Arrays.equals(t.shape(), new int[] {3, h, w})) {
                throw new IllegalArgumentException("image " + i + " is " + Arrays.toString(t.shape()) + ", the model takes [3, "
                        + h + ", " + w + "] (use preprocessor())");
            }
            System.arraycopy(t.data(), 0, out, (i - start) * per, per);
        }
        return Tensor.of(out, end - start, 3, h, w);
    }

    /** Rows {@code [start, end)} as one row-major [B, contextLength] array; each row must have contextLength ids. */
    private int[] flatten(int[][] ids, int start, int end) {
        int context = config.text().contextLength();
        int[] out = new int[(end - start) * context];
        for (int i = start; i < end; i++) {
            if (ids[i].length != context) {
                throw new IllegalArgumentException("token row " + i + " has " + ids[i].length + " ids, the text tower takes "
                        + context);
            }
            System.arraycopy(ids[i], 0, out, (i - start) * context, context);
        }
        return out;
    }

    private static void normalize(float[] v) {
        double sq = 0;
        for (float x : v) {
            sq += (double) x * x;
        }
        float norm = (float) Math.sqrt(sq);
        for (int k = 0; k < v.length; k++) {
            v[k] /= norm;
        }
    }
}
