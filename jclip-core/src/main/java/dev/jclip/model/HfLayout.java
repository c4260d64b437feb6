package dev.jclip.model;

import dev.jclip.io.SafeTensors;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face {@code CLIPModel} weights (ViT only) seen under the original
 * names: {@code q_proj}, {@code k_proj}, {@code v_proj} of each layer are
 * stacked into {@code in_proj_weight}/{@code in_proj_bias} in that order, the
 * two projections ({@code [embed, width]} {@code nn.Linear} weights there) are
 * transposed to {@code visual.proj} and {@code text_projection}
 * ({@code [width, embed]}), {@code position_ids} buffers are ignored, and every
 * other name is renamed one to one.
 *
 * <p>SigLIP's ({@code SiglipModel}, {@code Siglip2Model}) extra names are renamed too: the patch
 * embedding's bias, the pooling head {@code vision_model.head.*} ({@code visual.attn_pool.*}), the
 * text head ({@code text_model.head}, an {@code nn.Linear} kept as is as
 * {@code text_projection.weight} and {@code .bias}), and the one-element {@code logit_scale} and
 * {@code logit_bias} read as scalars. SigLIP 2's patch embedding, an {@code nn.Linear} over patches
 * flattened row, column, channel ([width, p·p·3]), is read as the equal convolution [width, 3, p, p].
 */
final class HfLayout {
    private static final Pattern LAYER = Pattern.compile("(vision_model|text_model)\\.encoder\\.layers\\.(\\d+)\\.(.+)");
    private static final Pattern QKV = Pattern.compile("self_attn\\.([qkv])_proj\\.(weight|bias)");
    private static final Map<String, String> RENAMES = new LinkedHashMap<>();
    private static final Map<String, String> LAYER_RENAMES = new LinkedHashMap<>();

    static {
        String v = "vision_model.";
        RENAMES.put(v + "embeddings.patch_embedding.weight", "visual.conv1.weight");
        RENAMES.put(v + "embeddings.patch_embedding.bias", "visual.conv1.bias");
        RENAMES.put(v + "embeddings.class_embedding", "visual.class_embedding");
        RENAMES.put(v + "head.probe", "visual.attn_pool.probe");
        RENAMES.put(v + "head.attention.in_proj_weight", "visual.attn_pool.attention.in_proj_weight");
        RENAMES.put(v + "head.attention.in_proj_bias", "visual.attn_pool.attention.in_proj_bias");
        RENAMES.put(v + "embeddings.position_embedding.weight", "visual.positional_embedding");
        for (String p : new String[] {"weight", "bias"}) {
            RENAMES.put(v + "pre_layrnorm." + p, "visual.ln_pre." + p);
            RENAMES.put(v + "post_layernorm." + p, "visual.ln_post." + p);
            RENAMES.put("text_model.final_layer_norm." + p, "ln_final." + p);
            RENAMES.put(v + "head.attention.out_proj." + p, "visual.attn_pool.attention.out_proj." + p);
            RENAMES.put(v + "head.layernorm." + p, "visual.attn_pool.layernorm." + p);
            RENAMES.put(v + "head.mlp.fc1." + p, "visual.attn_pool.mlp.fc1." + p);
            RENAMES.put(v + "head.mlp.fc2." + p, "visual.attn_pool.mlp.fc2." + p);
            RENAMES.put("text_model.head." + p, "text_projection." + p);
            LAYER_RENAMES.put("self_attn.out_proj." + p, "attn.out_proj." + p);
            LAYER_RENAMES.put("layer_norm1." + p, "ln_1." + p);
            LAYER_RENAMES.put("layer_norm2." + p, "ln_2." + p);
            LAYER_RENAMES.put("mlp.fc1." + p, "mlp.c_fc." + p);
            LAYER_RENAMES.put("mlp.fc2." + p, "mlp.c_proj." + p);
        }
        RENAMES.put("text_model.embeddings.token_embedding.weight", "token_embedding.weight");
        RENAMES.put("text_model.embeddings.position_embedding.weight", "positional_embedding");
        RENAMES.put("logit_scale", "logit_scale");
    }

    private HfLayout() {}

