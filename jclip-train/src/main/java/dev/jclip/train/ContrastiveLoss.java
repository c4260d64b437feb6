package dev.jclip.train;

import dev.jclip.op.CrossEntropy;
import dev.jclip.op.Elementwise;
import dev.jclip.op.Views;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/** CLIP's symmetric InfoNCE loss over a square batch of logits. */
public final class ContrastiveLoss {
    private ContrastiveLoss() {}

    /**
     * The mean of the image→text cross-entropy (rows of {@code logitsPerImage})
     * and the text→image one (its columns), pair {@code i} being the target of
     * row and column {@code i}.
     */
    public static Tensor symmetric(Tensor logitsPerImage) {
        int n = logitsPerImage.dim(0);
        if (logitsPerImage.rank() != 2 || logitsPerImage.dim(1) != n) {
            throw new IllegalArgumentException("the contrastive loss needs square logits, got "
                    + Arrays.toString(logitsPerImage.shape()));
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i;
        }
        Tensor perImage = CrossEntropy.forward(logitsPerImage, labels);
        Tensor perText = CrossEntropy.forward(Views.transpose(logitsPerImage, 0, 1), labels);
        return Elementwise.scale(Elementwise.add(perImage, perText), 0.5f);
    }
}
