package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void exactBytesByHand() throws IOException {
        Path p = dir.resolve("e.npy");
        Npy.write(p, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        // 10-byte prefix + header, padded with spaces and ending in '\n', fills two 64-byte blocks.
        byte[] expected = new byte[128 + 24];
        byte[] prefix = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0};
        System.arraycopy(prefix, 0, expected, 0, 10);
        System.arraycopy(dict.getBytes(StandardCharsets.US_ASCII), 0, expected, 10, dict.length());
        Arrays.fill(expected, 10 + dict.length(), 127, (byte) ' ');
        expected[127] = '\n';
        ByteBuffer.wrap(expected, 128, 24).order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(1).putFloat(2).putFloat(3).putFloat(4).putFloat(5).putFloat(6);
        assertArrayEquals(expected, Files.readAllBytes(p));
    }

    @Test
    void tupleSpellingForRanksZeroAndOne() throws IOException {
        Path p0 = dir.resolve("r0.npy");
        Npy.write(p0, Tensor.scalar(2.5f));
        String h0 = header(p0);
        assertTrue(h0.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (), }"), h0);
        assertEquals(2.5f, Npy.read(p0).item());
        assertEquals(0, Npy.read(p0).rank());

        Path p1 = dir.resolve("r1.npy");
        Npy.write(p1, new float[] {-1, 7}, 2);
        String h1 = header(p1);
        assertTrue(h1.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"), h1);
        Tensor t = Npy.read(p1);
        assertArrayEquals(new int[] {2}, t.shape());
        assertArrayEquals(new float[] {-1, 7}, t.data());
    }

    @Test
    void roundTripLargerThanOneReadChunk() throws IOException {
        float[] d = new float[3 * 100_001];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) Math.sin(i);
        }
        Path p = dir.resolve("big.npy");
        Npy.write(p, d, 3, 100_001);
        assertEquals(128 + 4L * d.length, Files.size(p));
        Tensor t = Npy.read(p);
        assertArrayEquals(new int[] {3, 100_001}, t.shape());
        assertArrayEquals(d, t.data());
    }

    @Test
    void readsVersion2Headers() throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }";
        ByteBuffer b = ByteBuffer.allocate(12 + dict.length() + 1 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(dict.length() + 1)
                .put((dict + "\n").getBytes(StandardCharsets.US_ASCII)).putFloat(0.75f).putFloat(-8f);
        Path p = dir.resolve("v2.npy");
        Files.write(p, b.array());
        Tensor t = Npy.read(p);
        assertArrayEquals(new int[] {1, 2}, t.shape());
        assertArrayEquals(new float[] {0.75f, -8f}, t.data());
    }

    @Test
    void refusesOtherFiles() throws IOException {
        String ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
        assertArrayEquals(new int[] {2}, Npy.read(npy(1, ok, 8)).shape()); // the builder makes valid files
        assertBad(Files.write(dir.resolve("short.npy"), new byte[] {(byte) 0x93, 'N'}), "not a .npy file");
        byte[] notNpy = Files.readAllBytes(npy(1, ok, 8));
        notNpy[1] = 'X';
        assertBad(Files.write(dir.resolve("magic.npy"), notNpy), "no \\x93NUMPY magic");
        assertBad(npy(1, ok.replace("<f4", "<f8"), 16), "dtype '<f8'");
        assertBad(npy(1, ok.replace("<f4", ">f4"), 8), "dtype '>f4'");
        assertBad(npy(1, ok.replace("False", "True"), 8), "Fortran-order");
        assertBad(npy(1, ok.replace("(2,)", "(2, x)"), 8), "bad shape");
        assertBad(npy(1, ok.replace("'shape'", "'shap'"), 8), "no valid 'shape'");
        assertBad(npy(1, ok, 4), "needs 8 bytes", "has 4 after the header");
        assertBad(npy(4, ok, 8), "unsupported .npy version 4.0");
        byte[] hugeHeader = Files.readAllBytes(npy(1, ok, 8));
        hugeHeader[8] = (byte) 0xFF;
        hugeHeader[9] = (byte) 0xFF;
        assertBad(Files.write(dir.resolve("huge.npy"), hugeHeader), "header length 65535 is impossible");
    }

    private int files;

    /** A version-{@code major} file (u16 header length) with {@code dataBytes} bytes of data. */
    private Path npy(int major, String dict, int dataBytes) throws IOException {
        byte[] h = (dict + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0}).putShort((short) h.length).put(h);
        return Files.write(dir.resolve("case" + files++ + ".npy"), b.array());
    }

    /** The version 1.0 header text, checking the 64-byte alignment of the data. */
    private static String header(Path p) throws IOException {
        byte[] raw = Files.readAllBytes(p);
        int len = (raw[8] & 0xFF) | (raw[9] & 0xFF) << 8;
        assertEquals(0, (10 + len) % 64);
        assertEquals('\n', raw[10 + len - 1]);
        return new String(raw, 10, len, StandardCharsets.US_ASCII);
    }

    private static void assertBad(Path p, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks \"" + f + "\": " + e.getMessage());
        }
    }
}
