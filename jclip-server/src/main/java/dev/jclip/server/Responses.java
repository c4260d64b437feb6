package dev.jclip.server;

import dev.jclip.index.Hit;
import java.util.List;

/** The JSON bodies the server answers with (Jackson writes each record as an object of its components). */
final class Responses {
    private Responses() {}

    /** {@code GET /health}: the model, its embedding dimension, the index if one was given, and whether texts can be embedded (a tokenizer). */
    record Health(String model, int dim, IndexStatus index, boolean texts) {}

    /** The index folder and how many items it holds. */
    record IndexStatus(String path, int count) {}

    /** Unit-length embeddings, one row per input in order. */
    record Embeddings(String model, float[][] embeddings) {}

    /**
     * The most probable classes of an image, best first; {@code probabilities} is {@code softmax}
     * (over the labels, CLIP) or {@code sigmoid} (independent per label, SigLIP).
     */
    record Classification(String model, String probabilities, List<Label> labels) {}

    /** A class and its probability (the keys of {@code jclip classify --json}). */
    record Label(String label, float prob) {}

    /** Search hits, best first (the keys of {@code jclip search --json}). */
    record SearchResults(String query, List<Result> results) {}

    /** One hit and the id of its item, for {@code /thumbnails/{id}}. */
    record Result(String path, float score, String id) {
        static Result of(Hit hit) {
            return new Result(hit.path(), hit.score(), ItemIds.of(hit.path()));
        }
    }

    /** Every error: the status says what kind, the message what was wrong. */
    record Error(String error) {}
}
