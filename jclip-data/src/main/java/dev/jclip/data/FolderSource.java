package dev.jclip.data;

import dev.jclip.image.ImageExtensions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A folder tree of images ({@link ImageExtensions}: {@code .jpg .jpeg .png .gif .bmp .webp .tif .tiff}) each with a caption in a text file
 * of the same name ({@code cats/01.jpg} and {@code cats/01.txt}, UTF-8, surrounding white space
 * trimmed). The tree is walked depth-first with each folder's entries sorted by name, one folder
 * listing in memory at a time; symbolic links to folders are not followed (no cycles). The seed is not
 * used. An image without a caption file is reported and skipped. Keys are paths relative to the root.
 */
public final class FolderSource implements ImageTextSource {
    private final Path root;

    /** The images under {@code root}. */
    public FolderSource(Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("no such folder: " + root);
        }
        this.root = root;
    }

    @Override
    public Stream<Example> examples(long seed, Consumer<DataError> errors) {
        ArrayDeque<Iterator<Path>> stack = new ArrayDeque<>();
        stack.push(sortedListing(root));
        Iterator<Example> it = new LookaheadIterator<>() {
            @Override
            protected Example computeNext() {
                while (!stack.isEmpty()) {
                    Iterator<Path> top = stack.peek();
                    if (!top.hasNext()) {
                        stack.pop();
                        continue;
                    }
                    Path p = top.next();
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        stack.push(sortedListing(p));
                    } else {
                        Example e = example(p, errors);
                        if (e != null) {
                            return e;
                        }
                    }
                }
                return null;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** The example of an image file; null for other files and for images without a caption (reported). */
    private Example example(Path file, Consumer<DataError> errors) {
        String name = file.getFileName().toString();
        if (!ImageExtensions.matches(name)) {
            return null;
        }
        int dot = name.lastIndexOf('.');
        String key = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        Path captionFile = file.resolveSibling(name.substring(0, dot) + ".txt");
        if (!Files.isRegularFile(captionFile)) {
            errors.accept(new DataError(file.toString(), "no caption file " + captionFile.getFileName()));
            return null;
        }
        try {
            String caption = Utf8Reader.readString(captionFile).strip();
            return new Example(key, new ExampleImage.FromFile(file), caption, Example.NO_LABEL);
        } catch (Utf8Reader.InvalidUtf8Exception e) {
            errors.accept(new DataError(captionFile + " line " + e.line() + " (byte " + e.byteOffset() + ")",
                    "caption is not valid UTF-8"));
            return null;
        } catch (IOException e) {
            errors.accept(new DataError(captionFile.toString(), "cannot read caption: " + e.getMessage()));
            return null;
        }
    }

    private static Iterator<Path> sortedListing(Path dir) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(entries::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list folder " + dir, e);
        }
        entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return entries.iterator();
    }
}
