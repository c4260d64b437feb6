package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Python's html.unescape, case by case (expected values as Python 3.11 gives them). */
class HtmlUnescapeTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("no entities", "no entities"),
                Arguments.of("&amp; &lt;b&gt; &quot;", "& <b> \""),
                // Legacy names decode without ';'; an unknown name decodes as its longest known prefix.
                Arguments.of("&amp", "&"),
                Arguments.of("&ampx", "&x"),
                Arguments.of("&notit;", "\u00acit;"),
                Arguments.of("&notin;", "\u2209"),
                Arguments.of("&lt;&lt", "<<"),
                Arguments.of("&zzzz; &; & amp; &#; &#x; &#xZ;", "&zzzz; &; & amp; &#; &#x; &#xZ;"),
                Arguments.of("&Eacute;&eacute;&EACUTE;", "\u00c9\u00e9&EACUTE;"),
                // Numeric references, with or without ';'.
                Arguments.of("&#65;&#x41;&#X41;&#65", "AAAA"),
                Arguments.of("&#0;", "\uFFFD"),
                Arguments.of("&#13;", "\r"),
                Arguments.of("&#128;&#x81;&#x9F;", "\u20ac\u0081\u0178"),
                Arguments.of("&#xD800;", "\uFFFD"),
                Arguments.of("&#1114112;&#99999999999999999999;", "\uFFFD\uFFFD"),
                Arguments.of("a&#1;b&#x7F;c&#xFFFF;d&#xFDD0;e", "abcde"),
                Arguments.of("&#x1F600;", "\uD83D\uDE00"),
                // Only one level per call: CLIP calls it twice.
                Arguments.of("&amp;amp;", "&amp;"),
                // Names stop at 32 characters, then the prefix rule applies to those 32.
                Arguments.of("&" + "a".repeat(40), "&" + "a".repeat(40)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void unescapesAsPython(String in, String expected) {
        assertEquals(expected, HtmlUnescape.unescape(in));
    }
}
