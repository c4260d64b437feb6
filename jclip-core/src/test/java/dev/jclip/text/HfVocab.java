package dev.jclip.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small Hugging Face CLIP vocabularies ({@code vocab.json}, {@code merges.txt}) for tests. */
public final class HfVocab {
    private HfVocab() {}

    /**
     * GPT-2's byte-to-symbol table as CLIP uses it, in CLIP's vocabulary order: the printable bytes
     * as themselves, then the others as U+0100 onwards.
     */
    public static List<String> byteSymbols() {
        List<String> printable = new ArrayList<>();
        List<String> others = new ArrayList<>();
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE)) {
                printable.add(String.valueOf((char) b));
            } else {
                others.add(String.valueOf((char) next++));
            }
        }
        printable.addAll(others);
        return printable;
    }

    /**
     * Writes into {@code dir} a vocabulary with the start token (id 0), the end token (id 1 when
     * {@code withEnd}), the results of {@code mergeLines} ("a b" each), then every byte symbol alone
     * and with {@code </w>}; returns {@code dir}.
     */
    public static Path write(Path dir, List<String> mergeLines, boolean withEnd) throws IOException {
        StringBuilder json = new StringBuilder("{\"<|startoftext|>\": 0");
        int id = 1;
        if (withEnd) {
            json.append(", \"<|endoftext|>\": ").append(id++);
        }
        for (String m : mergeLines) {
            json.append(", \"").append(m.replace(" ", "")).append("\": ").append(id++);
        }
        for (String s : byteSymbols()) {
            String escaped = s.equals("\"") || s.equals("\\") ? "\\" + s : s;
            json.append(", \"").append(escaped).append("\": ").append(id++);
            json.append(", \"").append(escaped).append("</w>\": ").append(id++);
        }
        Files.writeString(dir.resolve("vocab.json"), json.append("}"), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", mergeLines) + "\n", StandardCharsets.UTF_8);
        return dir;
    }
}
