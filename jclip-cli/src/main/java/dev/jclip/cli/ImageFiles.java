package dev.jclip.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** The image files named on a command line: files as given, folders walked recursively in sorted order. */
final class ImageFiles {
    /** Extensions of the formats the decoder reads, looked for in folders. */
    static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp");

    private ImageFiles() {}

    /**
     * Every image under {@code paths}: a folder gives its files with an image extension (any case),
     * recursively, sorted by path; a file is taken as it is (a bad one is reported when decoded).
     */
    static List<Path> list(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(f -> Files.isRegularFile(f) && isImage(f))
                            .sorted(Comparator.comparing(Path::toString))
                            .forEach(out::add);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    static boolean isImage(Path f) {
        String name = f.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
