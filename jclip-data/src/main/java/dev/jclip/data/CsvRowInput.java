package dev.jclip.data;

import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;

/**
 * The characters under the CSV parser. It keeps what it gave the parser since the start of the
 * current row's first line, so that after a malformed row a new parser can start on the next
 * line; and it hands out at most one line per read, so that what the parser has been given is the row
 * itself, which it refuses past {@link CsvReader#MAX_ROW_CHARS} (a quote never closed would otherwise make one
 * field of the rest of the file). Line breaks are LF, CRLF or a lone CR, as commons-csv counts them.
 */
final class CsvRowInput extends Reader {
    private final Reader in;
    private final char[] chunk = new char[1 << 13];
    /** The characters read; those before {@link #head} are dropped at the next compaction. */
    private final StringBuilder kept = new StringBuilder();
    /** Where line {@link #keptLine} starts in {@link #kept}. */
    private int head;
    private long keptLine = 1;
    /** Where lines keptLine + 1, keptLine + 2, ... start in {@link #kept}: {@code starts[first .. first + startCount)}. */
    private int[] starts = new int[64];
    private int first;
    private int startCount;
    /** How far into {@link #kept} the current parser has been given characters. */
    private int served;
    private boolean lastCr;
    private boolean eof;
    private boolean started;

    /** A row longer than {@link CsvReader#MAX_ROW_CHARS}. */
    static final class RowTooLong extends IOException {
        RowTooLong() {
            super("row longer than " + CsvReader.MAX_ROW_CHARS + " characters (a quote never closed?)");
        }
    }

    CsvRowInput(Reader in) {
        this.in = in;
    }

    /** The parser is about to read the row that starts on {@code line}: what came before it is dropped. */
    void rowStartsAt(long line) throws IOException {
        moveTo(line);
    }

    /** The next parser starts on {@code line}, after a malformed row; it is given what was read from there on. */
    void restartAt(long line) throws IOException {
        moveTo(line);
        served = head;
    }

    /** Drops the characters before {@code line}, reading (and dropping) until it starts if it has not yet. */
    private void moveTo(long line) throws IOException {
        while (line > keptLine + startCount) {
            dropLines(startCount);
            kept.setLength(0);
            head = 0;
            served = 0;
            first = 0;
            if (!readMore()) {
                keptLine = line; // the input ends before that line
                return;
            }
        }
        dropLines((int) (line - keptLine));
    }

    private void dropLines(int lines) {
        if (lines == 0) {
            return;
        }
        head = starts[first + lines - 1];
        served = Math.max(served, head);
        first += lines;
        startCount -= lines;
        keptLine += lines;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (served == kept.length() && !readMore()) {
            return -1;
        }
        int end = Math.min(kept.length(), served + len);
        // Up to the next line break: the parser then holds no more than the row it is reading.
        int found = Arrays.binarySearch(starts, first, first + startCount, served);
        int next = found >= 0 ? found + 1 : -found - 1;
        if (next < first + startCount) {
            end = Math.min(end, starts[next]);
        }
        kept.getChars(served, end, buf, off);
        int n = end - served;
        served = end;
        if (served - head > CsvReader.MAX_ROW_CHARS) {
            throw new RowTooLong();
        }
        return n;
    }

    /** Appends the next characters of the input to {@link #kept}; false at its end. */
    private boolean readMore() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(chunk, 0, chunk.length);
        if (n < 0) {
            eof = true;
            return false;
        }
        compact();
        int from = 0;
        if (!started && n > 0) {
            started = true;
            from = chunk[0] == '\uFEFF' ? 1 : 0;
        }
        for (int i = from; i < n; i++) {
            char c = chunk[i];
            int after = kept.length() + i - from + 1;
            if (c == '\r' || c == '\n' && !lastCr) {
                addStart(after);
            } else if (c == '\n') { // the LF of a CRLF: the line starts after it
                if (startCount > 0) {
                    starts[first + startCount - 1] = after;
                } else {
                    head = after;
                    served = Math.max(served, head);
                }
            }
            lastCr = c == '\r';
        }
        kept.append(chunk, from, n - from);
        return true;
    }

    /** Forgets the dropped characters once they are most of the buffer (so each is moved a bounded number of times). */
    private void compact() {
        if (head < chunk.length || head < kept.length() / 2) {
            return;
        }
        kept.delete(0, head);
        for (int i = 0; i < startCount; i++) {
            starts[i] = starts[first + i] - head;
        }
        first = 0;
        served -= head;
        head = 0;
    }

    private void addStart(int at) {
        if (first + startCount == starts.length) {
            starts = startCount * 2 < starts.length ? starts : Arrays.copyOf(starts, 2 * starts.length);
            System.arraycopy(starts, first, starts, 0, startCount);
            first = 0;
        }
        starts[first + startCount++] = at;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
