package dev.jclip.cli;

import dev.jclip.image.ImageExtensions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The image files named on a command line: files as given, folders walked recursively in sorted order. */
final class ImageFiles {
    private ImageFiles() {}

    /**
     * Every image under {@code paths}: a folder gives its files with an image extension ({@link ImageExtensions}, any case),
     * recursively, sorted by path; a file is taken as it is (a bad one is reported when decoded).
     */
    static List<Path> list(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(f -> Files.isRegularFile(f) && ImageExtensions.matches(f.getFileName().toString()))
                            .sorted(Comparator.comparing(Path::toString))
                            .forEach(out::add);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }
}
