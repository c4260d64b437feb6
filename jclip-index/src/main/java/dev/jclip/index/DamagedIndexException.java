package dev.jclip.index;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.index.CorruptIndexException;

/**
 * An index whose files are damaged (a checksum mismatch, a truncated or missing file): nothing it
 * holds can be trusted, so it is refused. The message names the damaged file and says how to
 * rebuild the index.
 */
public final class DamagedIndexException extends IOException {
    /** Lucene names a resource {@code ...(path="/dir/_0.cfs") [slice=_0_Lucene99HnswVectorsFormat_0.vec]}. */
    private static final Pattern RESOURCE_PATH = Pattern.compile("path=\"([^\"]+)\"");
    private static final Pattern SLICE = Pattern.compile("\\[slice=([^\\]]+)]");

    private final Path folder;
    private final String file;

    DamagedIndexException(Path folder, String file, String reason, Throwable cause) {
        super("index at " + folder + " is damaged: " + file + ": " + reason + "; its results cannot be trusted. "
                + "Rebuild it: delete " + folder + " and run jclip index again with the same --model and --images", cause);
        this.folder = folder;
        this.file = file;
    }

    /** The index folder. */
    public Path folder() {
        return folder;
    }

    /** The damaged file, relative to {@link #folder()}; for a part of a compound file, "FILE (part PART)". */
    public String file() {
        return file;
    }

    /**
     * {@code e} as damage to the index in {@code folder}, or null if it is some other failure (a
     * lock, a full disk, a permission; java.io's FileNotFoundException says "missing" for those too,
     * so only NIO's NoSuchFileException counts as a missing file). The innermost cause that names a file wins: Lucene wraps the
     * failure of a segment's file in one naming the segments file.
     */
    static DamagedIndexException of(Path folder, Throwable e) {
        DamagedIndexException found = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            DamagedIndexException d = switch (t) {
                case DamagedIndexException already -> already;
                case CorruptIndexException c -> new DamagedIndexException(folder,
                        fileOf(folder, c.getResourceDescription()), c.getOriginalMessage(), e);
                case NoSuchFileException n -> new DamagedIndexException(folder, relative(folder, n.getFile()), "the file is missing", e);
                case EOFException eof -> new DamagedIndexException(folder, fileOf(folder, eof.getMessage()), "the file is truncated", e);
                default -> null;
            };
            if (d != null) {
                found = d;
            }
        }
        return found;
    }

    private static String fileOf(Path folder, String resource) {
        if (resource == null) {
            return "a file of the index";
        }
        Matcher path = RESOURCE_PATH.matcher(resource);
        String file = relative(folder, path.find() ? path.group(1) : resource);
        Matcher slice = SLICE.matcher(resource);
        return slice.find() ? file + " (part " + slice.group(1) + ")" : file;
    }

    private static String relative(Path folder, String file) {
        if (file == null) {
            return "a file of the index";
        }
        try {
            Path p = Path.of(file).normalize(), absolute = folder.toAbsolutePath().normalize();
            return p.isAbsolute() && p.startsWith(absolute) ? absolute.relativize(p).toString() : file;
        } catch (InvalidPathException notAPath) {
            return file;
        }
    }
}
