package dev.jclip.model;

import dev.jclip.io.SafeTensors;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenCLIP's SigLIP weights (a timm image trunk {@code visual.trunk.*} and the text tower under
 * {@code text.*}, {@code CustomTextCLIP}'s layout) seen under jclip's names: timm's block names
 * ({@code norm1}, {@code attn.qkv}, {@code attn.proj}, {@code norm2}, {@code mlp.fc1},
 * {@code mlp.fc2}) become CLIP's ({@code ln_1}, {@code attn.in_proj_*}, ...), {@code pos_embed}
 * [1, N, D] is read as [N, D], the pooling head's {@code latent} is the {@code probe} and its
 * {@code q} and {@code kv} projections are stacked into {@code in_proj} (q, then k and v, as
 * {@code nn.MultiheadAttention}), the text tower's names lose their {@code text.} prefix.
 */
final class TimmLayout {
    private static final String TRUNK = "visual.trunk.";
    private static final Pattern BLOCK = Pattern.compile("visual\\.trunk\\.blocks\\.(\\d+)\\.(.+)");
    private static final Map<String, String> RENAMES = new LinkedHashMap<>();
    private static final Map<String, String> BLOCK_RENAMES = new LinkedHashMap<>();

    static {
        String pool = TRUNK + "attn_pool.", to = "visual.attn_pool.";
        for (String p : new String[] {"weight", "bias"}) {
            RENAMES.put(TRUNK + "patch_embed.proj." + p, "visual.conv1." + p);
            RENAMES.put(TRUNK + "norm." + p, "visual.ln_post." + p);
            RENAMES.put(pool + "proj." + p, to + "attention.out_proj." + p);
            RENAMES.put(pool + "norm." + p, to + "layernorm." + p);
            RENAMES.put(pool + "mlp.fc1." + p, to + "mlp.fc1." + p);
            RENAMES.put(pool + "mlp.fc2." + p, to + "mlp.fc2." + p);
            BLOCK_RENAMES.put("norm1." + p, "ln_1." + p);
            BLOCK_RENAMES.put("attn.qkv." + p, "attn.in_proj_" + p);
            BLOCK_RENAMES.put("attn.proj." + p, "attn.out_proj." + p);
            BLOCK_RENAMES.put("norm2." + p, "ln_2." + p);
            BLOCK_RENAMES.put("mlp.fc1." + p, "mlp.c_fc." + p);
            BLOCK_RENAMES.put("mlp.fc2." + p, "mlp.c_proj." + p);
        }
    }

    private TimmLayout() {}

    /** True when tensor names are those of a timm image trunk ({@code visual.trunk.…}). */
    static boolean matches(Collection<String> names) {
        for (String n : names) {
            if (n.startsWith(TRUNK)) {
                return true;
            }
        }
        return false;
    }

    /** The tensors of {@code file} by jclip's name; a name with no counterpart is kept, so that loading reports it. */
    static Map<String, WeightSource> sources(SafeTensors file) {
        Map<String, WeightSource> out = new LinkedHashMap<>();
        for (String name : file.names()) {
            Matcher m = BLOCK.matcher(name);
            if (m.matches()) {
                String rest = BLOCK_RENAMES.get(m.group(2));
                WeightSource.putOnce(out, rest == null ? name : "visual.transformer.resblocks." + m.group(1) + "." + rest,
                        WeightSource.direct(file, name));
            } else if (name.equals(TRUNK + "pos_embed") || name.equals(TRUNK + "attn_pool.latent")) {
                WeightSource.putOnce(out, name.endsWith("latent") ? "visual.attn_pool.probe" : "visual.positional_embedding",
                        name.endsWith("latent") ? WeightSource.direct(file, name) : leadingOneDropped(file, name));
            } else if (name.startsWith(TRUNK + "attn_pool.q.") || name.startsWith(TRUNK + "attn_pool.kv.")) {
                if (name.startsWith(TRUNK + "attn_pool.q.")) {
                    String part = name.substring((TRUNK + "attn_pool.q.").length());
                    WeightSource.putOnce(out, "visual.attn_pool.attention.in_proj_" + part, queryKeyValue(file, part));
                }
            } else if (name.startsWith("text.")) {
                WeightSource.putOnce(out, name.substring("text.".length()), WeightSource.direct(file, name));
            } else {
                WeightSource.putOnce(out, RENAMES.getOrDefault(name, name), WeightSource.direct(file, name));
            }
        }
        return out;
    }

    /** A [1, N, D] tensor read as [N, D] (the same bytes, so still usable in place). */
    private static WeightSource leadingOneDropped(SafeTensors file, String name) {
        WeightSource s = WeightSource.direct(file, name);
        int[] shape = s.shape();
        if (shape.length != 3 || shape[0] != 1) {
            throw new IllegalArgumentException(file.path() + ": tensor " + name + " has shape " + Arrays.toString(shape)
                    + ", expected [1, tokens, width]");
        }
        return s.reshaped(new int[] {shape[1], shape[2]});
    }

    /** The pooling head's {@code q} [D(, D)] and {@code kv} [2D(, D)] {@code part}s stacked as {@code in_proj} [3D(, D)]. */
    private static WeightSource queryKeyValue(SafeTensors file, String part) {
        String q = TRUNK + "attn_pool.q." + part, kv = TRUNK + "attn_pool.kv." + part;
        if (!file.names().contains(kv)) {
            throw new IllegalArgumentException(file.path() + ": missing tensor " + kv + " (needed with " + q + ")");
        }
        WeightSource.checkFloat(file, q);
        WeightSource.checkFloat(file, kv);
        int[] sq = file.info(q).shape(), skv = file.info(kv).shape();
        if (sq.length == 0 || sq.length != skv.length || skv[0] != 2 * sq[0]
                || !Arrays.equals(sq, 1, sq.length, skv, 1, skv.length)) {
            throw new IllegalArgumentException(file.path() + ": tensors " + q + " " + Arrays.toString(sq) + " and " + kv + " "
                    + Arrays.toString(skv) + " are not a query and a key-value projection of one width");
        }
        int[] shape = sq.clone();
        shape[0] *= 3;
        int qSize = (int) file.info(q).numel();
        return new WeightSource(TRUNK + "attn_pool.{q,kv}." + part, shape, (dst, offset) -> {
            WeightSource.read(file, q, dst, offset);
            WeightSource.read(file, kv, dst, offset + qSize);
        });
    }
}
