package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** ftfy's "utf-8-variants" decoder; expected values are what ftfy 6.3.1 gives. */
class Utf8VariantsTest {
    private static String decode(String hex) {
        return Utf8Variants.decode(HexFormat.of().parseHex(hex));
    }

    @Test
    void decodesCesu8AndJavaNull() {
        assertEquals("\ud83d\ude0d", decode("eda0bdedb88d"));
        assertEquals("null \u0000", decode("6e756c6c20c080"));
        // Standard UTF-8 with an ED lead byte (Hangul) is not a surrogate.
        assertEquals("\ud55c", decode("ed959c"));
    }

    @Test
    void aFinalNewlineCountsAsTheEndInFtfysPatterns() {
        // C0 then a final '\n' reads as C0 80: U+0000, the newline gone.
        assertEquals("caf\u00e9 \u0000", decode("636166c3a920c00a"));
        // A CESU-8 pair whose last byte is a final '\n' decodes with that byte's low bits (U+1000A).
        assertEquals("\ud800\udc0a", decode("eda080edb00a"));
    }

    @Test
    void failsWherePythonRaises() {
        assertNull(decode("eda080"));
        assertNull(decode("c0"));
        assertNull(decode("c041"));
        assertNull(decode("eda080edb080ed"));
        assertNull(decode("61ed0a"));
    }
}
