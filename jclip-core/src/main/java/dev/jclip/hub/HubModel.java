package dev.jclip.hub;

import dev.jclip.compute.Gelu;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipPresets;
import dev.jclip.model.ClipWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model named as Python users name it, with its files in the hub cache:
 * <ul>
 *   <li>{@code hf-hub:org/name}: an open_clip repository ({@code open_clip_config.json},
 *       {@code open_clip_model.safetensors}), as open_clip's {@code create_model} takes it;
 *   <li>{@code org/name}: a transformers repository ({@code config.json},
 *       {@code model.safetensors}, {@code vocab.json}, {@code merges.txt},
 *       {@code preprocessor_config.json}), as {@code CLIPModel.from_pretrained} takes it; a
 *       repository with only open_clip's files is read as such;
 *   <li>a preset name with a pretrained tag ({@link #pretrained}): open_clip's built-in config of
 *       that name, the tag's weights and preprocessing.
 * </ul>
 * A repository name may end in {@code @revision} (a branch, tag or commit; default
 * {@value #MAIN}). open_clip repositories without a vocabulary get CLIP's BPE vocabulary from
 * {@value #CLIP_BPE_REPO}, the one open_clip bundles; a text tower trained with a Hugging Face
 * tokenizer (SigLIP's {@code hf_tokenizer_name}) gets that repository's {@code tokenizer.json} and
 * {@code tokenizer_config.json}.
 *
 * @param name the name as given
 * @param weights the weights file or model folder, as {@link ClipWeights#map} reads it
 * @param vocab the tokenizer vocabulary when it is not beside the weights, or null
 * @param config the architecture when the name fixes it (a preset with a tag), else null: the files say
 * @param preprocess the open_clip {@code preprocess_cfg} keys when the name fixes them, else null
 */
public record HubModel(String name, Path weights, Path vocab, ClipConfig config, Map<String, Object> preprocess) {
    /** The prefix of open_clip's hub names. */
    public static final String PREFIX = "hf-hub:";
    /** The revision used when none is given. */
    public static final String MAIN = "main";
    /** Where CLIP's BPE vocabulary is fetched from for repositories that have none. */
    public static final String CLIP_BPE_REPO = "openai/clip-vit-base-patch32";

    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*)(?:@(.+))?");
    private static final System.Logger LOG = System.getLogger(HubModel.class.getName());

    /** True if {@code name} has the form of a hub name ({@code hf-hub:org/name}, {@code org/name}, optionally {@code @revision}). */
    public static boolean isHubName(String name) {
        return NAME.matcher(name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name).matches();
    }

    /** The files of the hub model {@code name}, from the cache or downloaded by {@code hub}. */
    public static HubModel resolve(String name, HubClient hub) throws IOException {
        boolean openClip = name.startsWith(PREFIX);
        Matcher m = NAME.matcher(openClip ? name.substring(PREFIX.length()) : name);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + name + "' is neither a file nor a hub model name (hf-hub:org/name, org/name, "
                    + "optionally @revision)");
        }
        String repo = m.group(1), revision = m.group(2) != null ? m.group(2) : MAIN;
        if (!openClip) {
            Optional<Path> config = hub.fileIfPresent(repo, revision, "config.json");
            if (config.isPresent()) {
                Path folder = config.get().getParent();
                require(hub, repo, revision, "model.safetensors", "pytorch_model.bin");
                for (String optional : new String[] {"vocab.json", "merges.txt", "preprocessor_config.json", "tokenizer.json",
                        "tokenizer_config.json", "special_tokens_map.json"}) {
                    hub.fileIfPresent(repo, revision, optional);
                }
                return new HubModel(name, folder, null, null, null);
            }
        }
        hub.file(repo, revision, ClipWeights.OPEN_CLIP_CONFIG);
        Path weights = require(hub, repo, revision, "open_clip_model.safetensors", "open_clip_pytorch_model.bin");
        return new HubModel(name, weights, vocabulary(hub, repo, revision, weights), null, null);
    }

    /**
     * open_clip's {@code create_model_and_transforms(model, pretrained=tag)}: the built-in config
     * {@code model} (a jclip preset), the weights of its pretrained {@code tag} (or of the
     * safetensors file {@code tag} names), the tag's preprocessing. As open_clip, a tag trained
     * with QuickGELU on a config without it (say {@code ViT-B-32} + {@code openai}) runs as the
     * config says, with a warning: {@code ViT-B-32-quickgelu} is the name that matches.
     */
    public static HubModel pretrained(String model, String tag, HubClient hub) throws IOException {
        ClipConfig config = ClipPresets.get(model);
        Path file = Path.of(tag);
        if (!Pretrained.tags(model).contains(tag) && Files.isRegularFile(file)) {
            return new HubModel(model + ":" + tag, file, null, config, null);
        }
        Pretrained p = Pretrained.get(model, tag);
        boolean quick = config.vision() != null ? config.vision().act() == Gelu.QUICK : config.text().act() == Gelu.QUICK;
        if (quick != p.quickGelu()) {
            LOG.log(System.Logger.Level.WARNING, "QuickGELU mismatch between the model config {0} (quick_gelu={1}) and the "
                    + "pretrained tag ''{2}'' (quick_gelu={3}); open_clip runs it so too{4}", model, quick, tag, p.quickGelu(),
                    p.quickGelu() && ClipPresets.names().contains(model + "-quickgelu") ? ": " + model + "-quickgelu matches the weights" : "");
        }
        Path weights = require(hub, p.repo(), MAIN, "open_clip_model.safetensors", "open_clip_pytorch_model.bin");
        String tokenizer = config.text() == null ? null : config.text().tokenizer();
        return new HubModel(model + ":" + tag, weights, tokenizer != null ? hfTokenizer(hub, tokenizer) : clipBpe(hub), config,
                p.preprocess());
    }

    /** The safetensors file {@code file} of the repository; its error says when only the PyTorch pickle {@code pickle} is there. */
    private static Path require(HubClient hub, String repo, String revision, String file, String pickle) throws IOException {
        Optional<Path> p = hub.fileIfPresent(repo, revision, file);
        if (p.isPresent()) {
            return p.get();
        }
        if (hub.fileIfPresent(repo, revision, pickle).isPresent()) {
            throw new IOException(repo + " has its weights only as a PyTorch pickle (" + pickle + "), which jclip does not read "
                    + "(it can run code); convert it to " + file + " with safetensors' save_file");
        }
        throw new IOException("the hub repository " + repo + " at revision " + revision + " has no " + file);
    }

    /**
     * The vocabulary for an open_clip repository, when it is not beside the weights: the folder of
     * the Hugging Face tokenizer its text tower names, none when the repository has its own
     * {@code vocab.json} and {@code merges.txt}, else CLIP's BPE.
     */
    private static Path vocabulary(HubClient hub, String repo, String revision, Path weights) throws IOException {
        String tokenizer = ClipWeights.textTokenizer(weights);
        if (tokenizer != null) {
            return hfTokenizer(hub, tokenizer);
        }
        if (hub.fileIfPresent(repo, revision, "vocab.json").isPresent() && hub.fileIfPresent(repo, revision, "merges.txt").isPresent()) {
            return null;
        }
        return clipBpe(hub);
    }

    /**
     * The folder holding the {@code tokenizer.json} (and its config) of the Hugging Face tokenizer
     * repository {@code repo}, or null when it has none or is not named {@code org/name} (the model
     * then embeds images only, and says why when asked for texts).
     */
    private static Path hfTokenizer(HubClient hub, String repo) throws IOException {
        if (!NAME.matcher(repo).matches()) {
            return null;
        }
        Optional<Path> file = hub.fileIfPresent(repo, MAIN, "tokenizer.json");
        if (file.isEmpty()) {
            return null;
        }
        for (String optional : new String[] {"tokenizer_config.json", "special_tokens_map.json"}) {
            hub.fileIfPresent(repo, MAIN, optional);
        }
        return file.get().getParent();
    }

    /** The folder holding CLIP's BPE vocabulary ({@code vocab.json}, {@code merges.txt}) from {@value #CLIP_BPE_REPO}. */
    private static Path clipBpe(HubClient hub) throws IOException {
        hub.file(CLIP_BPE_REPO, MAIN, "vocab.json");
        return hub.file(CLIP_BPE_REPO, MAIN, "merges.txt").getParent();
    }
}
