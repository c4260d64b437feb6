package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.api.ClipModel;
import dev.jclip.compute.Gelu;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.RequiresShared;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jclip embed}: the .npy rows are the library's embeddings of the .txt items, in walk order; bad images skipped. */
class EmbedCommandTest {
    @TempDir
    Path dir;

    @Test
    @RequiresShared
    void imagesOfFoldersInSortedOrderWithBadOnesSkipped() throws IOException {
        Path photos = dir.resolve("photos");
        Path b = Cli.png(photos.resolve("b.png"), 1);
        Path ax = Cli.png(photos.resolve("a/x.PNG"), 2);
        Path bad = Cli.bad(photos.resolve("a/broken.png"));
        Files.writeString(photos.resolve("notes.txt"), "not listed");
        Path single = Cli.png(dir.resolve("single.png"), 3);
        Path out = dir.resolve("emb.npy");

        Cli r = Cli.run("embed", "--model", Cli.VIT.toString(), "--batch", "2", "--images", photos.toString(), single.toString(),
                "--output", out.toString());

        assertEquals(1, r.code, r.err);
        assertTrue(r.err.contains("jclip embed: skipped " + bad + ": "), r.err);
        assertTrue(r.out.contains("embedded 3 images into " + out + " [3,64] and " + dir.resolve("emb.txt") + "; 1 failed"), r.out);
        List<Path> expected = List.of(ax, b, single);
        assertEquals(expected.stream().map(Path::toString).toList(), Files.readAllLines(dir.resolve("emb.txt")));
        Tensor npy = Npy.read(out);
        assertArrayEquals(new int[] {3, 64}, npy.shape());
        ClipModel model = ClipModel.load(Cli.VIT);
        for (int i = 0; i < 3; i++) {
            float[] row = Arrays.copyOfRange(npy.data(), i * 64, (i + 1) * 64);
            assertArrayEquals(model.embedImage(expected.get(i)), row, 1e-6f, "row " + i);
            assertEquals(1.0, Cli.dot(row, row), 1e-5);
        }
    }

    @Test
    @RequiresShared
    void textsLineByLine() throws IOException {
        Path texts = Files.writeString(dir.resolve("texts.txt"), "a photo of a cat\n\n  \na dog, running\n");
        Path out = dir.resolve("t.npy");
        Cli r = Cli.run("embed", "--model", Cli.VIT.toString(), "--vocab", Cli.VOCAB.toString(), "--texts", texts.toString(),
                "--output", out.toString());
        assertEquals(0, r.code, r.err);
        assertEquals(List.of("a photo of a cat", "a dog, running"), Files.readAllLines(dir.resolve("t.txt")));
        Tensor npy = Npy.read(out);
        assertArrayEquals(new int[] {2, 64}, npy.shape());
        ClipModel model = ClipModel.load(Cli.VIT, Cli.VOCAB);
        assertArrayEquals(model.embedText("a photo of a cat"), Arrays.copyOfRange(npy.data(), 0, 64), 1e-6f);
        assertArrayEquals(model.embedText("a dog, running"), Arrays.copyOfRange(npy.data(), 64, 128), 1e-6f);
    }

    @Test
    @RequiresShared
    void activationOverridesTheAssumedOne() throws IOException {
        Path image = Cli.png(dir.resolve("p.png"), 4);
        Path quick = dir.resolve("quick.npy"), gelu = dir.resolve("gelu.npy");
        assertEquals(0, Cli.run("embed", "--model", Cli.VIT.toString(), "--images", image.toString(), "--output", quick.toString()).code);
        Cli r = Cli.run("embed", "--model", Cli.VIT.toString(), "--activation", "gelu", "--images", image.toString(),
                "--output", gelu.toString());
        assertEquals(0, r.code, r.err);
        assertArrayEquals(ClipModel.load(Cli.VIT, null, Gelu.ERF).embedImage(image), Npy.read(gelu).data(), 1e-6f);
        assertArrayEquals(ClipModel.load(Cli.VIT).embedImage(image), Npy.read(quick).data(), 1e-6f);
        assertFalse(Arrays.equals(Npy.read(quick).data(), Npy.read(gelu).data()));
        Cli bad = Cli.run("embed", "--model", Cli.VIT.toString(), "--activation", "relu", "--images", image.toString(),
                "--output", gelu.toString());
        assertEquals(2, bad.code);
        assertTrue(bad.err.contains("unknown activation 'relu': use quick_gelu, gelu or gelu_tanh"), bad.err);
    }

