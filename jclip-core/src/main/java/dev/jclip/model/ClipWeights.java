package dev.jclip.model;

import dev.jclip.compute.Gelu;
import dev.jclip.io.Json;
import dev.jclip.io.SafeTensors;
import dev.jclip.io.SafeTensorsWriter;
import dev.jclip.kernel.VectorMath;
import dev.jclip.nn.Clip;
import dev.jclip.nn.StateDict;
import dev.jclip.tensor.HalfType;
import dev.jclip.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes CLIP weights as safetensors.
 *
 * <p>{@link #load} accepts the original/OpenCLIP layout ({@code visual.conv1.weight},
 * {@code transformer.resblocks.0.attn.in_proj_weight}, ...) or Hugging Face's
 * {@code CLIPModel} layout, told apart by the tensor names; a directory holds
 * either {@code config.json} + {@code model.safetensors} (Hugging Face) or
 * {@code open_clip_model.safetensors}. The model's config comes, in this order,
 * from Hugging Face's {@code config.json}, OpenCLIP's {@value #OPEN_CLIP_CONFIG}
 * beside the weights, the OpenCLIP config in the file's metadata (as {@link #save}
 * writes it), or else the tensor shapes ({@link ConfigInference}: OpenAI's CLIP,
 * QuickGELU assumed and said once); an explicit activation overrides any of them.
 * Loading is strict: every model tensor must be present with its shape, in
 * F32, F16 or BF16, and no other tensor may be, and every value must be finite;
 * the error names each offender.
 * OpenCLIP's SigLIP layout (a timm trunk, {@code visual.trunk.*}, see {@link TimmLayout}) and
 * Hugging Face's {@code SiglipModel} / {@code Siglip2Model} ({@link HfLayout}) load too.
 * {@code num_batches_tracked} and OpenAI's extra {@code input_resolution},
 * {@code context_length}, {@code vocab_size} entries are ignored.
 *
 * <p>{@link #map} is the loader for inference: tensors stored under their original
 * layout (all of them in an original/OpenCLIP file) are used in place from the file
 * mapping, never copied ({@link Tensor#map}), F16 and BF16 ones kept in 16 bits
 * ({@link Tensor#mapHalf}: the inference plan's products widen them as they pack them,
 * other readers widen a tensor onto the heap once); the rest (Hugging Face's split q/k/v
 * and transposed projections) are converted onto the heap. The file must not be changed while the model is in use.
 *
 * <p>{@link #save} writes the original layout in float32, which OpenCLIP loads.
 */
public final class ClipWeights {
    /** The file beside open_clip weights on the Hugging Face hub: {@code {"model_cfg": {...}, "preprocess_cfg": {...}}}. */
    public static final String OPEN_CLIP_CONFIG = "open_clip_config.json";

    private static final Set<String> IGNORED = Set.of("input_resolution", "context_length", "vocab_size");
    private static final int MAX_LISTED = 12;

    private ClipWeights() {}

    /** Loads a model from a safetensors file or a model directory (see the class comment), copying its weights. */
    public static Clip load(Path path) throws IOException {
        return load(path, null, false);
    }

    /** As {@link #load(Path)}, with {@code act} in both towers whatever the files say (null: as they say). */
    public static Clip load(Path path, Gelu act) throws IOException {
        return load(path, act, false);
    }

    /**
     * Loads a model for inference with its float32 weights memory-mapped, not copied (see the
     * class comment). Training it still works: a weight is copied onto the heap when first written.
     */
    public static Clip map(Path path) throws IOException {
        return load(path, null, true);
    }

    /** As {@link #map(Path)}, with {@code act} in both towers whatever the files say (null: as they say). */
    public static Clip map(Path path, Gelu act) throws IOException {
        return load(path, act, true);
    }

    /**
     * As {@link #map(Path)} for the safetensors {@code file} of a model whose architecture is
     * {@code config} (named {@code name} in errors), whatever the files beside it say.
     */
    public static Clip map(Path file, ClipConfig config, String name) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no model file at " + file);
        }
        return loadFile(file, config, name, null, true);
    }

    private static Clip load(Path path, Gelu act, boolean map) throws IOException {
        Path weights;
        ClipConfig declared = null;
        String declaredBy = null;
        if (Files.isDirectory(path)) {
            Path hfWeights = path.resolve("model.safetensors"), hfConfig = path.resolve("config.json");
            Path openClip = path.resolve("open_clip_model.safetensors");
            if (Files.isRegularFile(hfWeights) && Files.isRegularFile(hfConfig)) {
                weights = hfWeights;
                declared = HfConfig.read(hfConfig);
                declaredBy = hfConfig.toString();
            } else if (Files.isRegularFile(openClip)) {
                weights = openClip;
            } else {
                throw new IllegalArgumentException(path + ": a model directory needs config.json and model.safetensors "
                        + "(Hugging Face) or open_clip_model.safetensors");
            }
        } else if (Files.isRegularFile(path)) {
            weights = path;
        } else {
            throw new IllegalArgumentException("no model file or directory at " + path);
        }
        Path hubConfig = hubConfigBeside(weights);
        if (declared == null && hubConfig != null) {
            declared = openClipHubConfig(hubConfig);
            declaredBy = hubConfig.toString();
        }
        return loadFile(weights, declared, declaredBy, act, map);
    }

    /** The {@value #OPEN_CLIP_CONFIG} beside the weight file {@code weights}, or null when there is none. */
    private static Path hubConfigBeside(Path weights) {
        Path hubConfig = weights.toAbsolutePath().resolveSibling(OPEN_CLIP_CONFIG);
        return Files.isRegularFile(hubConfig) ? hubConfig : null;
    }

    /**
     * The Hugging Face tokenizer ({@code hf_tokenizer_name}) that the {@value #OPEN_CLIP_CONFIG}
     * beside the weights at {@code path} names for the text tower, or null (CLIP's BPE, or no
     * such file).
     */
    public static String textTokenizer(Path path) throws IOException {
        Path hubConfig = hubConfigBeside(Files.isDirectory(path) ? path.resolve("open_clip_model.safetensors") : path);
        return hubConfig == null ? null : openClipHubConfig(hubConfig).text().tokenizer();
    }

    /**
     * The text tower's settings in the {@value #OPEN_CLIP_CONFIG} beside the weights at
     * {@code path} (its tokenizer name and clean-up included), or null when there is none.
     */
    public static ClipConfig.Text declaredText(Path path) throws IOException {
        Path hubConfig = hubConfigBeside(Files.isDirectory(path) ? path.resolve("open_clip_model.safetensors") : path);
        return hubConfig == null ? null : openClipHubConfig(hubConfig).text();
    }

    @SuppressWarnings("unchecked")
    private static ClipConfig openClipHubConfig(Path file) throws IOException {
        Map<String, Object> root = Json.readObject(file);
        try {
            if (!(root.get("model_cfg") instanceof Map<?, ?> cfg)) {
                throw new IllegalArgumentException("no \"model_cfg\" object");
            }
            return ClipConfig.fromOpenClipJson((Map<String, Object>) cfg, Gelu.ERF);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static Clip loadFile(Path file, ClipConfig declared, String declaredBy, Gelu act, boolean map) throws IOException {
        // Mapped weights keep the mapping alive through their segments (an automatic arena).
        try (SafeTensors st = map ? SafeTensors.open(file, Arena.ofAuto()) : SafeTensors.open(file)) {
            boolean hf = HfLayout.matches(st.names());
            boolean timm = !hf && TimmLayout.matches(st.names());
            if (declared == null) {
                declared = metadataConfig(st);
                declaredBy = declared == null ? null : file + " (its metadata)";
            }
            Map<String, WeightSource> sources = hf ? HfLayout.sources(st) : timm ? TimmLayout.sources(st) : original(st);
            ClipConfig config = declared;
            if (config == null) {
                Map<String, int[]> shapes = new LinkedHashMap<>();
                sources.forEach((name, s) -> shapes.put(name, s.shape()));
                try {
                    config = ConfigInference.infer(shapes);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + (hf ? " (Hugging Face layout, original names)" : "") + ": "
                            + e.getMessage(), e);
                }
                if (act == null) {
                    ActivationNotice.assumeQuickGelu(file);
                }
            }
            if (act != null) {
                config = config.withAct(act);
            }
            Clip model = config.build();
            copy(file, hf, sources, model.stateDict(), map,
                    declaredBy == null ? "the CLIP model inferred from its shapes" : "the model that " + declaredBy + " describes");
            return model;
        }
    }

    /** The index of the first NaN or infinite element of {@code t}, or -1; a tensor kept in 16 bits is read as such. */
    private static long firstNonFinite(Tensor t) {
        HalfType type = t.halfType();
        if (type == null) {
            return VectorMath.firstNonFinite(t.storage());
        }
        MemorySegment bits = t.halfStorage();
        for (long i = 0, n = bits.byteSize() / Short.BYTES; i < n; i++) {
            if (type.isNonFinite(bits.getAtIndex(Tensor.HALF_ELEMENT, i))) {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, WeightSource> original(SafeTensors st) {
        Map<String, WeightSource> out = new LinkedHashMap<>();
        for (String name : st.names()) {
            if (!IGNORED.contains(name) && !name.endsWith(".num_batches_tracked")) {
                out.put(name, WeightSource.direct(st, name));
            }
        }
        return out;
    }

    /**
     * Checks names and shapes against the model, listing every mismatch, then copies the data in
     * (or, with {@code map}, points the tensors that can be used in place at the file).
     */
    private static void copy(Path file, boolean hf, Map<String, WeightSource> sources, StateDict sd, boolean map, String model) {
        Map<String, Tensor> targets = sd.all();
        List<String> errors = new ArrayList<>();
        targets.forEach((name, t) -> {
            WeightSource s = sources.get(name);
            if (s == null) {
                errors.add("missing tensor " + name + " " + Arrays.toString(t.shape()));
            } else if (!Arrays.equals(s.shape(), t.shape())) {
                errors.add("tensor " + s.origin() + " has shape " + Arrays.toString(s.shape()) + ", the model needs "
                        + Arrays.toString(t.shape()) + (s.origin().equals(name) ? "" : " for " + name));
            }
        });
        sources.forEach((name, s) -> {
            if (!targets.containsKey(name)) {
                errors.add("unexpected tensor " + s.origin());
            }
        });
        if (!errors.isEmpty()) {
            String listed = String.join("; ", errors.subList(0, Math.min(MAX_LISTED, errors.size())));
            String more = errors.size() > MAX_LISTED ? "; and " + (errors.size() - MAX_LISTED) + " more" : "";
            throw new IllegalArgumentException(file + (hf ? " (Hugging Face layout)" : "") + " does not fit " + model + ": "
                    + listed + more);
        }
        targets.forEach((name, t) -> {
            WeightSource s = sources.get(name);
            if (map && s.half() != null) {
                t.mapHalf(s.mapping(), s.half());
            } else if (map && s.mapping() != null) {
                t.map(s.mapping());
            } else {
                s.reader().read(t.data(), 0);
            }
        });
        // A NaN or infinite weight would make every embedding NaN without an error.
        targets.forEach((name, t) -> {
            long at = firstNonFinite(t);
            if (at >= 0) {
                errors.add(sources.get(name).origin() + " element " + at + " is " + (t.halfType() == null
                        ? t.storage().getAtIndex(Tensor.ELEMENT, at) : t.halfType().widen(t.halfStorage().getAtIndex(Tensor.HALF_ELEMENT, at))));
            }
        });
        if (!errors.isEmpty()) {
            String listed = String.join("; ", errors.subList(0, Math.min(MAX_LISTED, errors.size())));
            throw new IllegalArgumentException(file + " holds non-finite weights (NaN or infinity): " + listed
                    + (errors.size() > MAX_LISTED ? "; and " + (errors.size() - MAX_LISTED) + " more" : ""));
        }
    }

    /**
     * Writes every parameter and buffer under its original name in float32,
     * with the config ({@link ClipConfig#toOpenClipJson}) in the metadata.
     */
    public static void save(Clip model, Path file) throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter().metadata("format", "pt")
                .metadata("config", ClipConfig.of(model).toOpenClipJson());
        model.stateDict().all().forEach(w::add);
        w.write(file);
    }

    /**
     * The config in a {@code config} metadata entry in OpenCLIP's JSON (as {@link #save} writes
     * it), or null: other files may hold other JSON there, which is not an error. Files that
     * jclip wrote before it recorded {@code quick_gelu} used QuickGELU, so that is the default here.
     */
    private static ClipConfig metadataConfig(SafeTensors st) {
        String json = st.metadata().get("config");
        if (json == null) {
            return null;
        }
        try {
            return ClipConfig.fromOpenClipJson(Json.parseObject(json), Gelu.QUICK);
        } catch (IllegalArgumentException notOpenClip) {
            return null;
        }
    }
}
