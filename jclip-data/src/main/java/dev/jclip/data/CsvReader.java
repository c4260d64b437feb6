package dev.jclip.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A streaming RFC 4180 reader (commons-csv): fields separated by a configurable character, records
 * by LF, CRLF or CR; a field in double quotes may hold separators, line breaks and doubled quotes
 * ({@code ""} for {@code "}). A quote inside an unquoted field is kept as a character (as Python's
 * csv module does). Empty lines are skipped and a leading byte-order mark is dropped.
 *
 * <p>A malformed row (text after a closing quote, a quote never closed, more than
 * {@link #MAX_ROW_CHARS} characters) throws a {@link MalformedRowException} naming the file and the
 * row's first line; the reader then resumes on the line after it, so one bad row never takes the
 * rest of the file with it.
 */
public final class CsvReader implements Closeable {
    /** The longest row, line breaks included: a quote never closed cannot swallow the rest of a large file. */
    public static final int MAX_ROW_CHARS = 1 << 20;

    private final CsvRowInput input;
    private final String name;
    private final CSVFormat format;
    private CSVParser parser;
    private Iterator<CSVRecord> records;
    /** The lines of the file before the current parser's first line. */
    private long lineBase;
    private long recordLine;

    /** A row the CSV syntax cannot read; the reader resumes on the line after {@link #line()}. */
    public static final class MalformedRowException extends IllegalArgumentException {
        private final transient String file;
        private final long line;
        private final String problem;

        MalformedRowException(String file, long line, String problem) {
            super(file + " line " + line + ": " + problem);
            this.file = file;
            this.line = line;
            this.problem = problem;
        }

        /** The file, as named to the reader. */
        public String file() {
            return file;
        }

        /** The row's first line (1-based). */
        public long line() {
            return line;
        }

        /** What is wrong, without the file and line. */
        public String problem() {
            return problem;
        }
    }

    /** Reads {@code in}; {@code name} (the file) is used in error messages. */
    public CsvReader(Reader in, String name, char separator) {
        if (separator == '"' || separator == '\r' || separator == '\n') {
            throw new IllegalArgumentException("a CSV separator cannot be a quote or a line break");
        }
        this.input = new CsvRowInput(in);
        this.name = name;
        // Empty lines come back as rows of one empty field (skipped below): every row then starts on
        // the line after the previous one ended, which is where reading resumes after a malformed one.
        this.format = CSVFormat.RFC4180.builder().setDelimiter(separator).setIgnoreEmptyLines(false).get();
        startParser();
    }

    /** Reads {@code file}, strictly UTF-8 (see {@link Utf8Reader}). */
    public static CsvReader open(Path file, char separator) throws IOException {
        return new CsvReader(Utf8Reader.open(file), file.toString(), separator);
    }

    /** The line (1-based) where the record last returned by {@link #next()} starts. */
    public long recordLine() {
        return recordLine;
    }

    /**
     * The next record's fields, or null at the end of the input.
     *
     * @throws MalformedRowException for a row the CSV syntax cannot read; the next call reads on from the line after its first
     * @throws IOException           when the input cannot be read (including invalid UTF-8 from a {@link Utf8Reader})
     */
    public List<String> next() throws IOException {
        while (true) {
            recordLine = lineBase + parser.getCurrentLineNumber() + 1;
            input.rowStartsAt(recordLine);
            CSVRecord record;
            try {
                if (!records.hasNext()) {
                    return null;
                }
                record = records.next();
            } catch (UncheckedIOException e) {
                IOException cause = e.getCause();
                if (!(cause instanceof CSVException) && !(cause instanceof CsvRowInput.RowTooLong)) {
                    throw cause;
                }
                long bad = recordLine;
                input.restartAt(bad + 1);
                lineBase = bad;
                startParser();
                throw new MalformedRowException(name, bad, problem(cause));
            }
            if (record.size() > 1 || !record.get(0).isEmpty()) {
                return record.toList();
            }
        }
    }

    /** A parser from where the input stands (the old one is dropped unclosed: it would close the input). */
    private void startParser() {
        try {
            parser = CSVParser.builder().setReader(input).setFormat(format).get();
            records = parser.iterator();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // nothing is read before the first record
        }
    }

    /** Today's wording for commons-csv's syntax errors. */
    private static String problem(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("EOF reached before encapsulated token finished")) {
            return "quoted field never closed";
        }
        if (m.contains("Invalid character between encapsulated token and delimiter")) {
            return "text after a closing quote (quotes inside a field must be doubled)";
        }
        return e instanceof CsvRowInput.RowTooLong ? m : "malformed row (" + m + ")";
    }

    @Override
    public void close() throws IOException {
        input.close();
    }
}
