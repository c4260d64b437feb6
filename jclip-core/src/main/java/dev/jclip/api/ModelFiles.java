package dev.jclip.api;

import dev.jclip.image.PreprocessConfig;
import dev.jclip.io.Json;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipWeights;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.text.HfTextTokenizer;
import dev.jclip.text.TextTokenizer;
import dev.jclip.text.hf.HfTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The files of a model on disk: the weights (hashed into the model id) and the tokenizer
 * vocabulary found beside them. Mirrors {@link dev.jclip.model.ClipWeights#load}'s layouts: a
 * Hugging Face folder ({@code config.json}, {@code model.safetensors}, {@code vocab.json},
 * {@code merges.txt}), an OpenCLIP folder ({@code open_clip_model.safetensors}) or a safetensors
 * file, each with an optional {@value ClipTokenizer#ORIGINAL_FILE} beside the weights.
 */
final class ModelFiles {
    /** Ids of the original vocabulary without merges: 256 bytes, the same with "</w>", start and end. */
    private static final int BYTE_LEVEL_IDS = 514;

    private ModelFiles() {}

    /** Hugging Face's image preprocessing settings beside a model's {@code config.json}. */
    private static final String HF_PREPROCESSOR = "preprocessor_config.json";

    /**
     * The files whose bytes define the model's embeddings: what {@code ClipWeights.load(model)}
     * reads, and the preprocessing settings.
     */
    static List<Path> weights(Path model) {
        Path weights = model;
        if (Files.isDirectory(model)) {
            Path hfWeights = model.resolve("model.safetensors"), hfConfig = model.resolve("config.json");
            if (Files.isRegularFile(hfWeights) && Files.isRegularFile(hfConfig)) {
                Path preprocessor = model.resolve(HF_PREPROCESSOR);
                return Files.isRegularFile(preprocessor) ? List.of(hfWeights, hfConfig, preprocessor) : List.of(hfWeights, hfConfig);
            }
            weights = model.resolve("open_clip_model.safetensors");
        }
        Path hubConfig = weights.toAbsolutePath().resolveSibling(ClipWeights.OPEN_CLIP_CONFIG);
        return Files.isRegularFile(hubConfig) ? List.of(weights, hubConfig) : List.of(weights);
    }

    /** SHA-256 of the files' contents, one after the other, in hex. */
    static String sha256(List<Path> files) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] buf = new byte[1 << 20];
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    md.update(buf, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * The vocabulary beside a model: in its folder (or the folder of its file), Hugging Face's
     * {@code vocab.json} and {@code merges.txt}, or {@value ClipTokenizer#ORIGINAL_FILE}; null if none.
     */
    static Path findVocabulary(Path model) {
        Path folder = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
        if (Files.isRegularFile(folder.resolve("vocab.json")) && Files.isRegularFile(folder.resolve("merges.txt"))) {
            return folder;
        }
        Path original = folder.resolve(ClipTokenizer.ORIGINAL_FILE);
        return Files.isRegularFile(original) ? original : null;
    }

    /** Hugging Face's tokenizer file. */
    static final String HF_TOKENIZER = "tokenizer.json";

    /**
     * The text tokenizer of a model: {@code vocab} when given (a {@code tokenizer.json}, or a folder
     * with one and no {@code vocab.json}, is a Hugging Face tokenizer; anything else CLIP's BPE,
     * {@link #tokenizer}), else the {@code tokenizer.json} beside the model when its
     * {@code declared} text settings name a Hugging Face tokenizer or it has no BPE vocabulary, else
     * its BPE vocabulary; null when there is none. A Hugging Face tokenizer is cleaned up as
     * OpenCLIP's {@code tokenizer_kwargs.clean} says for an OpenCLIP model, else as transformers
     * does (lowercase for {@code Siglip2Tokenizer}).
     */
    static TextTokenizer textTokenizer(Path model, Path vocab, ClipConfig.Text declared, int modelVocab) throws IOException {
        String foreign = declared == null ? null : declared.tokenizer();
        Path folder = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
        Path hf = vocab != null ? hfTokenizerFile(vocab, true)
                : foreign != null || findVocabulary(model) == null ? hfTokenizerFile(folder, false) : null;
        if (hf != null) {
            Map<String, Object> kwargs = foreign != null ? declared.tokenizerKwargs() : Map.of();
            for (String k : kwargs.keySet()) {
                if (!k.equals("clean") && !k.equals("strip_sep_token")) {
                    throw new IllegalArgumentException(model + ": the text tokenizer's tokenizer_kwargs." + k + " = " + kwargs.get(k)
                            + " is not supported (clean, strip_sep_token)");
                }
            }
            HfTextTokenizer.Clean clean = foreign != null
                    ? HfTextTokenizer.Clean.of(String.valueOf(kwargs.getOrDefault("clean", "whitespace")))
                    : "Siglip2Tokenizer".equals(tokenizerConfig(hf).get("tokenizer_class")) ? HfTextTokenizer.Clean.LOWERCASE
                    : HfTextTokenizer.Clean.NONE;
            HfTokenizer t = HfTokenizer.load(hf);
            int strip = Boolean.TRUE.equals(kwargs.get("strip_sep_token")) ? tokenId(hf, t, "sep_token") : -1;
            return new HfTextTokenizer(t, clean, tokenId(hf, t, "pad_token"), strip);
        }
        if (foreign != null) {
            if (vocab != null) {
                throw new IllegalArgumentException(model + ": the text tower was trained with the Hugging Face tokenizer '" + foreign
                        + "'; " + vocab + " is not its tokenizer.json (nor a folder holding one)");
            }
            return null;
        }
        Path bpe = vocab != null ? vocab : findVocabulary(model);
        return bpe == null ? null : tokenizer(bpe, modelVocab);
    }

    /**
     * The {@code tokenizer.json} that {@code path} is or holds; in a folder also holding CLIP's
     * {@code vocab.json} and {@code merges.txt} only when not {@code explicit} (an explicit folder with both is CLIP's).
     */
    private static Path hfTokenizerFile(Path path, boolean explicit) {
        if (Files.isRegularFile(path) && path.getFileName().toString().equals(HF_TOKENIZER)) {
            return path;
        }
        Path file = path.resolve(HF_TOKENIZER);
        boolean clipVocab = Files.isRegularFile(path.resolve("vocab.json")) && Files.isRegularFile(path.resolve("merges.txt"));
        return Files.isDirectory(path) && Files.isRegularFile(file) && !(explicit && clipVocab) ? file : null;
    }

    /** The {@code tokenizer_config.json} beside a {@code tokenizer.json}, or an empty map. */
    private static Map<String, Object> tokenizerConfig(Path tokenizerJson) throws IOException {
        Path f = tokenizerJson.resolveSibling("tokenizer_config.json");
        return Files.isRegularFile(f) ? Json.readObject(f) : Map.of();
    }

    /**
     * The id of the special token {@code role} ({@code pad_token}: transformers pads to the context
     * with it) that {@code tokenizer_config.json} (else {@code special_tokens_map.json}) beside
     * {@code tokenizerJson} names.
     */
    private static int tokenId(Path tokenizerJson, HfTokenizer t, String role) throws IOException {
        Object token = tokenizerConfig(tokenizerJson).get(role);
        Path map = tokenizerJson.resolveSibling("special_tokens_map.json");
        if (token == null && Files.isRegularFile(map)) {
            token = Json.readObject(map).get(role);
        }
        if (token instanceof Map<?, ?> m) {
            token = m.get("content");
        }
        if (!(token instanceof String name)) {
            throw new IllegalArgumentException(tokenizerJson + ": no " + role + " in the tokenizer_config.json or "
                    + "special_tokens_map.json beside it" + (role.equals("pad_token") ? "; every text is padded to the context with it" : ""));
        }
        int id = t.tokenId(name);
        if (id < 0) {
            throw new IllegalArgumentException(tokenizerJson + ": the " + role + " '" + name + "' is not in its vocabulary");
        }
        return id;
    }

    /**
     * The tokenizer of {@code vocab} (a path {@link ClipTokenizer#load} takes) for a text tower of
     * {@code modelVocab} ids. An original {@code .gz} merges file is cut to the merges the model
     * has ids for ({@code modelVocab - 514}), as a model trained on a smaller vocabulary was; any
     * other vocabulary must fit the model's as it is.
     */
    static ClipTokenizer tokenizer(Path vocab, int modelVocab) {
        boolean original = vocab.getFileName() != null && vocab.getFileName().toString().endsWith(".gz")
                || Files.isDirectory(vocab) && !Files.isRegularFile(vocab.resolve("vocab.json"))
                        && Files.isRegularFile(vocab.resolve(ClipTokenizer.ORIGINAL_FILE));
        ClipTokenizer tokenizer;
        if (original) {
            Path gz = Files.isDirectory(vocab) ? vocab.resolve(ClipTokenizer.ORIGINAL_FILE) : vocab;
            if (!Files.isRegularFile(gz)) {
                throw new IllegalArgumentException("tokenizer vocabulary " + gz + " does not exist");
            }
            ClipTokenizer full = ClipTokenizer.original(gz);
            if (full.vocabSize() <= modelVocab) {
                tokenizer = full;
            } else if (modelVocab < BYTE_LEVEL_IDS) {
                throw new IllegalArgumentException("the model's text tower has " + modelVocab + " token ids, fewer than the "
                        + BYTE_LEVEL_IDS + " a byte-level vocabulary needs; " + gz + " cannot fit it");
            } else {
                tokenizer = ClipTokenizer.original(gz, modelVocab - BYTE_LEVEL_IDS);
            }
        } else {
            tokenizer = ClipTokenizer.load(vocab);
        }
        if (tokenizer.vocabSize() > modelVocab) {
            throw new IllegalArgumentException("tokenizer " + vocab + " has " + tokenizer.vocabSize()
                    + " token ids, the model's text tower only " + modelVocab + ": they do not belong together");
        }
        return tokenizer;
    }

    /**
     * How images are prepared for {@code model}: its Hugging Face {@code preprocessor_config.json},
     * else the {@code preprocess_cfg} of the {@code open_clip_config.json} beside its weights, else
     * OpenAI's preprocessing at the image tower's size ({@code imageSize}, height × width; open_clip's
     * default steps for a tower that is not square).
     */
    @SuppressWarnings("unchecked")
    static PreprocessConfig preprocessing(Path model, PreprocessConfig.Size imageSize) throws IOException {
        Path folder = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
        Path hf = folder.resolve(HF_PREPROCESSOR), openClip = folder.resolve(ClipWeights.OPEN_CLIP_CONFIG);
        if (Files.isDirectory(model) && Files.isRegularFile(hf)) {
            return parse(hf, PreprocessConfig::fromHuggingFace);
        }
        if (Files.isRegularFile(openClip)) {
            PreprocessConfig p = parse(openClip, root -> root.get("preprocess_cfg") instanceof Map<?, ?> cfg
                    ? PreprocessConfig.fromOpenClip((Map<String, Object>) cfg, imageSize) : null);
            if (p != null) {
                return p;
            }
        }
        return imageSize.height() == imageSize.width() ? PreprocessConfig.openAi(imageSize.height())
                : PreprocessConfig.fromOpenClip(Map.of(), imageSize);
    }

    /** {@code reader} applied to the JSON object in {@code file}; its errors name the file. */
    private static PreprocessConfig parse(Path file, Function<Map<String, Object>, PreprocessConfig> reader) throws IOException {
        Map<String, Object> json = Json.readObject(file);
        try {
            return reader.apply(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
