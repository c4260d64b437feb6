package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes {@link ClipTokenizer} on any text, through cleaning (ftfy's mojibake repair, HTML
 * unescaping), pre-tokenization and BPE: every id lies in the vocabulary, the ids decode, and a
 * batch row is start, the text's ids (cut to the context when truncating), end, then zeros.
 * The text is the input read as UTF-8, then, if that replaced ill-formed bytes, again with U+FFFD
 * as an unpaired surrogate, which UTF-8 cannot carry but a Java string can.
 */
class ClipTokenizerFuzzTest {
    private static final int CONTEXT = 16;
    private static final ClipTokenizer TOKENIZER = ClipTokenizer.fromMerges(List.of(
            "t h", "i n", "th e</w>", "a n", "r e", "e r", "o n</w>", "a t", "in g</w>", "o f</w>",
            "c a", "ca t</w>", "d o", "do g</w>", "ph o", "pho to</w>", "Ã ©", "â Ģ"));

    @FuzzTest
    void encode(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        check(text);
        if (text.indexOf('\uFFFD') >= 0) {
            check(text.replace('\uFFFD', '\uD800'));
        }
    }

    private static void check(String text) {
        int[] ids = TOKENIZER.encode(text);
        for (int id : ids) {
            assertTrue(id >= 0 && id < TOKENIZER.vocabSize(), "id " + id);
        }
        TOKENIZER.decode(ids);
        TokenBatch batch = TOKENIZER.tokenize(List.of(text), CONTEXT, true);
        int kept = Math.min(ids.length, CONTEXT - 2);
        int[] row = new int[CONTEXT];
        row[0] = TOKENIZER.startId();
        System.arraycopy(ids, 0, row, 1, kept);
        row[kept + 1] = TOKENIZER.endId();
        assertArrayEquals(row, batch.ids()[0]);
        assertEquals(kept < ids.length, batch.truncated()[0]);
    }
}
