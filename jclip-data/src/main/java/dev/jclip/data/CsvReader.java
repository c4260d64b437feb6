package dev.jclip.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A streaming RFC 4180 reader: fields separated by a configurable character, records by LF or CRLF;
 * a field in double quotes may hold separators, line breaks and doubled quotes ({@code ""} for
 * {@code "}). A quote inside an unquoted field is kept as a character (as Python's csv module does).
 * Empty lines are skipped and a leading byte-order mark is dropped. Malformed input (text after a
 * closing quote, a quote never closed) throws {@link IllegalArgumentException} naming the line.
 */
public final class CsvReader implements Closeable {
    private static final int EOF = -1;

    private final Reader in;
    private final String name;
    private final char separator;
    private final char[] buf = new char[1 << 16];
    private int pos;
    private int len;
    private long line = 1;
    private long recordLine;
    private boolean started;

    /** Reads {@code in}; {@code name} (the file) is used in error messages. */
    public CsvReader(Reader in, String name, char separator) {
        if (separator == '"' || separator == '\r' || separator == '\n') {
            throw new IllegalArgumentException("a CSV separator cannot be a quote or a line break");
        }
        this.in = in;
        this.name = name;
        this.separator = separator;
    }

    /** The line (1-based) where the record last returned by {@link #next()} starts. */
    public long recordLine() {
        return recordLine;
    }

    /** The next record's fields, or null at the end of the input. */
    public List<String> next() throws IOException {
        if (!started) {
            started = true;
            if (peek() == '\uFEFF') {
                pos++;
            }
        }
        int c = peek();
        while (c == '\r' || c == '\n') {
            endOfLine();
            c = peek();
        }
        if (c == EOF) {
            return null;
        }
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        while (true) {
            field.setLength(0);
            c = read();
            if (c == '"') {
                long quoteLine = line;
                while (true) {
                    c = read();
                    if (c == EOF) {
                        throw new IllegalArgumentException(name + " line " + quoteLine + ": quoted field never closed");
                    }
                    if (c == '"') {
                        if (peek() != '"') {
                            break;
                        }
                        pos++;
                    } else if (c == '\n') {
                        line++;
                    }
                    field.append((char) c);
                }
                c = read();
                if (c != separator && c != '\r' && c != '\n' && c != EOF) {
                    throw new IllegalArgumentException(name + " line " + line + ": unexpected '" + (char) c
                            + "' after a closing quote (quotes inside a field must be doubled)");
                }
            } else {
                while (c != separator && c != '\r' && c != '\n' && c != EOF) {
                    field.append((char) c);
                    c = read();
                }
            }
            fields.add(field.toString());
            if (c != separator) {
                if (c != EOF) {
                    pos--;
                    endOfLine();
                }
                return fields;
            }
        }
    }

    /** Consumes one LF, CRLF or lone CR. */
    private void endOfLine() throws IOException {
        if (read() == '\r' && peek() == '\n') {
            pos++;
        }
        line++;
    }

    private int peek() throws IOException {
        if (pos == len && !fill()) {
            return EOF;
        }
        return buf[pos];
    }

    private int read() throws IOException {
        if (pos == len && !fill()) {
            return EOF;
        }
        return buf[pos++];
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        len = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
