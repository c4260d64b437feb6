package dev.jclip.image;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Native memory that a native codec reads from and decodes into, kept per thread from one image
 * to the next: fresh native memory is zeroed, and the kernel maps it page by page on first touch,
 * a millisecond or more for a camera photo's tens of megabytes. Each of the {@link #SLOTS}
 * buffers is kept up to {@link #KEEP} bytes, and all threads together keep at most
 * {@link #BUDGET} bytes (a server's many request threads do not each hold their largest image);
 * past either, an image takes memory of its own, freed when the scratch is closed, as is all of it
 * when a decode on the same thread is already using the kept buffers. A thread's kept buffers are
 * freed, and go back to the budget, once the thread is gone.
 */
final class NativeScratch implements AutoCloseable {
    /** Buffers one decode may take at once: its input and its output. */
    static final int SLOTS = 2;
    /** The largest buffer kept for the next image: a 10-megapixel RGB PNG's rows, a 20-megapixel JPEG's planes. */
    static final long KEEP = 32L << 20;
    /** The most all threads keep together: both buffers of four threads at their largest. */
    static final long BUDGET = 4 * SLOTS * KEEP;

    /** Bytes of the budget not kept by any thread. */
    static final AtomicLong AVAILABLE = new AtomicLong(BUDGET);
    private static final Cleaner CLEANER = Cleaner.create();

    /** A thread's kept buffers and their bytes, which go back to the budget when the thread's buffers are collected. */
    private static final class Kept {
        final MemorySegment[] buffers = new MemorySegment[SLOTS];
        final AtomicLong bytes = new AtomicLong();

        Kept() {
            AtomicLong held = bytes;
            CLEANER.register(this, () -> AVAILABLE.addAndGet(held.get()));
        }
    }

    /** This thread's kept buffers, or null while a decode holds them. */
    private static final ThreadLocal<Kept> KEPT = ThreadLocal.withInitial(Kept::new);

    private final Kept kept;
    private Arena own;

    private NativeScratch(Kept kept) {
        this.kept = kept;
    }

    /** The calling thread's buffers until {@link #close}. */
    static NativeScratch open() {
        Kept kept = KEPT.get();
        KEPT.set(null);
        return new NativeScratch(kept);
    }

    /**
     * {@code size} bytes of buffer {@code slot}, their content undefined (whatever the last image
     * left); valid until {@link #close}.
     */
    MemorySegment take(int slot, long size) {
        if (kept != null && size <= KEEP) {
            MemorySegment held = kept.buffers[slot];
            if (held != null && held.byteSize() >= size) {
                return held.asSlice(0, size);
            }
            // Room to grow a little, so that a folder of images of similar sizes allocates once.
            long grown = Math.min(KEEP, size + size / 8), more = grown - (held == null ? 0 : held.byteSize());
            if (AVAILABLE.addAndGet(-more) >= 0) {
                kept.bytes.addAndGet(more);
                held = Arena.ofAuto().allocate(grown, 64);
                kept.buffers[slot] = held;
                return held.asSlice(0, size);
            }
            AVAILABLE.addAndGet(more);
        }
        if (own == null) {
            own = Arena.ofConfined();
        }
        return own.allocate(size, 64);
    }

    /** Gives the kept buffers back to the thread and frees the memory of the images not kept. */
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
