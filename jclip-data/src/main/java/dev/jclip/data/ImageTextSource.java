package dev.jclip.data;

import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A data set of image-caption pairs, read as a lazy stream in bounded memory. The stream is the same
 * for the same seed (the seed drives shuffling and any random captions or images); sources without
 * randomness ignore it. Close the stream (try-with-resources) to release open files early.
 */
@FunctionalInterface
public interface ImageTextSource {

    /** The examples for {@code seed}; per-item problems go to {@code errors} and the item is skipped. */
    Stream<Example> examples(long seed, Consumer<DataError> errors);

    /** The examples for {@code seed}, throwing {@link DataError.DataException} at the first per-item problem. */
    default Stream<Example> examples(long seed) {
        return examples(seed, DataError.THROW);
    }

    /** This source passed through a seeded {@link ShuffleBuffer} of {@code bufferSize} examples. */
    default ImageTextSource shuffled(int bufferSize) {
        ImageTextSource inner = this;
        return (seed, errors) -> ShuffleBuffer.shuffle(inner.examples(seed, errors), bufferSize,
                Seeds.mix(seed, Seeds.SHUFFLE, 0));
    }
}
