package dev.jclip.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.io.AtomicWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code jclip index} records beside the Lucene files: the model that built the index (an
 * absolute path, or the hub name and pretrained tag it was given by) and its vocabulary, so
 * {@code jclip search} can embed queries with the same model without {@code --model}. The index
 * itself holds the model id and refuses queries of another.
 *
 * @param model the model as {@code --model} takes it
 * @param pretrained its {@code --pretrained} tag, or null
 * @param vocab its {@code --vocab}, or null
 */
record IndexInfo(String model, String pretrained, Path vocab) {
    /** The file in the index folder; Lucene leaves names that do not start with "_" or "segments" alone. */
    static final String FILE = "jclip-index.json";
    private static final String REWRITE = "give --model (and --vocab) or delete it; jclip index then writes it anew";

    /** The record in {@code index}, or null if there is none. */
    static IndexInfo read(Path index) throws IOException {
        Path file = index.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode root;
        try {
            root = CliJson.MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            // Jackson's own message quotes the file's bytes: say where it broke, not what is there.
            JsonLocation at = e.getLocation();
            throw new IllegalArgumentException(file + " is not valid JSON" + (at == null ? "" : " (line " + at.getLineNr()
                    + ", column " + at.getColumnNr() + ")") + "; " + REWRITE, e);
        }
        JsonNode model = root == null ? null : root.get("model"), vocab = root == null ? null : root.get("vocab");
        JsonNode pretrained = root == null ? null : root.get("pretrained");
        if (model == null || !model.isTextual()) {
            throw new IllegalArgumentException(file + " names no model; " + REWRITE);
        }
        if (vocab != null && !vocab.isTextual()) {
            throw new IllegalArgumentException(file + ": \"vocab\" is not a path; " + REWRITE);
        }
        if (pretrained != null && !pretrained.isTextual()) {
            throw new IllegalArgumentException(file + ": \"pretrained\" is not a tag; " + REWRITE);
        }
        return new IndexInfo(model.textValue(), pretrained != null ? pretrained.textValue() : null,
                vocab != null ? Path.of(vocab.textValue()) : null);
    }

    /** Writes the record into {@code index}, replacing the previous one only once complete; a model file or folder as an absolute path. */
    void write(Path index) throws IOException {
        ObjectNode root = CliJson.MAPPER.createObjectNode();
        Path local = pretrained == null && Files.exists(Path.of(model)) ? Path.of(model) : null;
        root.put("model", local != null ? local.toAbsolutePath().toString() : model);
        if (pretrained != null) {
            root.put("pretrained", pretrained);
        }
        if (vocab != null) {
            root.put("vocab", vocab.toAbsolutePath().toString());
        }
        byte[] json = (CliJson.MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicWriter.write(index.resolve(FILE), out -> out.bytes(json));
    }
}
