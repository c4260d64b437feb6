package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fuzzes {@link CsvReader} with any text, reading on after each malformed row: a row is refused
 * with an {@link IllegalArgumentException} naming the file and a line of the text; rows start on
 * lines of the text, in order; the reader reaches the end, each row consuming input.
 */
class CsvReaderFuzzTest {
    private static final String NAME = "fuzz.csv";
    private static final Pattern ERROR = Pattern.compile(Pattern.quote(NAME) + " line (\\d+): .+", Pattern.DOTALL);

    @FuzzTest
    void read(byte[] input) throws IOException {
        String text = new String(input, StandardCharsets.UTF_8);
        // A line per LF, CRLF or lone CR, plus the last line.
        long lines = text.replace("\r\n", "\n").chars().filter(c -> c == '\n' || c == '\r').count() + 1;
        try (CsvReader reader = new CsvReader(new StringReader(text), NAME, input.length > 0 && input[0] == '\t' ? '\t' : ',')) {
            long lastLine = 0;
            for (int rows = 0; ; rows++) {
                assertTrue(rows <= text.length(), "more rows than characters");
                List<String> row;
                try {
                    row = reader.next();
                } catch (IllegalArgumentException e) {
                    Matcher m = ERROR.matcher(e.getMessage());
                    assertTrue(m.matches(), e.getMessage());
                    long line = Long.parseLong(m.group(1));
                    assertTrue(line >= 1 && line <= lines, e.getMessage() + " (the text has " + lines + " lines)");
                    continue;
                }
                if (row == null) {
                    return;
                }
                assertTrue(!row.isEmpty() && reader.recordLine() > lastLine && reader.recordLine() <= lines,
                        "row " + row + " at line " + reader.recordLine() + " after line " + lastLine + " of " + lines);
                lastLine = reader.recordLine();
            }
        }
    }
}
