package dev.jclip.train;

import dev.jclip.io.AtomicWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A folder of checkpoints, one sub-folder {@code step-00000012} per checkpoint.
 * A checkpoint is written into a hidden temporary folder beside it and renamed
 * into place only once every file in it is complete, so a crash or an error
 * midway never leaves a partial checkpoint under a checkpoint's name, and the
 * previous ones stay as they were. Only the newest {@code keep} are kept.
 *
 * <p>Each checkpoint holds {@value #CHECKSUMS}: the CRC32C and size of each of
 * its files, so damage done after it was written (a changed, cut or deleted
 * file) is found by {@link #verify} before the checkpoint is trusted.
 */
public final class Checkpoints {
    private static final Pattern NAME = Pattern.compile("step-(\\d+)");
    private static final String TMP_PREFIX = ".tmp-";
    private static final String DAMAGED_PREFIX = "damaged-";
    /** The checksum file of a checkpoint: a line {@code CRC32C-HEX SIZE RELATIVE-PATH} per other file. */
    public static final String CHECKSUMS = "checksums.crc32c";
    private static final Pattern CHECKSUM_LINE = Pattern.compile("([0-9a-f]{8}) (\\d+) (.+)");

    /** Writes the files of one checkpoint into an empty folder. */
    @FunctionalInterface
    public interface Contents {
        void writeTo(Path folder) throws IOException;
    }

    private final Path dir;
    private final int keep;

    public Checkpoints(Path dir, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep at least one checkpoint, got " + keep);
        }
        this.dir = dir;
        this.keep = keep;
    }

    /**
     * Writes the checkpoint of {@code step}, replacing one of the same step, then
     * deletes the oldest beyond {@code keep}. Returns its folder.
     */
    public Path save(long step, Contents contents) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(name(step));
        Path tmp = dir.resolve(TMP_PREFIX + target.getFileName() + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectory(tmp);
        boolean done = false;
        try {
            contents.writeTo(tmp);
            writeChecksums(tmp);
            forceTree(tmp); // the files' bytes reach the disk before the rename makes them a checkpoint
            if (Files.exists(target)) {
                deleteTree(target); // same step saved again (e.g. a rerun); its content is being rewritten
            }
            try {
                Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            done = true;
            AtomicWriter.forceFolder(dir);
        } finally {
            if (!done) {
                deleteTree(tmp);
            }
        }
        prune();
        return target;
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Path> latest() throws IOException {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
    }

    /**
     * The newest checkpoint that {@link #verify passes verification}. Each newer, damaged one is
     * renamed {@code damaged-step-...} (kept for inspection, out of the rotation, so it is neither
     * resumed nor counted among the kept ones) and reported to {@code onDamaged} with its new path.
     */
    public Optional<Path> latestIntact(BiConsumer<DamagedCheckpointException, Path> onDamaged) throws IOException {
        List<Path> all = list();
        for (Path checkpoint : all.reversed()) {
            try {
                verify(checkpoint);
                return Optional.of(checkpoint);
            } catch (DamagedCheckpointException e) {
                onDamaged.accept(e, moveAside(checkpoint));
            }
        }
        return Optional.empty();
    }

    /**
     * Checks every file of {@code checkpoint} against {@value #CHECKSUMS}: present, of the recorded
     * size and CRC32C. Reads every byte once.
     *
     * @throws DamagedCheckpointException naming the first file that differs, or a missing checksum file
     */
    public static void verify(Path checkpoint) throws IOException {
        if (!Files.isDirectory(checkpoint)) {
            throw new IllegalArgumentException("no checkpoint at " + checkpoint);
        }
        Path sums = checkpoint.resolve(CHECKSUMS);
        if (!Files.isRegularFile(sums)) {
            throw new DamagedCheckpointException(checkpoint, CHECKSUMS + " is missing");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(sums, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new DamagedCheckpointException(checkpoint, CHECKSUMS + " is not UTF-8 text");
        }
        if (lines.isEmpty()) {
            throw new DamagedCheckpointException(checkpoint, CHECKSUMS + " is empty");
        }
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = CHECKSUM_LINE.matcher(lines.get(i));
            Path file = m.matches() ? checkpoint.resolve(m.group(3)).normalize() : null;
            if (file == null || !file.startsWith(checkpoint.normalize()) || file.equals(checkpoint.normalize())) {
                throw new DamagedCheckpointException(checkpoint, CHECKSUMS + " line " + (i + 1) + " is malformed");
            }
            String name = m.group(3);
            if (!Files.isRegularFile(file)) {
                throw new DamagedCheckpointException(checkpoint, name + " is missing");
            }
            long size = Files.size(file), expected = Long.parseLong(m.group(2));
            if (size != expected) {
                throw new DamagedCheckpointException(checkpoint, name + " is " + size + " bytes, " + CHECKSUMS
                        + " says " + expected + " (cut short or overwritten)");
            }
            String crc = crc32c(file);
            if (!crc.equals(m.group(1))) {
                throw new DamagedCheckpointException(checkpoint, name + " has CRC32C " + crc + ", " + CHECKSUMS
                        + " says " + m.group(1) + " (its bytes changed after it was written)");
            }
        }
    }

    /** Complete checkpoints, oldest first. */
    public List<Path> list() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> Files.isDirectory(p) && NAME.matcher(p.getFileName().toString()).matches()).forEach(out::add);
        }
        out.sort((a, b) -> Long.compare(stepOf(a), stepOf(b)));
        return out;
    }

    /** The step a checkpoint folder was saved at, from its name. */
    public static long stepOf(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(checkpoint + " is not a checkpoint folder (expected a name like step-00000012)");
        }
        return Long.parseLong(m.group(1));
    }

    /** The folder name of the checkpoint of {@code step}. */
    public static String name(long step) {
        return String.format("step-%08d", step);
    }

    /** Renames a damaged checkpoint out of the rotation; returns its new path. */
    private Path moveAside(Path checkpoint) throws IOException {
        Path aside = dir.resolve(DAMAGED_PREFIX + checkpoint.getFileName());
        for (int n = 2; Files.exists(aside); n++) {
            aside = dir.resolve(DAMAGED_PREFIX + checkpoint.getFileName() + "." + n);
        }
        Files.move(checkpoint, aside);
        return aside;
    }

    /** Writes {@value #CHECKSUMS} for every file under {@code folder}, in path order. */
    private static void writeChecksums(Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(folder)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        StringBuilder out = new StringBuilder();
        for (Path f : files) {
            String name = folder.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
            out.append(crc32c(f)).append(' ').append(Files.size(f)).append(' ').append(name).append('\n');
        }
        Files.writeString(folder.resolve(CHECKSUMS), out);
    }

    private static String crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf.clear()) >= 0) {
                crc.update(buf.flip());
            }
        }
        return String.format("%08x", crc.getValue());
    }

    /** Deletes the oldest checkpoints beyond {@code keep}, and temporary folders left by a crashed write. */
    private void prune() throws IOException {
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            deleteTree(all.get(i));
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(TMP_PREFIX)).toList()) {
                deleteTree(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Forces every file under {@code root}, then each folder, to disk. */
    private static void forceTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                AtomicWriter.forceFile(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                AtomicWriter.forceFolder(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
