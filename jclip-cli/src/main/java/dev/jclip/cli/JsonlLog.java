package dev.jclip.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The training log, one JSON object per step and line. A resumed run first
 * drops the lines of steps after its checkpoint (the interrupted run's steps
 * that are about to be redone), so the file reads as one uninterrupted run.
 */
final class JsonlLog implements AutoCloseable {
    private static final Pattern STEP = Pattern.compile("^\\{\"step\":(\\d+)");
    private final BufferedWriter out;

    JsonlLog(Path file, long keepUpToStep) throws IOException {
        if (Files.exists(file)) {
            List<String> kept = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> {
                Matcher m = STEP.matcher(line);
                return m.find() && Long.parseLong(m.group(1)) <= keepUpToStep;
            }).toList();
            Files.write(file, kept, StandardCharsets.UTF_8);
        }
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    void write(String json) {
        try {
            out.write(json);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training log", e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
