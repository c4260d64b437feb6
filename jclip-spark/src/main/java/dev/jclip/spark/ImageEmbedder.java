package dev.jclip.spark;

import dev.jclip.api.ClipModel;
import java.io.InputStream;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Embeds the image at each row's key (a path or URI of any Hadoop file system) in batches of the
 * model's batch size ({@link ImageItem#embed}), keeping the row's caption when there is a caption
 * column ({@code captionField} &ge; 0).
 */
final class ImageEmbedder implements MapPartitionsFunction<Row, Row> {
    private final ModelRef ref;
    private final int keyField;
    private final int captionField;
    private final Broadcast<SerializableConfiguration> hadoop;

    ImageEmbedder(ModelRef ref, int keyField, int captionField, Broadcast<SerializableConfiguration> hadoop) {
        this.ref = ref;
        this.keyField = keyField;
        this.captionField = captionField;
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        ClipModel model = ExecutorModels.get(ref);
        Configuration conf = hadoop.value().value();
        Iterator<ImageItem> items = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public ImageItem next() {
                Row r = rows.next();
                String key = r.getString(keyField);
                String caption = captionField >= 0 ? r.getString(captionField) : null;
                return key == null ? ImageItem.bad("", caption, "no such file: null key") : new ImageItem(key, caption, () -> {
                    Path path = new Path(key);
                    try (InputStream in = path.getFileSystem(conf).open(path)) {
                        return in.readAllBytes();
                    }
                }, null);
            }
        };
        return new Batches<>(items, model.batchSize(), batch -> ImageItem.embed(model, batch));
    }
}
