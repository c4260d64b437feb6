package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** CLIP's split pattern as Python's regex module applies it (with IGNORECASE). */
class PreTokenizerTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("it's a <|startoftext|>x", List.of("it", "'s", "a", "<|startoftext|>", "x")),
                Arguments.of("we'd they've i'll you're i'm", List.of("we", "'d", "they", "'ve", "i", "'ll", "you", "'re", "i", "'m")),
                // A punctuation run is greedy: it swallows the '<|' of a special token that follows.
                Arguments.of("a.<|endoftext|>", List.of("a", ".<|", "endoftext", "|>")),
                Arguments.of("'''s", List.of("'''", "s")),
                // Numbers one digit at a time.
                Arguments.of("1234 56.7", List.of("1", "2", "3", "4", "5", "6", ".", "7")),
                Arguments.of("北京的 🐶🐱!", List.of("北京的", "🐶🐱!")),
                // A combining mark is neither letter nor number.
                Arguments.of("ab\u0301c", List.of("ab", "\u0301", "c")),
                // IGNORECASE: 'ſ' matches 's' in the literals; U+0345 matches no class and is skipped.
                Arguments.of("'\u017f <|\u017ftartoftext|>", List.of("'\u017f", "<|\u017ftartoftext|>")),
                Arguments.of("x\u0345y !\u0345!", List.of("x", "y", "!", "!")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void splitsAsTheOriginal(String text, List<String> words) {
        assertEquals(words, PreTokenizer.split(text));
    }
}
