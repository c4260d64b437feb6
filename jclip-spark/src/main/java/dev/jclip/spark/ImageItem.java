package dev.jclip.spark;

import dev.jclip.api.ClipModel;
import dev.jclip.compute.Parallel;
import dev.jclip.image.BadImageException;
import dev.jclip.tensor.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * One image to embed: its key, its caption (or null), and how its encoded bytes are read (a file,
 * a shard's sample). An item known to be bad has {@code error} set and is not read.
 */
record ImageItem(String key, String caption, Bytes bytes, String error) {
    /** Reads the encoded image. */
    interface Bytes {
        byte[] read() throws IOException;
    }

    static ImageItem bad(String key, String caption, String error) {
        return new ImageItem(key, caption, null, error);
    }

    /**
     * Rows of {@link EmbeddingSchema#SCHEMA} for {@code batch}, in order: the images are read and
     * decoded on the model's pool, then encoded at once. An image that is missing or holds no
     * decodable image gives a row with a null embedding and the reason.
     */
    static List<Row> embed(ClipModel model, List<ImageItem> batch) {
        int n = batch.size();
        Tensor[] pre = new Tensor[n];
        String[] errors = new String[n];
        model.parallel().run(() -> Parallel.forEach(n, i -> {
            ImageItem item = batch.get(i);
            if (item.error() != null) {
                errors[i] = item.error();
                return;
            }
            try {
                pre[i] = model.preprocessor().preprocess(item.bytes().read(), item.key());
            } catch (BadImageException e) {
                errors[i] = e.getMessage();
            } catch (FileNotFoundException e) {
                errors[i] = "no such file: " + item.key();
            } catch (IOException | RuntimeException e) {
                errors[i] = "cannot read " + item.key() + ": " + e;
            }
        }));
        List<Tensor> good = new ArrayList<>(n);
        for (Tensor t : pre) {
            if (t != null) {
                good.add(t);
            }
        }
        float[][] emb = good.isEmpty() ? new float[0][] : model.embedPreprocessed(good);
        List<Row> out = new ArrayList<>(n);
        for (int i = 0, g = 0; i < n; i++) {
            ImageItem item = batch.get(i);
            out.add(EmbeddingSchema.row(item.key(), pre[i] != null ? emb[g++] : null, model.id(), pre[i] != null ? null : errors[i],
                    item.caption()));
        }
        return out;
    }
}
