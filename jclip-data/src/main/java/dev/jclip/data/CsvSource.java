package dev.jclip.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Image-caption pairs listed in a CSV or TSV file (UTF-8), as OpenCLIP's {@code --dataset-type csv}
 * reads them: a header naming an image column ({@code filepath}) and a caption column ({@code title}),
 * or a headerless file of {@code image_path,caption} (exactly two fields a row). Relative image paths are resolved against the
 * file's folder. Rows are streamed in file order (the seed is not used; see {@link #shuffled(int)});
 * a missing image or an empty image path is reported and skipped. Images are read when decoded.
 *
 * <p>A malformed row (bad quoting, too long, or too few fields; more than two in a headerless file)
 * throws a {@link CsvReader.MalformedRowException} naming the file and line, unless the source
 * {@link #skippingBadRows() skips bad rows}: then it is reported like a missing image and reading
 * resumes on the next line.
 */
public final class CsvSource implements ImageTextSource {
    /** OpenCLIP's default column names. */
    public static final String OPENCLIP_IMAGE_COLUMN = "filepath";
    public static final String OPENCLIP_CAPTION_COLUMN = "title";

    private final Path file;
    private final char separator;
    private final String imageColumn;
    private final String captionColumn;
    private final boolean skipBadRows;

    private CsvSource(Path file, char separator, String imageColumn, String captionColumn, boolean skipBadRows) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such CSV file: " + file);
        }
        this.file = file;
        this.separator = separator;
        this.imageColumn = imageColumn;
        this.captionColumn = captionColumn;
        this.skipBadRows = skipBadRows;
    }

    /** A file whose header row names the image and caption columns. */
    public static CsvSource withHeader(Path file, char separator, String imageColumn, String captionColumn) {
        return new CsvSource(file, separator, imageColumn, captionColumn, false);
    }

    /** A file with OpenCLIP's header names {@code filepath} and {@code title}. */
    public static CsvSource openClip(Path file, char separator) {
        return withHeader(file, separator, OPENCLIP_IMAGE_COLUMN, OPENCLIP_CAPTION_COLUMN);
    }

    /** A file without a header: the image path in the first column, the caption in the second. */
    public static CsvSource headerless(Path file, char separator) {
        return new CsvSource(file, separator, null, null, false);
    }

    /**
     * A file read by its header: OpenCLIP's ({@code filepath}, {@code title} among its columns), or
     * exactly {@code image_path,caption}; any other first row is data of a headerless file.
     */
    public static CsvSource detect(Path file, char separator) throws IOException {
        List<String> header;
        try (CsvReader r = CsvReader.open(file, separator)) {
            header = r.next();
        }
        if (header != null && header.contains(OPENCLIP_IMAGE_COLUMN) && header.contains(OPENCLIP_CAPTION_COLUMN)) {
            return openClip(file, separator);
        }
        if (List.of("image_path", "caption").equals(header)) {
            return withHeader(file, separator, "image_path", "caption");
        }
        return headerless(file, separator);
    }

    /** This source, reporting malformed rows to the error handler (and reading on) instead of throwing. */
    public CsvSource skippingBadRows() {
        return new CsvSource(file, separator, imageColumn, captionColumn, true);
    }

    @Override
    public Stream<Example> examples(long seed, Consumer<DataError> errors) {
        CsvReader csv;
        try {
            csv = CsvReader.open(file, separator);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
        int[] columns;
        try {
            columns = columns(csv);
        } catch (RuntimeException e) {
            closeQuietly(csv, e);
            throw e;
        }
        Path folder = file.toAbsolutePath().getParent();
        int img = columns[0];
        int cap = columns[1];
        int needed = Math.max(img, cap) + 1;
        Iterator<Example> it = new LookaheadIterator<>() {
            @Override
            protected Example computeNext() {
                while (true) {
                    List<String> row;
                    try {
                        row = read(csv);
                        if (row == null) {
                            return null;
                        }
                        if (imageColumn == null && row.size() != 2) {
                            throw malformed(csv, "expected 2 fields (image path, caption), got " + row.size()
                                    + (row.size() > 2 ? " (quote a caption that holds the separator)" : ""));
                        }
                        if (row.size() < needed) {
                            throw malformed(csv, "expected at least " + needed + " fields, got " + row.size());
                        }
                    } catch (CsvReader.MalformedRowException e) {
                        if (!skipBadRows) {
                            throw e;
                        }
                        errors.accept(new DataError(file + " line " + e.line(), e.problem()));
                        continue;
                    }
                    String where = file + " line " + csv.recordLine();
                    String imagePath = row.get(img);
                    if (imagePath.isEmpty()) {
                        errors.accept(new DataError(where, "empty image path"));
                        continue;
                    }
                    Path image;
                    try {
                        image = folder.resolve(imagePath);
                    } catch (InvalidPathException e) {
                        errors.accept(new DataError(where, "invalid image path '" + imagePath + "'"));
                        continue;
                    }
                    if (!Files.isRegularFile(image)) {
                        errors.accept(new DataError(where, "missing image file " + image));
                        continue;
                    }
                    return new Example(imagePath, new ExampleImage.FromFile(image), row.get(cap), Example.NO_LABEL);
                }
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(() -> {
                    try {
                        csv.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /** The image and caption column indexes, from the header when there is one. */
    private int[] columns(CsvReader csv) {
        if (imageColumn == null) {
            return new int[] {0, 1};
        }
        List<String> header = read(csv);
        if (header == null) {
            throw new IllegalArgumentException(file + " is empty: expected a header row with columns '"
                    + imageColumn + "' and '" + captionColumn + "'");
        }
        int image = header.indexOf(imageColumn);
        int caption = header.indexOf(captionColumn);
        if (image < 0 || caption < 0) {
            throw new IllegalArgumentException(file + ": the header " + header + " lacks column '"
                    + (image < 0 ? imageColumn : captionColumn) + "' (separator '"
                    + (separator == '\t' ? "\\t" : String.valueOf(separator)) + "')");
        }
        return new int[] {image, caption};
    }

    private CsvReader.MalformedRowException malformed(CsvReader csv, String problem) {
        return new CsvReader.MalformedRowException(file.toString(), csv.recordLine(), problem);
    }

    private static void closeQuietly(CsvReader csv, RuntimeException failure) {
        try {
            csv.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private List<String> read(CsvReader csv) {
        try {
            return csv.next();
        } catch (Utf8Reader.InvalidUtf8Exception e) {
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
