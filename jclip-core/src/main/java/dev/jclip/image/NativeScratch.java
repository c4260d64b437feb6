package dev.jclip.image;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Native memory that a native codec reads from and decodes into, kept per thread from one image
 * to the next: fresh native memory is zeroed, and the kernel maps it page by page on first touch,
 * a millisecond or more for a camera photo's tens of megabytes. Each of the
 * {@link #SLOTS} buffers is kept up to {@link #KEEP} bytes; a larger image takes memory of its own,
 * freed when the scratch is closed, as is all of it when a decode on the same thread is already
 * using the kept buffers. Kept buffers are freed once their thread is gone.
 */
final class NativeScratch implements AutoCloseable {
    /** Buffers one decode may take at once: its input and its output. */
    static final int SLOTS = 2;
    /** The largest buffer kept for the next image: a 10-megapixel RGB PNG's rows, a 20-megapixel JPEG's planes. */
    static final long KEEP = 32L << 20;

    /** This thread's kept buffers, or null while a decode holds them. */
    private static final ThreadLocal<MemorySegment[]> KEPT = ThreadLocal.withInitial(() -> new MemorySegment[SLOTS]);

    private final MemorySegment[] kept;
    private Arena own;

    private NativeScratch(MemorySegment[] kept) {
        this.kept = kept;
    }

    /** The calling thread's buffers until {@link #close}. */
    static NativeScratch open() {
        MemorySegment[] kept = KEPT.get();
        KEPT.set(null);
        return new NativeScratch(kept);
    }

    /**
     * {@code size} bytes of buffer {@code slot}, their content undefined (whatever the last image
     * left); valid until {@link #close}.
     */
    MemorySegment take(int slot, long size) {
        if (kept != null && size <= KEEP) {
            MemorySegment held = kept[slot];
            if (held == null || held.byteSize() < size) {
                // Room to grow a little, so that a folder of images of similar sizes allocates once.
                held = Arena.ofAuto().allocate(Math.min(KEEP, Math.max(size, size + size / 8)), 64);
                kept[slot] = held;
            }
            return held.asSlice(0, size);
        }
        if (own == null) {
            own = Arena.ofConfined();
        }
        return own.allocate(size, 64);
    }

    /** Gives the kept buffers back to the thread and frees the memory of larger images. */
    @Override
    public void close() {
        if (own != null) {
            own.close();
            own = null;
        }
        if (kept != null) {
            KEPT.set(kept);
        }
    }
}
