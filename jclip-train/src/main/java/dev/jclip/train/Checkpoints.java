package dev.jclip.train;

import dev.jclip.io.AtomicWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder of checkpoints, one sub-folder {@code step-00000012} per checkpoint.
 * A checkpoint is written into a hidden temporary folder beside it and renamed
 * into place only once every file in it is complete, so a crash or an error
 * midway never leaves a partial checkpoint under a checkpoint's name, and the
 * previous ones stay as they were. Only the newest {@code keep} are kept.
 */
public final class Checkpoints {
    private static final Pattern NAME = Pattern.compile("step-(\\d+)");
    private static final String TMP_PREFIX = ".tmp-";

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
