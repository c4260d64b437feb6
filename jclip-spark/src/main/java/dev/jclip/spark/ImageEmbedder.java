package dev.jclip.spark;

import dev.jclip.api.ClipModel;
import dev.jclip.image.BadImageException;
import dev.jclip.compute.Parallel;
import dev.jclip.tensor.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Embeds the image at each row's key (a path or URI of any Hadoop file system) in batches of the
 * model's batch size: the batch is read and decoded on the model's pool, then encoded at once. A file
 * that is missing or holds no decodable image gives a row with a null embedding and the reason.
 */
final class ImageEmbedder implements MapPartitionsFunction<Row, Row> {
    private final ModelRef ref;
    private final int keyField;
    private final Broadcast<SerializableConfiguration> hadoop;

    ImageEmbedder(ModelRef ref, int keyField, Broadcast<SerializableConfiguration> hadoop) {
        this.ref = ref;
        this.keyField = keyField;
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        ClipModel model = ExecutorModels.get(ref);
        Configuration conf = hadoop.value().value();
        return new Batches<>(rows, model.batchSize(), batch -> embed(model, conf, batch));
    }

    private List<Row> embed(ClipModel model, Configuration conf, List<Row> batch) {
        int n = batch.size();
        String[] keys = new String[n];
        Tensor[] pre = new Tensor[n];
        String[] errors = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = batch.get(i).getString(keyField);
        }
        model.parallel().run(() -> Parallel.forEach(n, i -> {
            try {
                pre[i] = model.preprocessor().preprocess(read(keys[i], conf), keys[i]);
            } catch (BadImageException e) {
                errors[i] = e.getMessage();
            } catch (FileNotFoundException e) {
                errors[i] = "no such file: " + keys[i];
            } catch (IOException | RuntimeException e) {
                errors[i] = "cannot read " + keys[i] + ": " + e;
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
            out.add(pre[i] != null ? EmbeddingSchema.row(keys[i], emb[g++], model.id(), null)
                    : EmbeddingSchema.row(keys[i], null, model.id(), errors[i]));
        }
        return out;
    }

    private static byte[] read(String key, Configuration conf) throws IOException {
        if (key == null) {
            throw new FileNotFoundException("null key");
        }
        Path path = new Path(key);
        try (InputStream in = path.getFileSystem(conf).open(path)) {
            return in.readAllBytes();
        }
    }
}
