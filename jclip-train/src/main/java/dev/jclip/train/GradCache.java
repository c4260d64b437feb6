package dev.jclip.train;

import dev.jclip.nn.Clip;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import dev.jclip.tensor.Workspace;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loss and parameter gradients of a whole batch while holding the graph of only
 * one micro-batch at a time (Gao et al., "Scaling Deep Contrastive Learning
 * Batch Size under Memory Limited Setup", 2021):
 * <ol>
 * <li>embed every micro-batch without a graph ({@link GradMode#noGrad()});</li>
 * <li>compute the full-batch loss on those features, made leaves, and
 *     back-propagate it: this gives d loss / d features (and the gradient of
 *     {@code logit_scale} and {@code logit_bias}, which reach the parameters directly);</li>
 * <li>embed each micro-batch again, with its graph, and back-propagate its
 *     slice of d loss / d features into the parameters.</li>
 * </ol>
 * The contrastive and the sigmoid loss couple all pairs, so plain gradient
 * accumulation would change them; this does not: the gradients equal those of one big batch up to
 * float rounding, for models without batch statistics (ViT). A ResNet tower's
 * BatchNorm normalizes each micro-batch with that micro-batch's statistics, so
 * its result differs from one big batch as it would in PyTorch; its running
 * statistics are restored after step 1 so they move once per micro-batch.
 */
final class GradCache {
    private GradCache() {}

    /**
     * Fills the parameters' gradients with those of {@code loss} on
     * {@code batch} and returns the loss. A tower whose flag is false runs
     * without a graph (it is frozen). {@code micro >= batch.size()} is one plain
     * forward and backward.
     */
    static float lossAndGradients(Clip model, Batch batch, int micro, boolean imageGrad, boolean textGrad, Loss loss) {
        int n = batch.size();
        if (micro >= n) {
            Tensor img = encode(model, batch, true, imageGrad);
            Tensor txt = encode(model, batch, false, textGrad);
            Tensor value = loss.of(model.logitsPerImage(img, txt));
            value.backward();
            return value.item();
        }
        Map<String, Tensor> bufferTensors = model.stateDict().buffers();
        Map<String, float[]> buffers = new LinkedHashMap<>();
        bufferTensors.forEach((name, t) -> buffers.put(name, t.data().clone()));
        float[] img = null, txt = null;
        int ie = 0, te = 0;
        try (var off = GradMode.noGrad()) {
            for (int s = 0; s < n; s += micro) {
                // A micro-batch's activations are done with once its features are copied: the next one reuses them.
                try (var scope = Workspace.scope()) {
                    Batch mb = batch.slice(s, Math.min(n, s + micro));
                    Tensor fi = model.encodeImage(mb.images());
                    Tensor ft = model.encodeText(mb.flatTokens());
                    if (img == null) {
                        ie = fi.dim(1);
                        te = ft.dim(1);
                        img = new float[n * ie];
                        txt = new float[n * te];
                    }
                    System.arraycopy(fi.data(), 0, img, s * ie, fi.numel());
                    System.arraycopy(ft.data(), 0, txt, s * te, ft.numel());
                }
            }
        }
        bufferTensors.forEach((name, t) -> System.arraycopy(buffers.get(name), 0, t.data(), 0, t.numel()));

        Tensor imgLeaf = Tensor.parameter(img, n, ie), txtLeaf = Tensor.parameter(txt, n, te);
        Tensor value = loss.of(model.logitsPerImage(imgLeaf, txtLeaf));
        value.backward();

        // The gradients of the towers' parameters are made here, outside the micro-batches' workspace scopes,
        // which give back what they hand out: an array that became a parameter's gradient in there would be reused.
        model.stateDict().parameters().forEach((name, p) -> {
            if (p.requiresGrad() && !Freeze.isLogitParameter(name) && (Freeze.isImage(name) ? imageGrad : textGrad)) {
                p.gradForAccumulation();
            }
        });
        for (int s = 0; s < n; s += micro) {
            int e = Math.min(n, s + micro);
            try (var scope = Workspace.scope()) {
                Batch mb = batch.slice(s, e);
                if (imageGrad) {
                    model.encodeImage(mb.images()).backward(Arrays.copyOfRange(imgLeaf.grad(), s * ie, e * ie));
                }
                if (textGrad) {
                    model.encodeText(mb.flatTokens()).backward(Arrays.copyOfRange(txtLeaf.grad(), s * te, e * te));
                }
            }
        }
        return value.item();
    }

    private static Tensor encode(Clip model, Batch batch, boolean image, boolean grad) {
        try (var mode = grad ? GradMode.enableGrad() : GradMode.noGrad()) {
            return image ? model.encodeImage(batch.images()) : model.encodeText(batch.flatTokens());
        }
    }
}