    @Test
    @RequiresShared
    void userErrors() throws IOException {
        Path texts = Files.writeString(dir.resolve("texts.txt"), "a cat\n");
        Cli noVocab = Cli.run("embed", "--model", Cli.VIT.toString(), "--texts", texts.toString(), "--output", dir.resolve("x.npy").toString());
        assertEquals(1, noVocab.code);
        assertTrue(noVocab.err.startsWith("jclip: no tokenizer for model "), noVocab.err);
        assertTrue(noVocab.err.contains("(--vocab)"), noVocab.err);

        Cli notNpy = Cli.run("embed", "--model", Cli.VIT.toString(), "--images", dir.toString(), "--output", dir.resolve("x.bin").toString());
        assertEquals(1, notNpy.code);
        assertTrue(notNpy.err.contains("--output must be a file name ending in .npy"), notNpy.err);

        Path latin1 = Files.write(dir.resolve("latin1.txt"), "a cat\nun caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        Cli notUtf8 = Cli.run("embed", "--model", Cli.VIT.toString(), "--vocab", Cli.VOCAB.toString(), "--texts", latin1.toString(),
                "--output", dir.resolve("t.npy").toString());
        assertEquals(1, notUtf8.code);
        assertEquals("jclip: " + latin1 + " line 2 (byte 12): invalid UTF-8; text files must be UTF-8\n", notUtf8.err);
        assertFalse(Files.exists(dir.resolve("t.npy")));

        Path bad = Cli.bad(dir.resolve("only.jpg"));
        Cli allBad = Cli.run("embed", "--model", Cli.VIT.toString(), "--images", bad.toString(), "--output", dir.resolve("y.npy").toString());
        assertEquals(1, allBad.code);
        assertTrue(allBad.err.contains("nothing could be embedded (1 failed)"), allBad.err);
        assertFalse(Files.exists(dir.resolve("y.npy")));

        Cli noSuchTag = Cli.run("embed", "--model", "ViT-B-32", "--pretrained", "laion5b", "--images", dir.toString(),
                "--output", dir.resolve("z.npy").toString());
        assertEquals(1, noSuchTag.code);
        assertTrue(noSuchTag.err.contains("'laion5b' is not a pretrained tag of ViT-B-32; its tags: openai, "), noSuchTag.err);

        Cli neither = Cli.run("embed", "--model", dir.resolve("missing").toString(), "--images", dir.toString(),
                "--output", dir.resolve("z.npy").toString());
        assertEquals(1, neither.code);
        assertTrue(neither.err.contains("no model file or folder at " + dir.resolve("missing") + ", and it is not a hub name"),
                neither.err);
    }

    @Test
    void progressLine() {
        assertEquals("[===============>              ] 50/100 25.0 items/s ETA 0:02", Progress.line(50, 100, 0, "items", 2_000_000_000L, ""));
        assertEquals("[==============================] 100/100 10.0 items/s", Progress.line(100, 100, 0, "items", 10_000_000_000L, ""));
        // a resumed run: the rate counts only this run's 10 steps in 5 s, the ETA the 40 left at 2 steps/s
        assertEquals("[==================>           ] 60/100 2.0 steps/s ETA 0:20 loss 0.5000",
                Progress.line(60, 100, 50, "steps", 5_000_000_000L, "loss 0.5000"));
        assertEquals("[>                             ] 1/100000 0.1 steps/s ETA 277:46:30", Progress.line(1, 100_000, 0, "steps", 10_000_000_000L, ""));
    }
}
