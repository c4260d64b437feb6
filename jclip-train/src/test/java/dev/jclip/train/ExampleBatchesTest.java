package dev.jclip.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.data.DataError;
import dev.jclip.data.Example;
import dev.jclip.data.ExampleImage;
import dev.jclip.data.ImageTextSource;
import dev.jclip.io.SafeTensors;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import dev.jclip.text.ClipTokenizer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ExampleBatchesTest {
    private static final ClipTokenizer BYTES = ClipTokenizer.fromMerges(List.of());
    private final List<DataError> errors = new ArrayList<>();

    private ExampleBatches.Settings settings(int batchSize, int size, boolean augment, int threads) {
        return new ExampleBatches.Settings(batchSize, 11, BYTES, 6, size, augment, threads, errors::add);
    }

    /** Example {@code i}: a 20x14 PNG of random pixels, caption "c{i}"; {@code bad} ones hold bytes that are no image. */
    private static Example example(int i, boolean bad) {
        byte[] bytes = new byte[] {'n', 'o', 'p', 'e'};
        if (!bad) {
            SplittableRandom rng = new SplittableRandom(i);
            BufferedImage img = new BufferedImage(20, 14, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 14; y++) {
                for (int x = 0; x < 20; x++) {
                    img.setRGB(x, y, rng.nextInt(1 << 24));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ImageIO.write(img, "png", out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bytes = out.toByteArray();
        }
        return new Example("s" + i, new ExampleImage.Encoded(bytes, "s" + i + ".png"), "c" + i, Example.NO_LABEL);
    }

    /** 14 examples read front to back, example {@code bad} undecodable (-1: none). */
    private static ImageTextSource stream(int bad) {
        return (seed, errors) -> IntStream.range(0, 14).mapToObj(i -> example(i, i == bad));
    }

    private static List<Batch> all(Iterator<Batch> it) {
        List<Batch> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static void assertSameBatches(List<Batch> want, List<Batch> got) {
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertArrayEquals(want.get(i).images().data(), got.get(i).images().data(), 0f, "batch " + i);
            assertArrayEquals(want.get(i).tokens(), got.get(i).tokens(), "batch " + i);
        }
    }

    @Test
    @RequiresShared
    void centerCropsMatchThePillowReferenceInTheShuffledOrder() throws IOException {
        String[] names = {"landscape_640x480", "portrait_480x640", "gray_320x240"};
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            examples.add(new Example(names[i], new ExampleImage.FromFile(Shared.path("fixtures/preprocess/" + names[i] + ".png")),
                    "c" + i, Example.NO_LABEL));
        }
        try (ExampleBatches data = ExampleBatches.shuffled(examples::get, 3, settings(3, 224, false, 2));
             SafeTensors st = SafeTensors.open(Shared.path("fixtures/preprocess/expected.safetensors"))) {
            List<Batch> epoch = all(data.batches(4, 0));
            assertEquals(1, epoch.size());
            Batch b = epoch.getFirst();
            int[] perm = ShuffledBatches.permutation(3, 11, 4);
            int per = 3 * 224 * 224;
            for (int i = 0; i < 3; i++) {
                float[] row = Arrays.copyOfRange(b.images().data(), i * per, (i + 1) * per);
                assertArrayEquals(st.floats(names[perm[i]]), row, 0f, "row " + i + " is " + names[perm[i]]);
                // start, "c" and the digit (CLIP splits letters from digits), end, padding. Byte-level ids:
                // printable ASCII b is b - 33, plus 256 at a word's end; start and end follow at 512, 513.
                assertArrayEquals(new int[] {512, 'c' - 33 + 256, '0' + perm[i] - 33 + 256, 513, 0, 0}, b.tokens()[i]);
            }
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void aResumedStreamedEpochSkipsWithoutDecodingAndMatches() {
        // Example 2 is bad: it is in batch 0, so a run resumed at batch 1 must never decode it.
        try (ExampleBatches data = ExampleBatches.streamed(stream(2), 3, settings(4, 16, true, 3))) {
            List<Batch> straight = all(data.batches(1, 0));
            assertEquals(3, straight.size(), "14 examples: 3 full batches of 4, the last 2 dropped");
            assertEquals(3, straight.getFirst().size(), "the bad example is left out of batch 0");
            assertEquals(List.of(new DataError("s2", errors.getFirst().message())), errors);
            assertTrue(errors.getFirst().message().contains("s2.png"), errors.getFirst().message());

            errors.clear();
            List<Batch> resumed = all(data.batches(1, 1));
            assertSameBatches(straight.subList(1, 3), resumed);
            assertEquals(List.of(), errors, "the skipped batch was not decoded");
        }
    }

    @Test
    void streamedEpochsAreReseededAndReplayExactly() {
        ImageTextSource source = stream(-1).shuffled(6);
        try (ExampleBatches a = ExampleBatches.streamed(source, 3, settings(4, 16, true, 1));
             ExampleBatches b = ExampleBatches.streamed(source, 2, settings(4, 16, true, 4))) {
            List<Batch> e0 = all(a.batches(0, 0)), e1 = all(a.batches(1, 0));
            assertFalse(Arrays.deepEquals(e0.getFirst().tokens(), e1.getFirst().tokens()), "epoch 1 has another order");
            assertSameBatches(e1.subList(0, 2), all(b.batches(1, 0))); // 4 threads, 1 thread: same bits; capped at 2 batches
            assertSameBatches(e1.subList(2, 3), all(a.batches(1, 2)));
        }
    }

    @Test
    void aBatchWithNoReadableImageStopsWithAClearError() {
        ImageTextSource allBad = (seed, errors) -> IntStream.range(0, 4).mapToObj(i -> example(i, true));
        try (ExampleBatches data = ExampleBatches.streamed(allBad, 1, settings(4, 16, false, 2))) {
            Iterator<Batch> it = data.batches(0, 0);
            var e = assertThrows(IllegalStateException.class, it::hasNext);
            assertTrue(e.getMessage().contains("batch 0 of epoch 0: none of its 4 images"), e.getMessage());
            assertEquals(4, errors.size());
        }
    }

    @Test
    void refusesLessThanOneBatch() {
        assertThrows(IllegalArgumentException.class, () -> ExampleBatches.shuffled(i -> example(i, false), 3, settings(4, 16, false, 1)));
    }
}
