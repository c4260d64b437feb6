package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

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
        assertEquals("t.csv line 2: unexpected 'y' after a closing quote (quotes inside a field must be doubled)", after.getMessage());
        IllegalArgumentException open = assertThrows(IllegalArgumentException.class, () -> parse("a,b\nc,\"never\nclosed\n", ','));
        assertEquals("t.csv line 2: quoted field never closed", open.getMessage());
    }

    @Test
    void longFieldsCrossTheReadBuffer() throws IOException {
        String big = "w".repeat(100_000);
        assertEquals(List.of(List.of(big, "x,\"" + big), List.of("y", "z")), parse(big + ",\"x,\"\"" + big + "\"\ny,z\n", ','));
    }
}
