package dev.jclip.io;

import dev.jclip.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a little-endian binary file so that a crash never leaves a partial file
 * under the final name: the bytes go to a temporary file in the same folder, are
 * forced to disk, and the temporary file is then renamed over the target
 * (atomically where the file system can) and the folder forced too.
 */
public final class AtomicWriter {
    /** What writes the file's content. */
    @FunctionalInterface
    public interface Body {
        void writeTo(AtomicWriter out) throws IOException;
    }

    private final FileChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    private AtomicWriter(FileChannel channel) {
        this.channel = channel;
    }

    /** Writes {@code target} with {@code body}, replacing any existing file only once it is complete. */
    public static void write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath();
        // Hidden, unique and in the same folder, so the final rename stays on one file system.
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + ProcessHandle.current().pid() + "."
                + System.nanoTime() + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                AtomicWriter out = new AtomicWriter(ch);
                body.writeTo(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            forceFolder(abs.getParent());
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Forces a folder's entries (e.g. a rename into it) to disk where the platform allows opening
     * a folder for that; elsewhere (Windows) nothing happens.
     */
    public static void forceFolder(Path folder) {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms refuse to open or force a folder: the rename is then as durable as they make it.
        }
    }

    /** Forces a complete file's content to disk. */
    public static void forceFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Appends {@code b}. */
    public void bytes(byte[] b) throws IOException {
        for (int i = 0; i < b.length; ) {
            int n = Math.min(buf.remaining(), b.length - i);
            buf.put(b, i, n);
            i += n;
            drainIfFull();
        }
    }

    /** Appends {@code a}, little-endian. */
    public void floats(float[] a) throws IOException {
        for (int i = 0; i < a.length; ) {
            int n = Math.min(buf.remaining() / 4, a.length - i);
            buf.asFloatBuffer().put(a, i, n);
            buf.position(buf.position() + 4 * n);
            i += n;
            drainIfFull();
        }
    }

    /** Appends the little-endian floats of {@code s} (a tensor's {@code storage()}), without copying it whole. */
    public void floats(MemorySegment s) throws IOException {
        long count = s.byteSize() / 4;
        for (long i = 0; i < count; ) {
            int n = (int) Math.min(buf.remaining() / 4, count - i);
            MemorySegment.copy(s, Tensor.ELEMENT, 4 * i, MemorySegment.ofBuffer(buf), Tensor.ELEMENT, 0, n);
            buf.position(buf.position() + 4 * n);
            i += n;
            drainIfFull();
        }
    }

    /** Appends {@code a}, little-endian. */
    public void ints(int[] a) throws IOException {
        for (int i = 0; i < a.length; ) {
            int n = Math.min(buf.remaining() / 4, a.length - i);
            buf.asIntBuffer().put(a, i, n);
            buf.position(buf.position() + 4 * n);
            i += n;
            drainIfFull();
        }
    }

    /** Appends {@code a}, little-endian. */
    public void longs(long[] a) throws IOException {
        for (int i = 0; i < a.length; ) {
            int n = Math.min(buf.remaining() / 8, a.length - i);
            buf.asLongBuffer().put(a, i, n);
            buf.position(buf.position() + 8 * n);
            i += n;
            drainIfFull();
        }
    }

    /** Writes out the buffer once too little is left for one more element of any type. */
    private void drainIfFull() throws IOException {
        if (buf.remaining() < 8) {
            flush();
        }
    }

    private void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        buf.clear();
    }
}
