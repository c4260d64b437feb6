package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The resources were written by real tools:
 * <pre>
 * gnu-long.tar:     tar --format=gnu -b 1 --sort=name -cf gnu-long.tar d   (GNU tar 1.34; d/ holds s1.jpg "IMG",
 *                   s1.txt "short caption", and d/x*120.png "PNGDATA", d/x*120.txt "a red fox")
 * ustar-prefix.tar: tar --format=ustar -b 1 -cf ustar-prefix.tar u/p*60/q*60.txt   ("prefixed")
 * pax-long.tar:     Python 3 tarfile, PAX_FORMAT: d/y*130.txt "pax caption", d/y*130.png "P", d/été.txt "summer"
 * </pre>
 */
class TarReaderTest {

    private static List<String[]> readAll(TarReader r) throws IOException {
        List<String[]> out = new ArrayList<>();
        for (TarReader.Entry e = r.next(); e != null; e = r.next()) {
            out.add(new String[] {e.name(), new String(e.data(), StandardCharsets.UTF_8)});
        }
        return out;
    }

    private static List<String[]> resource(String name) throws IOException {
        try (InputStream in = TarReaderTest.class.getResourceAsStream(name)) {
            return readAll(new TarReader(in, name));
        }
    }

    private static void assertEntries(List<String[]> actual, String... nameThenText) {
        assertEquals(nameThenText.length / 2, actual.size(), () -> actual.stream().map(Arrays::toString).toList().toString());
        for (int i = 0; i < actual.size(); i++) {
            assertEquals(nameThenText[2 * i], actual.get(i)[0]);
            assertEquals(nameThenText[2 * i + 1], actual.get(i)[1]);
        }
    }

    @Test
    void readsGnuTarLongNames() throws IOException {
        String x = "x".repeat(120);
        assertEntries(resource("gnu-long.tar"),
                "d/s1.jpg", "IMG", "d/s1.txt", "short caption", "d/" + x + ".png", "PNGDATA", "d/" + x + ".txt", "a red fox");
    }

    @Test
    void readsUstarPrefixField() throws IOException {
        assertEntries(resource("ustar-prefix.tar"), "u/" + "p".repeat(60) + "/" + "q".repeat(60) + ".txt", "prefixed");
    }

    @Test
    void readsPaxPaths() throws IOException {
        String y = "y".repeat(130);
        assertEntries(resource("pax-long.tar"), "d/" + y + ".txt", "pax caption", "d/" + y + ".png", "P", "d/été.txt", "summer");
    }

    @Test
    void readsBuiltArchiveAcrossBlockBoundaries() throws IOException {
        byte[] big = new byte[1300];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        byte[] tar = new TarBuilder().directory("dir/").file("dir/a.bin", big).file("dir/" + "z".repeat(200) + ".txt", "long")
                .file("empty.txt", "").finish();
        TarReader r = new TarReader(new ByteArrayInputStream(tar), "t.tar");
        TarReader.Entry a = r.next();
        assertEquals("dir/a.bin", a.name());
        assertArrayEquals(big, a.data());
        assertEquals("dir/" + "z".repeat(200) + ".txt", r.next().name());
        TarReader.Entry empty = r.next();
        assertEquals("empty.txt", empty.name());
        assertEquals(0, empty.data().length);
        assertNull(r.next());
        assertNull(r.next());
    }

    @Test
    void truncatedArchiveFailsAfterIntactEntries() throws IOException {
        byte[] tar = new TarBuilder().file("a.txt", "first").file("b.txt", "x".repeat(700)).finish();
        // Cut inside b.txt's data: header a (512) + data a (512) + header b (512) + 100 bytes.
        byte[] cut = Arrays.copyOf(tar, 1636);
        TarReader r = new TarReader(new ByteArrayInputStream(cut), "cut.tar");
        assertEquals("first", new String(r.next().data(), StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, r::next);
        assertTrue(e.getMessage().contains("cut.tar at byte 1024") && e.getMessage().contains("b.txt cut short: 100 of 700"),
                e.getMessage());

        byte[] midHeader = Arrays.copyOf(tar, 1024 + 200);
        TarReader r2 = new TarReader(new ByteArrayInputStream(midHeader), "h.tar");
        r2.next();
        assertTrue(assertThrows(IOException.class, r2::next).getMessage().contains("header cut short after 200 bytes"));

        byte[] noEnd = Arrays.copyOf(tar, 1024);
        TarReader r3 = new TarReader(new ByteArrayInputStream(noEnd), "e.tar");
        r3.next();
        assertTrue(assertThrows(IOException.class, r3::next).getMessage().contains("without its end-of-archive block"));
    }

    @Test
    void corruptHeaderFailsOnChecksum() {
        byte[] tar = new TarBuilder().file("a.txt", "hello").finish();
        tar[3] ^= 0x20; // flip one bit of the name
        IOException e = assertThrows(IOException.class, () -> new TarReader(new ByteArrayInputStream(tar), "bad.tar").next());
        assertTrue(e.getMessage().contains("bad.tar at byte 0: header checksum"), e.getMessage());

        // A checksum field that is not octal (found by mutating archives): commons-compress throws IllegalArgumentException.
        byte[] notOctal = new TarBuilder().file("a.txt", "hello").finish();
        notOctal[150] = 'x';
        assertEquals("bad.tar at byte 0: header checksum does not match the header: corrupt archive",
                assertThrows(TarReader.Damage.class, () -> new TarReader(new ByteArrayInputStream(notOctal), "bad.tar").next())
                        .getMessage());
    }

    @Test
    void aLongNameOverOneMebibyteIsRefusedBeforeItIsRead() {
        byte[] tar = new TarBuilder().file("n".repeat(1 << 21) + ".txt", "x").finish();
        IOException e = assertThrows(IOException.class, () -> new TarReader(new ByteArrayInputStream(tar), "long.tar").next());
        assertEquals("long.tar at byte 0: long name or pax header of " + ((1 << 21) + 5) + " bytes", e.getMessage());
    }
}
