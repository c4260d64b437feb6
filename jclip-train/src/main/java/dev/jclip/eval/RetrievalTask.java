package dev.jclip.eval;

import dev.jclip.api.ClipModel;
import dev.jclip.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Retrieval between images and their captions: {@link Retrieval} recall@1/5/10 both ways.
 * Captions that occur several times are embedded once.
 *
 * @param name      the data set's name
 * @param images    preprocessed images, each [3, S, S]
 * @param captions  the caption of each image
 * @param groups    the group of each pair: pairs of a group all match each other (see {@link Retrieval})
 */
public record RetrievalTask(String name, List<Tensor> images, List<String> captions, int[] groups)
        implements EvalTask {

    public RetrievalTask {
        if (images.size() != captions.size() || groups.length != captions.size() || captions.isEmpty()) {
            throw new IllegalArgumentException("retrieval set " + name + ": need as many images, captions and groups, at least one; got "
                    + images.size() + ", " + captions.size() + ", " + groups.length);
        }
        images = List.copyOf(images);
        captions = List.copyOf(captions);
    }

    /** Groups for pairs that match when their captions are equal. */
    public static int[] groupsByCaption(List<String> captions) {
        Map<String, Integer> ids = new HashMap<>();
        int[] g = new int[captions.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = ids.computeIfAbsent(captions.get(i), c -> ids.size());
        }
        return g;
    }

    @Override
    public String kind() {
        return "retrieval";
    }

    /** Unit-length embeddings of the captions, one row per caption. */
    public float[][] captionEmbeddings(ClipModel model) {
        return embedCaptions(model, captions);
    }

    /** Unit-length embeddings of {@code captions}, one row per caption, each distinct caption embedded once. */
    public static float[][] embedCaptions(ClipModel model, List<String> captions) {
        Map<String, Integer> index = new LinkedHashMap<>();
        for (String c : captions) {
            index.putIfAbsent(c, index.size());
        }
        List<String> unique = new ArrayList<>(index.keySet());
        float[][] emb = model.embedTexts(unique);
        float[][] out = new float[captions.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = emb[index.get(captions.get(i))];
        }
        return out;
    }

    /** The recall of {@code model}. */
    public RetrievalResult evaluate(ClipModel model) {
        return Retrieval.evaluate(model.embedPreprocessed(images), groups, captionEmbeddings(model), groups);
    }

    @Override
    public Map<String, Double> metrics(ClipModel model) {
        return metrics(evaluate(model));
    }

    /** i2t_r1, i2t_r5, i2t_r10, t2i_r1, t2i_r5, t2i_r10. */
    public static Map<String, Double> metrics(RetrievalResult r) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k = 0; k < Retrieval.KS.length; k++) {
            m.put("i2t_r" + Retrieval.KS[k], r.imageToText()[k]);
        }
        for (int k = 0; k < Retrieval.KS.length; k++) {
            m.put("t2i_r" + Retrieval.KS[k], r.textToImage()[k]);
        }
        return m;
    }
}
