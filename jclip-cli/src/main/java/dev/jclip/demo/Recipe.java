package dev.jclip.demo;

import dev.jclip.model.ClipConfig;
import dev.jclip.train.Loss;
import java.util.Locale;

/**
 * A training recipe for a demo: the model's shape (its vocabulary comes from the tokenizer learned
 * on the training captions), the optimizer, the budget and the evaluation schedule.
 *
 * @param model          the model; its text {@code vocab_size} is replaced by the tokenizer's
 * @param merges         most BPE merges learned from the training captions
 * @param batch          pairs per step
 * @param lr             peak learning rate (linear warm-up, then cosine decay to 0 at the end of the budget)
 * @param weightDecay    AdamW's decoupled weight decay
 * @param beta2          AdamW's second-moment decay
 * @param warmup         warm-up steps
 * @param gradClip       global gradient-norm clip (0: none)
 * @param minutes        end-to-end budget: data, training, evaluation and report
 * @param evalEvery      steps between evaluations on the small sets during training
 * @param evalImages     images of the small zero-shot set evaluated during training
 * @param evalPairs      pairs of the small retrieval set evaluated during training
 * @param finalImages    images of the final zero-shot evaluation
 * @param finalPairs     pairs of the final retrieval evaluation
 * @param mix            shapes: how the training pairs are made
 * @param loss           the training loss: CLIP's contrastive one, or SigLIP's sigmoid loss
 */
record Recipe(ClipConfig model, int merges, int batch, double lr, double weightDecay, double beta2, long warmup,
              double gradClip, double minutes, long evalEvery, int evalImages, int evalPairs, int finalImages, int finalPairs,
              ShapesData.Mix mix, Loss loss) {

    /**
     * The shapes recipe: a few minutes on two cores. A narrow ViT on 8-pixel patches and a one-layer
     * text tower, trained on single-shape images, a quarter of them in grey with captions that name
     * no colour (what makes unseen colour-shape combinations recognizable), half the captions
     * without the size.
     */
    static Recipe shapes() {
        return new Recipe(config(32, 8, 64, 4, 16, 64, 1), 400, 256, 2e-3, 0.1, 0.98, 25, 1.0, 5,
                50, 480, 256, 2400, 1000, new ShapesData.Mix(0.5, 0, 0.25), Loss.CONTRASTIVE);
    }

    /** The Fashion-MNIST recipe: twenty minutes on two cores, evaluated on all 10,000 test images. */
    static Recipe fashionMnist() {
        return new Recipe(config(28, 4, 64, 4, 16, 64, 1), 400, 256, 2e-3, 0.1, 0.98, 50, 1.0, 20,
                200, 1000, 500, 10_000, 10_000, new ShapesData.Mix(0, 0, 0), Loss.CONTRASTIVE);
    }

    /** A ViT of {@code width} (one head per 64) and a text tower of {@code textWidth} with 64-wide heads. */
    static ClipConfig config(int image, int patch, int width, int layers, int context, int textWidth, int textLayers) {
        return new ClipConfig(width, ClipConfig.Vision.vit(image, layers, width, patch),
                new ClipConfig.Text(context, 1, textWidth, Math.max(1, textWidth / 64), textLayers));
    }

    /** The model with the tokenizer's vocabulary. */
    ClipConfig model(int vocabSize) {
        return new ClipConfig(model.embedDim(), model.vision(), model.text().withVocabSize(vocabSize));
    }

    Recipe withModel(ClipConfig m) {
        return new Recipe(m, merges, batch, lr, weightDecay, beta2, warmup, gradClip, minutes, evalEvery, evalImages,
                evalPairs, finalImages, finalPairs, mix, loss);
    }

    Recipe withTraining(int b, double rate, double wd, long warm) {
        return new Recipe(model, merges, b, rate, wd, beta2, warm, gradClip, minutes, evalEvery, evalImages, evalPairs,
                finalImages, finalPairs, mix, loss);
    }

    Recipe withBudget(double m) {
        return new Recipe(model, merges, batch, lr, weightDecay, beta2, warmup, gradClip, m, evalEvery, evalImages, evalPairs,
                finalImages, finalPairs, mix, loss);
    }

    Recipe withEval(long every, int images, int pairs, int fImages, int fPairs) {
        return new Recipe(model, merges, batch, lr, weightDecay, beta2, warmup, gradClip, minutes, every, images, pairs,
                fImages, fPairs, mix, loss);
    }

    Recipe withMix(ShapesData.Mix m) {
        return new Recipe(model, merges, batch, lr, weightDecay, beta2, warmup, gradClip, minutes, evalEvery, evalImages, evalPairs,
                finalImages, finalPairs, m, loss);
    }

    Recipe withLoss(Loss l) {
        return new Recipe(model, merges, batch, lr, weightDecay, beta2, warmup, gradClip, minutes, evalEvery, evalImages, evalPairs,
                finalImages, finalPairs, mix, l);
    }

    /** One line for logs and the report. */
    String describe() {
        ClipConfig.Vision v = model.vision();
        ClipConfig.Text t = model.text();
        return String.format(Locale.ROOT, "ViT %dpx patch %d width %d x%d layers; text context %d width %d x%d layers; "
                + "embed %d; %s loss, batch %d, AdamW lr %.2g wd %.2g beta2 %.3g, warm-up %d steps then cosine to 0, clip %.2g",
                v.imageSize(), v.patchSize(), v.width(), v.layers()[0], t.contextLength(), t.width(), t.layers(),
                model.embedDim(), loss.id(), batch, lr, weightDecay, beta2, warmup, gradClip);
    }
}
