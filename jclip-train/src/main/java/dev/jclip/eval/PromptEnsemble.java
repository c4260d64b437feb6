package dev.jclip.eval;

import dev.jclip.nn.Clip;
import dev.jclip.text.ClipTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIP's zero-shot classifier weights with prompt ensembling (Radford et al. 2021, section 3.1.4):
 * each class name is put into every template, the prompts are embedded and L2-normalized, and
 * their mean, normalized again, is the class's weight vector.
 */
public final class PromptEnsemble {
    private PromptEnsemble() {}

    /**
     * Unit-length weights [classes][embed]; {@code {}} in a template stands for the class name.
     * Prompts too long for the context are cut, as in training.
     */
    public static float[][] classWeights(Clip model, ClipTokenizer tokenizer, List<String> classNames, List<String> templates) {
        if (classNames.isEmpty() || templates.isEmpty()) {
            throw new IllegalArgumentException("zero-shot classification needs at least one class name and one template");
        }
        for (String t : templates) {
            if (!t.contains("{}")) {
                throw new IllegalArgumentException("template '" + t + "' has no {} for the class name");
            }
        }
        List<String> prompts = new ArrayList<>(classNames.size() * templates.size());
        for (String name : classNames) {
            for (String t : templates) {
                prompts.add(t.replace("{}", name));
            }
        }
        int ctx = model.text().contextLength();
        float[][] emb = Embeddings.texts(model, tokenizer.tokenize(prompts, ctx, true).ids());
        int dim = emb[0].length, per = templates.size();
        float[][] weights = new float[classNames.size()][dim];
        for (int c = 0; c < weights.length; c++) {
            for (int t = 0; t < per; t++) {
                float[] e = emb[c * per + t];
                for (int k = 0; k < dim; k++) {
                    weights[c][k] += e[k];
                }
            }
            Embeddings.normalize(weights[c]);
        }
        return weights;
    }
}
