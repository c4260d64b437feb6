package dev.jclip.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Runs the decoders with the native libraries turned off ({@link NativeCodecs#PROPERTY}), for tests comparing both paths. */
final class NativePaths {
    private NativePaths() {
    }

    interface Decode<T> {
        T run() throws BadImageException;
    }

    /** The result of {@code decode} on the pure-Java path, or its error message. */
    static Object pureJava(Decode<?> decode) {
        String before = System.getProperty(NativeCodecs.PROPERTY);
        System.setProperty(NativeCodecs.PROPERTY, "false");
        try {
            return outcome(decode);
        } finally {
            if (before == null) {
                System.clearProperty(NativeCodecs.PROPERTY);
            } else {
                System.setProperty(NativeCodecs.PROPERTY, before);
            }
        }
    }

    /** The result of {@code decode} as it is, or its error message. */
    static Object outcome(Decode<?> decode) {
        try {
            return decode.run();
        } catch (BadImageException e) {
            return e.getMessage();
        }
    }

    /**
     * Fills this thread's kept native buffers ({@link NativeScratch}) with a pattern, as another
     * image would leave them: a decode that then reads a byte it did not write gives other pixels.
     */
    static void poisonKeptBuffers() {
        try (NativeScratch scratch = NativeScratch.open()) {
            for (int slot = 0; slot < NativeScratch.SLOTS; slot++) {
                scratch.take(slot, 1 << 22).fill((byte) 0xA5);
            }
        }
    }

    /** The files ending in {@code suffix} of test resource folder {@code dir} (which holds {@code known}). */
    static List<Path> resources(String dir, String known, String suffix) {
        try (Stream<Path> s = Files.list(Path.of(NativePaths.class.getResource(dir + known).toURI()).getParent())) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
