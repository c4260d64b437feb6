package dev.jclip.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a UTF-8 text file strictly: bytes that are not UTF-8 throw an {@link InvalidUtf8Exception}
 * naming the file, the line and the byte offset (never replaced, so no text changes silently). A
 * leading byte-order mark is dropped. Lines end at LF, CRLF or a lone CR. Every text input of the
 * command line and the CSV reader read files through this class.
 */
public final class Utf8Reader extends Reader {
    private static final int BUFFER = 1 << 16;

    private final InputStream in;
    private final String name;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER).flip();
    private final CharBuffer chars = CharBuffer.allocate(BUFFER).flip();
    /** The file offset of {@code bytes}' first byte. */
    private long bytesBase;
    /** The line of the next character decoded (1-based). */
    private long decodedLine = 1;
    private boolean lastDecodedCr;
    /** The characters of the char buffer whose line breaks are counted. */
    private int counted;
    private boolean eof;
    private boolean flushed;
    private boolean started;
    private InvalidUtf8Exception invalid;

    /** Invalid UTF-8 in a text file, with where it is. */
    public static final class InvalidUtf8Exception extends IOException {
        private final long line;
        private final long byteOffset;

        InvalidUtf8Exception(String file, long line, long byteOffset, boolean truncated) {
            super(file + " line " + line + " (byte " + byteOffset + "): " + (truncated ? "the file ends inside a UTF-8 sequence"
                    : "invalid UTF-8") + "; text files must be UTF-8");
            this.line = line;
            this.byteOffset = byteOffset;
        }

        /** The line (1-based) holding the invalid bytes. */
        public long line() {
            return line;
        }

        /** The offset in the file of the first invalid byte. */
        public long byteOffset() {
            return byteOffset;
        }
    }

    /** Decodes {@code in}; {@code name} (the file) is used in errors. */
    public Utf8Reader(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    /** Opens {@code file}. */
    public static Utf8Reader open(Path file) throws IOException {
        return new Utf8Reader(Files.newInputStream(file), file.toString());
    }

    /** All lines of {@code file}, without their line breaks. */
    public static List<String> readLines(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Utf8Reader r = open(file)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The whole text of {@code file}. */
    public static String readString(Path file) throws IOException {
        StringWriter text = new StringWriter();
        try (Utf8Reader r = open(file)) {
            r.transferTo(text);
        }
        return text.toString();
    }

    /** The next line without its line break, or null at the end of the file. */
    public String readLine() throws IOException {
        if (!ensureChars()) {
            return null;
        }
        StringBuilder line = new StringBuilder();
        while (ensureChars()) {
            char c = chars.get();
            if (c == '\n') {
                return line.toString();
            }
            if (c == '\r') {
                if (ensureChars() && chars.get(chars.position()) == '\n') {
                    chars.get();
                }
                return line.toString();
            }
            line.append(c);
        }
        return line.toString();
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!ensureChars()) {
            return -1;
        }
        int n = Math.min(len, chars.remaining());
        chars.get(buf, off, n);
        return n;
    }

    /** True when a decoded character is ready, decoding more input if needed. */
    private boolean ensureChars() throws IOException {
        while (!chars.hasRemaining()) {
            if (flushed) {
                return false;
            }
            decode();
        }
        if (!started) {
            started = true;
            if (chars.get(chars.position()) == '\uFEFF') {
                chars.get();
                return ensureChars();
            }
        }
        return true;
    }

    /** Decodes what the byte buffer holds (reading more when it holds no whole character) into the emptied char buffer. */
    private void decode() throws IOException {
        if (invalid != null) {
            throw invalid;
        }
        chars.clear();
        counted = 0;
        try {
            while (chars.position() == 0 && !flushed) {
                if (!bytes.hasRemaining() && !eof) {
                    fillBytes();
                }
                CoderResult r = decoder.decode(bytes, chars, eof);
                countLines();
                if (r.isError()) {
                    // The text before the invalid bytes is read first: the error comes where they are.
                    invalid = new InvalidUtf8Exception(name, decodedLine, bytesBase + bytes.position(),
                            eof && bytes.position() + r.length() >= bytes.limit());
                    if (chars.position() == 0) {
                        throw invalid;
                    }
                    return;
                }
                if (r.isUnderflow()) {
                    if (eof) {
                        decoder.flush(chars);
                        flushed = true;
                    } else if (chars.position() == 0) {
                        fillBytes();
                    }
                }
            }
        } finally {
            chars.flip();
        }
    }

    /** Keeps the undecoded tail of the byte buffer and reads more after it. */
    private void fillBytes() throws IOException {
        bytesBase += bytes.position();
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
            eof = true;
        } else {
            bytes.position(bytes.position() + n);
        }
        bytes.flip();
    }

    /** Counts the line breaks among the characters decoded since the last count. */
    private void countLines() {
        for (int i = counted; i < chars.position(); i++) {
            char c = chars.get(i);
            if (c == '\r' || c == '\n' && !lastDecodedCr) {
                decodedLine++;
            }
            lastDecodedCr = c == '\r';
        }
        counted = chars.position();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
