package dev.jclip.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Image-caption pairs from a CSV file: two columns {@code image_path,caption}
 * (RFC 4180 quoting, so captions may hold commas, quotes and line breaks), image
 * paths relative to the CSV's folder, an optional header row {@code image_path,caption}.
 */
final class CsvPairs {
    /** One pair: an image file and its caption. */
    record Pair(Path image, String caption) {}

    private CsvPairs() {}

    /** Reads and checks every row (two fields, an existing image file) before any training starts. */
    static List<Pair> read(Path csv) throws IOException {
        String text = Files.readString(csv, StandardCharsets.UTF_8);
        Path base = csv.toAbsolutePath().getParent();
        List<Pair> pairs = new ArrayList<>();
        List<List<String>> rows = parse(text, csv);
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (r == 0 && row.size() == 2 && row.get(0).strip().equals("image_path")) {
                continue; // header
            }
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue; // empty line
            }
            String where = csv + " row " + (r + 1);
            if (row.size() != 2) {
                throw new IllegalArgumentException(where + ": expected 2 fields (image_path,caption), found " + row.size()
                        + " (quote captions that contain commas)");
            }
            Path image = base.resolve(row.get(0).strip());
            if (!Files.isRegularFile(image)) {
                throw new IllegalArgumentException(where + ": image " + image + " does not exist");
            }
            pairs.add(new Pair(image, row.get(1)));
        }
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException(csv + " holds no image_path,caption rows");
        }
        return pairs;
    }

    /** RFC 4180 records: fields split by commas, quoted fields may hold commas, {@code ""} and line breaks. */
    static List<List<String>> parse(String text, Path source) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false, wasQuoted = false;
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    line += c == '\n' ? 1 : 0;
                    field.append(c);
                }
            } else if (c == '"' && field.isEmpty() && !wasQuoted) {
                quoted = wasQuoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(field.toString());
                rows.add(row);
                row = new ArrayList<>();
                field.setLength(0);
                wasQuoted = false;
                line++;
            } else if (wasQuoted) {
                throw new IllegalArgumentException(source + " line " + line + ": text after a closing quote");
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException(source + ": a quoted field is not closed at the end of the file");
        }
        if (!field.isEmpty() || !row.isEmpty() || wasQuoted) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
