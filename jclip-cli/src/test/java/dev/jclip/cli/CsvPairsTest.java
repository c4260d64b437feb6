package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvPairsTest {
    @TempDir
    Path dir;

    @Test
    void quotedFieldsHoldCommasQuotesAndLineBreaks() {
        String csv = "a.png,plain\r\nb.png,\"with, comma\"\n\"c d.png\",\"say \"\"hi\"\"\nsecond line\"\n";
        assertEquals(List.of(List.of("a.png", "plain"), List.of("b.png", "with, comma"),
                List.of("c d.png", "say \"hi\"\nsecond line")), CsvPairs.parse(csv, dir.resolve("x.csv")));
        assertEquals(List.of(List.of("a", "b")), CsvPairs.parse("a,b", dir.resolve("x.csv")), "no final newline");
    }

    @Test
    void readsPathsRelativeToTheCsvAndSkipsTheHeader() throws IOException {
        Files.createDirectory(dir.resolve("img"));
        Files.write(dir.resolve("img/1.png"), new byte[] {1});
        Path csv = dir.resolve("pairs.csv");
        Files.writeString(csv, "image_path,caption\nimg/1.png,a cat\n\n");
        assertEquals(List.of(new CsvPairs.Pair(dir.resolve("img/1.png"), "a cat")), CsvPairs.read(csv));
    }

    @Test
    void badRowsAreNamed() throws IOException {
        Files.write(dir.resolve("1.png"), new byte[] {1});
        Path csv = dir.resolve("pairs.csv");
        Files.writeString(csv, "1.png,a cat\n1.png,a dog, unquoted\n");
        var e = assertThrows(IllegalArgumentException.class, () -> CsvPairs.read(csv));
        assertTrue(e.getMessage().contains("row 2: expected 2 fields"), e.getMessage());

        Files.writeString(csv, "1.png,a cat\nmissing.png,a dog\n");
        e = assertThrows(IllegalArgumentException.class, () -> CsvPairs.read(csv));
        assertTrue(e.getMessage().contains("row 2: image " + dir.resolve("missing.png") + " does not exist"), e.getMessage());

        Files.writeString(csv, "1.png,\"open\n");
        e = assertThrows(IllegalArgumentException.class, () -> CsvPairs.read(csv));
        assertTrue(e.getMessage().contains("not closed"), e.getMessage());
    }
}
