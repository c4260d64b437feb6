package dev.jclip.spark;

import dev.jclip.api.ClipModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

/** Embeds each row's text (its key) in batches of the model's batch size; a null text gives a row with the reason. */
final class TextEmbedder implements MapPartitionsFunction<Row, Row> {
    private final ModelRef ref;
    private final int textField;

    TextEmbedder(ModelRef ref, int textField) {
        this.ref = ref;
        this.textField = textField;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        ClipModel model = ExecutorModels.get(ref);
        model.tokenizer();
        return new Batches<>(rows, model.batchSize(), batch -> embed(model, batch));
    }

    private List<Row> embed(ClipModel model, List<Row> batch) {
        List<String> texts = new ArrayList<>(batch.size());
        for (Row r : batch) {
            String t = r.getString(textField);
            if (t != null) {
                texts.add(t);
            }
        }
        float[][] emb = texts.isEmpty() ? new float[0][] : model.embedTexts(texts);
        List<Row> out = new ArrayList<>(batch.size());
        int g = 0;
        for (Row r : batch) {
            String t = r.getString(textField);
            out.add(t != null ? EmbeddingSchema.row(t, emb[g++], model.id(), null, null) : EmbeddingSchema.row("", null, model.id(), "null text", null));
        }
        return out;
    }
}
