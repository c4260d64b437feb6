package dev.jclip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.io.AtomicWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code jclip index} records beside the Lucene files: the model (and vocabulary) that built
 * the index, as absolute paths, so {@code jclip search} can embed queries with the same model
 * without {@code --model}. The index itself holds the model id and refuses queries of another.
 */
record IndexInfo(Path model, Path vocab) {
    /** The file in the index folder; Lucene leaves names that do not start with "_" or "segments" alone. */
    static final String FILE = "jclip-index.json";

    /** The record in {@code index}, or null if there is none. */
    static IndexInfo read(Path index) throws IOException {
        Path file = index.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode root = CliJson.read(file);
        JsonNode model = root.get("model"), vocab = root.get("vocab");
        if (model == null || !model.isTextual()) {
            throw new IllegalArgumentException(file + " names no model; give --model");
        }
        return new IndexInfo(Path.of(model.textValue()), vocab != null && vocab.isTextual() ? Path.of(vocab.textValue()) : null);
    }

    /** Writes the record into {@code index}, replacing the previous one only once complete. */
    void write(Path index) throws IOException {
        ObjectNode root = CliJson.MAPPER.createObjectNode();
        root.put("model", model.toAbsolutePath().toString());
        if (vocab != null) {
            root.put("vocab", vocab.toAbsolutePath().toString());
        }
        byte[] json = (CliJson.MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicWriter.write(index.resolve(FILE), out -> out.bytes(json));
    }
}
