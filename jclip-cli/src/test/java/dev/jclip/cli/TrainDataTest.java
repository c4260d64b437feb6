package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.data.DataError;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.train.Batch;
import dev.jclip.train.ExampleBatches;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainDataTest {
    private static final ClipTokenizer BYTES = ClipTokenizer.fromMerges(List.of());
    private static final Path IMAGE = Shared.path("fixtures/preprocess/tiny_target_97x64.png");

    @TempDir
    Path dir;

    private final List<DataError> errors = new ArrayList<>();

    private TrainData.Opened open(int batchSize, String... args) throws IOException {
        TrainData data = CommandLine.populateCommand(new TrainData(), args);
        return data.open(new ExampleBatches.Settings(batchSize, 1, BYTES, 64, 16, false, 2, errors::add));
    }

    /** The captions of the first epoch's batches, decoded back from their tokens. */
    private static Set<String> captions(TrainData.Opened data) {
        Set<String> out = new TreeSet<>();
        try (ExampleBatches b = data.batches()) {
            b.batches(0, 0).forEachRemaining((Batch batch) -> {
                for (int[] row : batch.tokens()) {
                    int end = 1;
                    while (row[end] != BYTES.endId()) {
                        end++;
                    }
                    out.add(BYTES.decode(Arrays.copyOfRange(row, 1, end)).strip());
                }
            });
        }
        return out;
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    @RequiresShared
    void csvHeadersAreDetectedOrNamed() throws IOException {
        Path plain = write("plain.csv", "image_path,caption\n" + IMAGE + ",one\n" + IMAGE + ",\"two quoted\"\n");
        assertEquals(Set.of("one", "two quoted"), captions(open(2, "--data", plain.toString())), "the header row is no pair");

        Path openClip = write("oc.tsv", "title\tfilepath\nthree\t" + IMAGE + "\nfour\t" + IMAGE + "\n");
        assertEquals(Set.of("three", "four"), captions(open(2, "--data", openClip.toString())), "tab for .tsv, OpenCLIP's columns");

        Path headerless = write("none.csv", IMAGE + ";five\n" + IMAGE + ";six\n");
        assertEquals(Set.of("five", "six"), captions(open(2, "--data", headerless.toString(), "--csv-separator", ";")));

        Path named = write("named.csv", "x,img,text\n1," + IMAGE + ",seven\n2," + IMAGE + ",eight\n");
        assertEquals(Set.of("seven", "eight"), captions(open(2, "--data", named.toString(), "--csv-img-key", "img",
                "--csv-caption-key", "text")));
        assertEquals(List.of(), errors);
    }

    @Test
    @RequiresShared
    void missingImagesAreReportedAndLeftOut() throws IOException {
        Path csv = write("pairs.csv", IMAGE + ",kept\nmissing.png,gone\n" + IMAGE + ",also kept\n");
        TrainData.Opened data = open(2, "--data", csv.toString());
        assertEquals(2, data.pairs());
        assertEquals(List.of(csv + " line 2: missing image file " + dir.resolve("missing.png")),
                errors.stream().map(DataError::toString).toList());
        assertEquals(Set.of("kept", "also kept"), captions(data));
    }

    @Test
    @RequiresShared
    void foldersFashionMnistAndShapes() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("pics/sub"));
        Files.copy(IMAGE, folder.resolve("a.png"));
        Files.writeString(folder.resolve("a.txt"), " a target \n");
        Files.copy(IMAGE, dir.resolve("pics/b.png"));
        Files.writeString(dir.resolve("pics/b.txt"), "another");
        assertEquals(Set.of("a target", "another"), captions(open(2, "--data", dir.resolve("pics").toString())));

        // Three 2x2 Fashion-MNIST images with labels 9, 1, 9: captions name their class.
        Path mnist = Files.createDirectories(dir.resolve("mnist"));
        Files.write(mnist.resolve("train-images-idx3-ubyte"), ByteBuffer.allocate(28).putInt(0x0803).putInt(3).putInt(2).putInt(2)
                .put(new byte[12]).array());
        Files.write(mnist.resolve("train-labels-idx1-ubyte"), ByteBuffer.allocate(11).putInt(0x0801).putInt(3)
                .put(new byte[] {9, 1, 9}).array());
        TrainData.Opened fashion = open(3, "--data", "fashion-mnist:" + mnist);
        assertEquals(3, fashion.pairs());
        Set<String> c = captions(fashion);
        assertTrue(c.stream().anyMatch(s -> s.contains("an ankle boot")) && c.stream().anyMatch(s -> s.contains("a pair of trousers")),
                c::toString);

        TrainData.Opened shapes = open(4, "--data", "shapes:10");
        assertEquals(10, shapes.pairs());
        assertEquals(2, shapes.batches().batchesPerEpoch());
    }

    @Test
    void misusedOptionsAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> open(2, "--data", "shapes", "--shuffle-buffer", "10"));
        assertEquals("--shuffle-buffer and --train-num-samples are for tar shards", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> open(2, "--data", "a.tar::shapes"));
        assertTrue(e.getMessage().startsWith("--data shapes: several --data values must all be tar shards"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> open(2, "--data", dir.resolve("nothing.csv").toString()));
        assertTrue(e.getMessage().startsWith("--data " + dir.resolve("nothing.csv") + ": no such file or folder"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> open(2, "--data", "shapes:0"));
        assertTrue(e.getMessage().contains("expected a count"), e.getMessage());
    }
}
