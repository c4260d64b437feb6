package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest {
    @TempDir
    Path dir;

    private static List<Example> all(ImageTextSource s, List<DataError> errors) {
        try (Stream<Example> st = s.examples(7, errors::add)) {
            return st.toList();
        }
    }

    private Path touch(String rel) throws IOException {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        return Files.write(p, new byte[] {1});
    }

    @Test
    void openClipHeaderRelativePathsAndMissingFiles() throws IOException {
        touch("data/img/a, b.jpg");
        touch("data/img/c.jpg");
        Path abs = touch("elsewhere/d.png");
        Path csv = Files.writeString(dir.resolve("data/train.csv"), "id,title,filepath\n"
                + "1,\"a caption, with a comma\",\"img/a, b.jpg\"\n"
                + "2,\"multi\nline \"\"quoted\"\"\",img/c.jpg\n"
                + "3,gone,img/missing.jpg\n"
                + "4,short\n"
                + "5,absolute," + abs + "\n"
                + "6,empty path,\n");
        List<DataError> errors = new ArrayList<>();
        List<Example> xs = all(CsvSource.openClip(csv, ',').skippingBadRows(), errors);

        assertEquals(List.of("img/a, b.jpg", "img/c.jpg", abs.toString()), xs.stream().map(Example::key).toList());
        assertEquals(List.of("a caption, with a comma", "multi\nline \"quoted\"", "absolute"), xs.stream().map(Example::caption).toList());
        assertEquals(dir.resolve("data/img/a, b.jpg").toAbsolutePath(), ((ExampleImage.FromFile) xs.get(0).image()).path());
        assertEquals(abs, ((ExampleImage.FromFile) xs.get(2).image()).path());
        assertEquals(-1, xs.get(0).label());

        assertEquals(List.of(
                csv + " line 5: missing image file " + dir.resolve("data/img/missing.jpg").toAbsolutePath(),
                csv + " line 6: expected at least 3 fields, got 2",
                csv + " line 8: empty image path"), errors.stream().map(DataError::toString).toList());

        // By default the short row stops the data, naming it.
        CsvReader.MalformedRowException e = assertThrows(CsvReader.MalformedRowException.class,
                () -> all(CsvSource.openClip(csv, ','), new ArrayList<>()));
        assertEquals(csv + " line 6: expected at least 3 fields, got 2", e.getMessage());
    }

    @Test
    void headerlessTsvAndCustomColumns() throws IOException {
        touch("x.jpg");
        Path tsv = Files.writeString(dir.resolve("pairs.tsv"), "x.jpg\ta photo, of x\nx.jpg\ta photo\tof x\nx.jpg\n");
        List<DataError> errors = new ArrayList<>();
        assertEquals(List.of("a photo, of x"),
                all(CsvSource.headerless(tsv, '\t').skippingBadRows(), errors).stream().map(Example::caption).toList());
        assertEquals(List.of(tsv + " line 2: expected 2 fields (image path, caption), got 3 (quote a caption that holds the separator)",
                tsv + " line 3: expected 2 fields (image path, caption), got 1"), errors.stream().map(DataError::toString).toList());

        Path csv = Files.writeString(dir.resolve("custom.csv"), "image;text\nx.jpg;custom columns\n");
        assertEquals(List.of("custom columns"),
                all(CsvSource.withHeader(csv, ';', "image", "text"), new ArrayList<>()).stream().map(Example::caption).toList());
    }

    @Test
    void missingColumnOrMalformedFileIsClear() throws IOException {
        Path csv = Files.writeString(dir.resolve("bad.csv"), "path\ttitle\nx.jpg\tcaption\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvSource.openClip(csv, ',').examples(0));
        assertEquals(csv + ": the header [path\ttitle] lacks column 'filepath' (separator ',')", e.getMessage());

        touch("ok.jpg");
        Path broken = Files.writeString(dir.resolve("broken.csv"),
                "ok.jpg,fine\nok.jpg,\"bad\"quote\nok.jpg,read on\nok.jpg,\"never closed\nok.jpg,last\n");
        List<DataError> errors = new ArrayList<>();
        assertEquals(List.of("fine", "read on", "last"),
                all(CsvSource.headerless(broken, ',').skippingBadRows(), errors).stream().map(Example::caption).toList());
        assertEquals(List.of(broken + " line 2: text after a closing quote (quotes inside a field must be doubled)",
                broken + " line 4: quoted field never closed"), errors.stream().map(DataError::toString).toList());

        CsvReader.MalformedRowException stopped = assertThrows(CsvReader.MalformedRowException.class, () -> {
            try (Stream<Example> s = CsvSource.headerless(broken, ',').examples(0)) {
                s.forEach(x -> { });
            }
        });
        assertEquals(2, stopped.line());
    }
}