    /** True when tensor names are Hugging Face's ({@code vision_model.…}, {@code text_model.…}). */
    static boolean matches(Collection<String> names) {
        for (String n : names) {
            if (n.startsWith("vision_model.") || n.startsWith("text_model.")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The tensors of {@code file} by original name. A name with no counterpart
     * is kept as is, so that loading reports it as unexpected.
     */
    static Map<String, WeightSource> sources(SafeTensors file) {
        Map<String, WeightSource> out = new LinkedHashMap<>();
        Map<String, String[]> packed = new LinkedHashMap<>();   // in_proj name -> q, k, v names
        for (String name : file.names()) {
            if (name.endsWith("embeddings.position_ids")) {
                continue;
            }
            Matcher m = LAYER.matcher(name);
            if (m.matches()) {
                String prefix = (m.group(1).equals("vision_model") ? "visual.transformer.resblocks." : "transformer.resblocks.")
                        + m.group(2) + ".";
                Matcher qkv = QKV.matcher(m.group(3));
                if (qkv.matches()) {
                    String target = prefix + "attn.in_proj_" + qkv.group(2);
                    packed.computeIfAbsent(target, k -> new String[3])["qkv".indexOf(qkv.group(1))] = name;
                    continue;
                }
                String rest = LAYER_RENAMES.get(m.group(3));
                WeightSource.putOnce(out, rest == null ? name : prefix + rest, WeightSource.direct(file, name));
            } else if (name.equals("vision_model.embeddings.patch_embedding.weight") && file.info(name).shape().length == 2) {
                WeightSource.putOnce(out, "visual.conv1.weight", patchesAsConvolution(file, name));
            } else if ((name.equals("logit_scale") || name.equals("logit_bias"))
                    && Arrays.equals(file.info(name).shape(), new int[] {1})) {
                WeightSource.putOnce(out, name, WeightSource.direct(file, name).reshaped(new int[0]));
            } else if (name.equals("visual_projection.weight") || name.equals("text_projection.weight")) {
                WeightSource.putOnce(out, name.startsWith("visual") ? "visual.proj" : "text_projection", transposed(file, name));
            } else {
                WeightSource.putOnce(out, RENAMES.getOrDefault(name, name), WeightSource.direct(file, name));
            }
        }
        packed.forEach((target, parts) -> WeightSource.putOnce(out, target, stacked(file, target, parts)));
        return out;
    }

    /** A 2-D {@code nn.Linear} weight [out, in] read as [in, out]. */
    private static WeightSource transposed(SafeTensors file, String name) {
        WeightSource.checkFloat(file, name);
        int[] s = file.info(name).shape();
        if (s.length != 2) {
            throw new IllegalArgumentException(file.path() + ": tensor " + name + " has shape " + Arrays.toString(s) + ", expected 2-D");
        }
        int rows = s[0], cols = s[1];
        return new WeightSource(name, new int[] {cols, rows}, (dst, offset) -> {
            float[] w = file.floats(name);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    dst[offset + c * rows + r] = w[r * cols + c];
                }
            }
        });
    }

    /** SigLIP 2's linear patch embedding [width, p·p·3] (row, column, channel) as a convolution weight [width, 3, p, p]. */
    private static WeightSource patchesAsConvolution(SafeTensors file, String name) {
        WeightSource.checkFloat(file, name);
        int[] s = file.info(name).shape();
        int width = s[0], p = (int) Math.round(Math.sqrt(s[1] / 3.0));
        if (3 * p * p != s[1]) {
            throw new IllegalArgumentException(file.path() + ": tensor " + name + " has shape " + Arrays.toString(s)
                    + ", not [width, 3·p·p] of RGB patches");
        }
        return new WeightSource(name, new int[] {width, 3, p, p}, (dst, offset) -> {
            float[] w = file.floats(name);
            for (int o = 0; o < width; o++) {
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < p; y++) {
                        for (int x = 0; x < p; x++) {
                            dst[offset + ((o * 3 + c) * p + y) * p + x] = w[o * 3 * p * p + (y * p + x) * 3 + c];
                        }
                    }
                }
            }
        });
    }

    /** q, k, v projections of one layer stacked along dimension 0, as PyTorch's packed {@code in_proj}. */
    private static WeightSource stacked(SafeTensors file, String target, String[] parts) {
        String base = null;
        for (String p : parts) {
            if (p != null) {
                base = p;
            }
        }
        for (int i = 0; i < 3; i++) {
            if (parts[i] == null) {
                throw new IllegalArgumentException(file.path() + ": missing tensor "
                        + base.replaceFirst("[qkv]_proj", "qkv".charAt(i) + "_proj") + " (needed for " + target + ")");
            }
            WeightSource.checkFloat(file, parts[i]);
        }
        int[] s = file.info(parts[0]).shape();
        for (int i = 1; i < 3; i++) {
            if (!Arrays.equals(s, file.info(parts[i]).shape())) {
                throw new IllegalArgumentException(file.path() + ": tensor " + parts[i] + " has shape "
                        + Arrays.toString(file.info(parts[i]).shape()) + " but " + parts[0] + " has " + Arrays.toString(s));
            }
        }
        if (s.length == 0) {
            throw new IllegalArgumentException(file.path() + ": tensor " + parts[0] + " is a scalar");
        }
        int[] shape = s.clone();
        shape[0] *= 3;
        long partSize = file.info(parts[0]).numel();
        String origin = base.replaceFirst("[qkv]_proj", "{q,k,v}_proj");
        return new WeightSource(origin, shape, (dst, offset) -> {
            for (int i = 0; i < 3; i++) {
                WeightSource.read(file, parts[i], dst, offset + (int) (i * partSize));
            }
        });
    }
}
