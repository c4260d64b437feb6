package dev.jclip.model;

import java.util.Arrays;
import java.util.Map;

/**
 * Recovers a {@link ClipConfig} from the tensor shapes of a state dict in the
 * original layout, as OpenAI's {@code build_model} does: ViT when
 * {@code visual.proj} exists, else ModifiedResNet; widths, patch size, vocabulary
 * and context length from the shapes; layer counts from the block indices;
 * the image size from the positional embedding; MLP widths from the first
 * block's {@code c_fc}; LayerScale and {@code ln_pre} from their tensors being
 * there. What shapes cannot tell is OpenAI's: heads of width 64, QuickGELU,
 * class-token and end-of-text pooling, a causal mask.
 * A LayerScale found is given OpenCLIP's configs' initial value 1e-4 (it only
 * matters for training from scratch). Only the tensors read here are checked;
 * loading checks every other one against the built model.
 */
final class ConfigInference {
    private ConfigInference() {}

    /** The config of a state dict whose tensor shapes are {@code shapes}. */
    public static ClipConfig infer(Map<String, int[]> shapes) {
        int[] proj = shape(shapes, "text_projection", 2);
        int embed = proj[1];
        int context = shape(shapes, "positional_embedding", 2)[0];
        int vocab = shape(shapes, "token_embedding.weight", 2)[0];
        int textWidth = shape(shapes, "ln_final.weight", 1)[0];
        int textLayers = count(shapes, "transformer.resblocks.");
        if (textLayers == 0) {
            throw new IllegalArgumentException("no text transformer blocks (transformer.resblocks.0...) in the weights");
        }
        int heads = textWidth / 64;
        if (heads == 0) {
            throw new IllegalArgumentException("text width " + textWidth + " is below the head width 64");
        }
        ClipConfig.Text openAiText = new ClipConfig.Text(context, vocab, textWidth, heads, textLayers);
        ClipConfig.Text text = new ClipConfig.Text(context, vocab, textWidth, heads, textLayers,
                mlpWidth(shapes, "transformer.resblocks.0."), layerScale(shapes, "transformer.resblocks.0."), openAiText.act(),
                openAiText.lnEps(), openAiText.causal(), openAiText.pool(), openAiText.eosId(), null);

        ClipConfig.Vision vision;
        if (shapes.containsKey("visual.proj")) {
            int[] conv = shape(shapes, "visual.conv1.weight", 4);
            int width = conv[0], patch = conv[3];
            int grid = squareSide(shapes, "visual.positional_embedding");
            int layers = count(shapes, "visual.transformer.resblocks.");
            if (layers == 0) {
                throw new IllegalArgumentException("no vision transformer blocks (visual.transformer.resblocks.0...) in the weights");
            }
            ClipConfig.Vision openAi = ClipConfig.Vision.vit(patch * grid, layers, width, patch);
            String block = "visual.transformer.resblocks.0.";
            vision = new ClipConfig.Vision(openAi.imageSize(), openAi.imageWidth(), openAi.layers(), width, patch, openAi.heads(),
                    mlpWidth(shapes, block), layerScale(shapes, block), openAi.act(), openAi.lnEps(),
                    shapes.containsKey("visual.ln_pre.weight"), openAi.pool(), openAi.finalLnAfterPool());
        } else if (shapes.containsKey("visual.layer1.0.conv1.weight")) {
            int width = shape(shapes, "visual.layer1.0.conv1.weight", 4)[0];
            int[] layers = new int[4];
            for (int s = 0; s < 4; s++) {
                layers[s] = count(shapes, "visual.layer" + (s + 1) + ".");
                if (layers[s] == 0) {
                    throw new IllegalArgumentException("no blocks of ResNet stage visual.layer" + (s + 1) + " in the weights");
                }
            }
            int grid = squareSide(shapes, "visual.attnpool.positional_embedding");
            vision = ClipConfig.Vision.resnet(grid * 32, layers, width);
        } else {
            throw new IllegalArgumentException("cannot tell the image tower: the weights have neither visual.proj (ViT) "
                    + "nor visual.layer1.0.conv1.weight (ResNet)");
        }
        return new ClipConfig(embed, vision, text);
    }

    /** LayerScale's initial value in OpenCLIP's configs, given to a LayerScale found in weights. */
    static final float INFERRED_LAYER_SCALE = 1e-4f;

    private static int mlpWidth(Map<String, int[]> shapes, String block) {
        return shape(shapes, block + "mlp.c_fc.weight", 2)[0];
    }

    private static float layerScale(Map<String, int[]> shapes, String block) {
        return shapes.containsKey(block + "ls_1.gamma") ? INFERRED_LAYER_SCALE : 0;
    }

    private static int[] shape(Map<String, int[]> shapes, String name, int rank) {
        int[] s = shapes.get(name);
        if (s == null) {
            throw new IllegalArgumentException("missing tensor " + name);
        }
        if (s.length != rank) {
            throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(s) + ", expected rank " + rank);
        }
        return s;
    }

    /** {@code g} for a positional embedding of {@code g·g + 1} rows (a class or mean token, then the grid). */
    private static int squareSide(Map<String, int[]> shapes, String name) {
        int rows = shape(shapes, name, 2)[0];
        int g = (int) Math.round(Math.sqrt(rows - 1));
        if (g <= 0 || g * g + 1 != rows) {
            throw new IllegalArgumentException("tensor " + name + " has " + rows + " rows, not a square grid plus one");
        }
        return g;
    }

    /**
     * One more than the largest block index {@code i} among names {@code prefix + i + ".…"}
     * (0 when none): a gap in the indices then shows up as that block's missing tensors.
     */
    private static int count(Map<String, int[]> shapes, String prefix) {
        int blocks = 0;
        for (String name : shapes.keySet()) {
            if (name.startsWith(prefix)) {
                String rest = name.substring(prefix.length());
                int dot = rest.indexOf('.');
                String index = dot < 0 ? rest : rest.substring(0, dot);
                if (!index.isEmpty() && index.length() < 6 && index.chars().allMatch(Character::isDigit)) {
                    blocks = Math.max(blocks, Integer.parseInt(index) + 1);
                }
            }
        }
        return blocks;
    }
}
