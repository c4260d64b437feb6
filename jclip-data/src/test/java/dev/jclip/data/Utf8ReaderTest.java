package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Utf8ReaderTest {

    private static Utf8Reader reader(byte[] bytes) {
        return new Utf8Reader(new ByteArrayInputStream(bytes), "t.txt");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void linesEndAtLfCrlfOrCrAndTheByteOrderMarkIsDropped(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("t.txt"), utf8("\uFEFFcafé\r\nnaïve\rsecond\n\nlast 🦊"));
        assertEquals(List.of("café", "naïve", "second", "", "last 🦊"), Utf8Reader.readLines(file));
        assertEquals(List.of(), Utf8Reader.readLines(Files.write(dir.resolve("empty.txt"), new byte[0])));
        assertEquals("café\r\nnaïve\rsecond\n\nlast 🦊", Utf8Reader.readString(file));
    }

    @Test
    void charactersSplitAcrossReadBuffersDecode() throws IOException {
        // 3-byte characters over 64 KiB: some straddle the 65536-byte buffer edge.
        String text = "€".repeat(30_000) + "\n" + "x";
        try (Utf8Reader r = reader(utf8(text))) {
            assertEquals("€".repeat(30_000), r.readLine());
            assertEquals("x", r.readLine());
            assertNull(r.readLine());
        }
    }

    @Test
    void invalidBytesNameTheLineAndByteOffsetAfterTheTextBeforeThem() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(utf8("ok\r\n" + "é".repeat(40_000) + "\n\nbad "));
        int at = bytes.size();
        bytes.write(0xFF);
        bytes.writeBytes(utf8(" more\n"));
        try (Utf8Reader r = reader(bytes.toByteArray())) {
            assertEquals("ok", r.readLine());
            assertEquals("é".repeat(40_000), r.readLine());
            assertEquals("", r.readLine());
            Utf8Reader.InvalidUtf8Exception e = assertThrows(Utf8Reader.InvalidUtf8Exception.class, r::readLine);
            assertEquals("t.txt line 4 (byte " + at + "): invalid UTF-8; text files must be UTF-8", e.getMessage());
            assertEquals(4, e.line());
            assertEquals(at, e.byteOffset());
        }
    }

    @Test
    void aFileEndingInsideACharacterIsNamed() throws IOException {
        byte[] euro = utf8("a\n€");
        byte[] cut = java.util.Arrays.copyOf(euro, euro.length - 1);
        try (Utf8Reader r = reader(cut)) {
            assertEquals("a", r.readLine());
            assertEquals("t.txt line 2 (byte 2): the file ends inside a UTF-8 sequence; text files must be UTF-8",
                    assertThrows(Utf8Reader.InvalidUtf8Exception.class, r::readLine).getMessage());
        }
        // Latin-1 text and an encoded surrogate are not UTF-8 either.
        assertThrows(Utf8Reader.InvalidUtf8Exception.class, () -> reader(new byte[] {'n', 'a', (byte) 0xEF, 'v', 'e'}).readLine());
        assertThrows(Utf8Reader.InvalidUtf8Exception.class, () -> reader(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}).readLine());
    }
}
