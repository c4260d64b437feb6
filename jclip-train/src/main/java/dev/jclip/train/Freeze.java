package dev.jclip.train;

import dev.jclip.tensor.Tensor;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which parameters fine-tuning leaves as they are, by their original state-dict
 * names: the image tower is {@code visual.*}, the text tower every other name
 * but {@code logit_scale} and SigLIP's {@code logit_bias}, which always train
 * (as in locked-image tuning).
 *
 * @param image      freeze the whole image tower
 * @param text       freeze the whole text tower
 * @param lastBlocks when {@code >= 0}, in each tower not frozen whole, train only
 *                   its last {@code lastBlocks} residual blocks and what follows
 *                   them (final norm, projection, attention pool); the stem,
 *                   embeddings and earlier blocks are frozen. {@code -1}: all.
 */
public record Freeze(boolean image, boolean text, int lastBlocks) {
    // A block's name prefix: ViT/text resblocks, or a ModifiedResNet bottleneck (visual.layer<stage>.<j>).
    private static final Pattern BLOCK = Pattern.compile("^(visual\\.transformer\\.resblocks\\.\\d+|transformer\\.resblocks\\.\\d+|visual\\.layer\\d+\\.\\d+)\\.");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern HEAD = Pattern.compile("^(visual\\.ln_post|visual\\.proj|visual\\.attnpool|ln_final|text_projection)\\b.*");

    public Freeze {
        if (lastBlocks < -1) {
            throw new IllegalArgumentException("lastBlocks must be -1 (all) or >= 0, got " + lastBlocks);
        }
    }

    /** Nothing frozen: train from scratch or fine-tune everything. */
    public static Freeze none() {
        return new Freeze(false, false, -1);
    }

    /** The entries of {@code parameters} that train, in the same order. */
    public Map<String, Tensor> trainable(Map<String, Tensor> parameters) {
        // Blocks of each tower in execution order (file order may be alphabetical: 10 before 2).
        TreeSet<String> imageBlocks = new TreeSet<>(Comparator.comparingLong(Freeze::blockOrder)), textBlocks = new TreeSet<>(Comparator.comparingLong(Freeze::blockOrder));
        for (String name : parameters.keySet()) {
            Matcher m = BLOCK.matcher(name);
            if (m.find()) {
                (isImage(name) ? imageBlocks : textBlocks).add(m.group(1));
            }
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        parameters.forEach((name, t) -> {
            if (trains(name, isImage(name) ? imageBlocks : textBlocks)) {
                out.put(name, t);
            }
        });
        return out;
    }

    private boolean trains(String name, TreeSet<String> towerBlocks) {
        if (isLogitParameter(name)) {
            return true;
        }
        if (isImage(name) ? image : text) {
            return false;
        }
        if (lastBlocks < 0 || HEAD.matcher(name).matches()) {
            return true;
        }
        Matcher m = BLOCK.matcher(name);
        if (!m.find()) {
            return false; // stem and embeddings
        }
        return towerBlocks.tailSet(m.group(1), true).size() <= lastBlocks;
    }

    /** True for {@code logit_scale} and {@code logit_bias}: they belong to neither tower. */
    public static boolean isLogitParameter(String name) {
        return name.equals("logit_scale") || name.equals("logit_bias");
    }

    /** True for parameters of the image tower. */
    public static boolean isImage(String name) {
        return name.startsWith("visual.");
    }

    /** Execution order of a block prefix: its index, or (stage, index) for a bottleneck. */
    private static long blockOrder(String prefix) {
        Matcher m = DIGITS.matcher(prefix);
        long order = 0;
        while (m.find()) {
            order = order * 1_000_000 + Long.parseLong(m.group());
        }
        return order;
    }
}
