package dev.jclip.cli;

import java.util.SplittableRandom;

/** Random prompts for the benchmarks, laid out as the tokenizer lays out real ones. */
final class RandomTokens {
    private RandomTokens() {
    }

    /**
     * Writes a prompt {@code length} long (start and end tokens included) at {@code ids[offset]}: the
     * start token ({@code vocab - 2}), random ordinary ids in [1, vocab - 2), the end token ({@code vocab - 1},
     * the largest id, which the text tower pools). The rest of the row is left as it is (zero padding).
     */
    static void fill(SplittableRandom rng, int[] ids, int offset, int length, int vocab) {
        ids[offset] = vocab - 2;
        for (int j = 1; j < length - 1; j++) {
            ids[offset + j] = 1 + rng.nextInt(vocab - 3);
        }
        ids[offset + length - 1] = vocab - 1;
    }
}
