package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {

    private static List<List<String>> parse(String text, char sep) throws IOException {
        CsvReader r = new CsvReader(new StringReader(text), "t.csv", sep);
        List<List<String>> out = new ArrayList<>();
        for (List<String> rec = r.next(); rec != null; rec = r.next()) {
            out.add(rec);
        }
        return out;
    }

    @Test
    void quotedFieldsHoldSeparatorsNewlinesAndQuotes() throws IOException {
        String text = "\uFEFFfilepath,title\r\n"
                + "a.jpg,plain caption\r\n"
                + "\"b, c.jpg\",\"a dog, a cat\"\n"
                + "d.jpg,\"she said \"\"hi\"\"\"\n"
                + "e.jpg,\"two\r\nlines\nthree\"\n"
                + "\n"
                + "f.jpg,,\n"
                + "g.jpg,\"\"\n"
                + "h.jpg,5\" tall\n"
                + "last.jpg,no final newline";
        assertEquals(List.of(
                List.of("filepath", "title"),
                List.of("a.jpg", "plain caption"),
                List.of("b, c.jpg", "a dog, a cat"),
                List.of("d.jpg", "she said \"hi\""),
                List.of("e.jpg", "two\r\nlines\nthree"),
                List.of("f.jpg", "", ""),
                List.of("g.jpg", ""),
                List.of("h.jpg", "5\" tall"),
                List.of("last.jpg", "no final newline")), parse(text, ','));
    }

    @Test
    void tabSeparatorAndRecordLines() throws IOException {
        CsvReader r = new CsvReader(new StringReader("a\tb,c\n\n\"x\ny\"\tz\nlast\t1\n"), "t.tsv", '\t');
        assertEquals(List.of("a", "b,c"), r.next());
        assertEquals(1, r.recordLine());
        assertEquals(List.of("x\ny", "z"), r.next());
        assertEquals(3, r.recordLine());
        assertEquals(List.of("last", "1"), r.next());
        assertEquals(5, r.recordLine());
        assertNull(r.next());
    }

    @Test
    void malformedQuotingNamesTheLine() {
        IllegalArgumentException after = assertThrows(IllegalArgumentException.class, () -> parse("a,b\n\"x\"y,z\n", ','));
        assertEquals("t.csv line 2: text after a closing quote (quotes inside a field must be doubled)", after.getMessage());
        IllegalArgumentException open = assertThrows(IllegalArgumentException.class, () -> parse("a,b\nc,\"never\nclosed\n", ','));
        assertEquals("t.csv line 2: quoted field never closed", open.getMessage());
    }

    @Test
    void readingResumesOnTheLineAfterAMalformedRow() throws IOException {
        // Row 3 opens a quote it never closes; row 5's quoted field closes it, then text follows.
        String text = "a,1\r\nb,2\r\nc,\"open\r\nd,4\r\ne,\"x\"\r\n\r\nf,\"two\nlines\"y\ng,7\n\"h\",8\rlast,9";
        CsvReader r = new CsvReader(new StringReader(text), "t.csv", ',');
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            try {
                List<String> row = r.next();
                if (row == null) {
                    break;
                }
                got.add(r.recordLine() + ":" + String.join("|", row));
            } catch (CsvReader.MalformedRowException e) {
                got.add(e.getMessage());
            }
        }
        assertEquals(List.of("1:a|1", "2:b|2",
                "t.csv line 3: text after a closing quote (quotes inside a field must be doubled)",
                "4:d|4", "5:e|x",
                "t.csv line 7: text after a closing quote (quotes inside a field must be doubled)",
                "8:lines\"y", "9:g|7", "10:h|8", "11:last|9"), got);
        assertNull(r.next());
    }

    @Test
    void aQuoteNeverClosedCostsOneRow() throws IOException {
        CsvReader r = new CsvReader(new StringReader("a,1\nb,\"open\nc,3\nd,4\n"), "t.csv", ',');
        assertEquals(List.of("a", "1"), r.next());
        CsvReader.MalformedRowException e = assertThrows(CsvReader.MalformedRowException.class, r::next);
        assertEquals("t.csv line 2: quoted field never closed", e.getMessage());
        assertEquals(2, e.line());
        assertEquals(List.of("c", "3"), r.next());
        assertEquals(3, r.recordLine());
        assertEquals(List.of("d", "4"), r.next());
        assertNull(r.next());
    }

    @Test
    void rowsLongerThanTheCapAreMalformedAndReadingResumesOnTheNextLine() throws IOException {
        int cap = CsvReader.MAX_ROW_CHARS;
        int n = cap / 1000 + 1; // lines of 1000 characters: just over the cap together
        String line = "y".repeat(999) + "\n";
        String big = "w".repeat(cap);
        String justFits = "ok," + "v".repeat(cap - 4); // cap characters with its line break
        String text = "\"" + line.repeat(n) + "\",1\n" + big + ",2\n" + justFits + "\nend,3";
        CsvReader r = new CsvReader(new StringReader(text), "t.csv", ',');
        List<String> problems = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        while (true) {
            try {
                List<String> row = r.next();
                if (row == null) {
                    break;
                }
                rows.add(row);
            } catch (CsvReader.MalformedRowException e) {
                problems.add(e.line() + ": " + e.problem());
            }
        }
        // Line 1 opens a field longer than the cap; from line 2 each line is a row until line n + 1 opens
        // another quote, which runs past the cap too; line n + 2 is a single line past it.
        String tooLong = "row longer than " + cap + " characters (a quote never closed?)";
        assertEquals(List.of("1: " + tooLong, (n + 1) + ": " + tooLong, (n + 2) + ": " + tooLong), problems);
        assertEquals(n + 1, rows.size());
        assertEquals(List.of("y".repeat(999)), rows.get(n - 2));
        assertEquals(List.of("ok", justFits.substring(3)), rows.get(n - 1));
        assertEquals(List.of("end", "3"), rows.get(n));
    }

    @Test
    void invalidUtf8NamesTheFileLineAndByte(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.csv");
        byte[] head = "a,1\r\nb,\"two\nlines\"\nc,caf".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = Arrays.copyOf(head, head.length + 3);
        bytes[head.length] = (byte) 0xE9; // Latin-1 'é'
        bytes[head.length + 1] = '\n';
        bytes[head.length + 2] = 'd';
        Files.write(file, bytes);
        try (CsvReader r = CsvReader.open(file, ',')) {
            assertEquals(List.of("a", "1"), r.next());
            assertEquals(List.of("b", "two\nlines"), r.next());
            Utf8Reader.InvalidUtf8Exception e = assertThrows(Utf8Reader.InvalidUtf8Exception.class, r::next);
            assertEquals(file + " line 4 (byte " + head.length + "): invalid UTF-8; text files must be UTF-8", e.getMessage());
        }
    }

    @Test
    void longFieldsCrossTheReadBuffer() throws IOException {
        String big = "w".repeat(100_000);
        assertEquals(List.of(List.of(big, "x,\"" + big), List.of("y", "z")), parse(big + ",\"x,\"\"" + big + "\"\ny,z\n", ','));
    }
}
