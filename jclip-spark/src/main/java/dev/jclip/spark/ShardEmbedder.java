package dev.jclip.spark;

import dev.jclip.api.ClipModel;
import dev.jclip.data.LookaheadIterator;
import dev.jclip.data.WebDatasetShard;
import dev.jclip.image.ImageExtensions;
import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Embeds the samples of the WebDataset tar shards (gzip'd when named {@code .tar.gz} or
 * {@code .tgz}) whose paths or URIs are in each row's {@code shardField}, read one at a time
 * with jclip-data's {@link WebDatasetShard}: a sample's key is {@code SHARD/KEY}, its image the
 * first of {@link ImageExtensions#ALL} it has, its caption its {@code txt} (or json's
 * {@code caption}). A sample without an image, or with an undecodable one or malformed json,
 * is a row with the reason; a missing or damaged shard is a row keyed by the shard (the samples
 * before the damage are kept).
 */
final class ShardEmbedder implements MapPartitionsFunction<Row, Row> {
    private final ModelRef ref;
    private final int shardField;
    private final Broadcast<SerializableConfiguration> hadoop;

    ShardEmbedder(ModelRef ref, int shardField, Broadcast<SerializableConfiguration> hadoop) {
        this.ref = ref;
        this.shardField = shardField;
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        ClipModel model = ExecutorModels.get(ref);
        return new Batches<>(new Items(rows, hadoop.value().value()), model.batchSize(), batch -> ImageItem.embed(model, batch));
    }

    /** The samples of the rows' shards, in order, one shard open at a time. */
    private final class Items extends LookaheadIterator<ImageItem> {
        private final Iterator<Row> shards;
        private final Configuration conf;
        private final ArrayDeque<ImageItem> errors = new ArrayDeque<>();
        private WebDatasetShard current;
        private String shard;

        Items(Iterator<Row> shards, Configuration conf) {
            this.shards = shards;
            this.conf = conf;
        }

        @Override
        protected ImageItem computeNext() {
            while (true) {
                if (!errors.isEmpty()) {
                    return errors.poll();
                }
                if (current != null && current.hasNext()) {
                    return item(current.next());
                }
                if (!errors.isEmpty()) {
                    continue;
                }
                close();
                if (!shards.hasNext()) {
                    return null;
                }
                open(shards.next().getString(shardField));
            }
        }

        private void open(String name) {
            shard = name;
            Path path = new Path(name);
            InputStream in = null;
            try {
                in = new BufferedInputStream(path.getFileSystem(conf).open(path), 1 << 16);
                if (name.endsWith(".gz") || name.endsWith(".tgz")) {
                    in = new GZIPInputStream(in, 1 << 16);
                }
                current = new WebDatasetShard(in, name, e -> errors.add(ImageItem.bad(name, null, e.toString())));
            } catch (FileNotFoundException e) {
                errors.add(ImageItem.bad(name, null, "no such shard: " + name));
            } catch (IOException e) {
                errors.add(ImageItem.bad(name, null, "cannot open shard " + name + ": " + e));
                closeQuietly(in);
            }
        }

        private ImageItem item(WebDatasetShard.Sample s) {
            String key = shard + "/" + s.key();
            String caption;
            try {
                caption = s.caption();
            } catch (IllegalArgumentException e) {
                return ImageItem.bad(key, null, "sample " + key + ": " + e.getMessage());
            }
            String ext = s.imageExtension();
            if (ext == null) {
                return ImageItem.bad(key, caption, "sample " + key + " has no image (" + String.join("/", ImageExtensions.ALL)
                        + "), has " + s.parts().keySet());
            }
            byte[] bytes = s.parts().get(ext);
            return new ImageItem(key, caption, () -> bytes, null);
        }

        private void close() {
            if (current != null) {
                try {
                    current.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot close " + shard, e);
                } finally {
                    current = null;
                }
            }
        }

        private static void closeQuietly(InputStream in) {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // Already reporting why the shard could not be opened.
                }
            }
        }
    }
}
