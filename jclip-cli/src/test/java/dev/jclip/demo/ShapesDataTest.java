package dev.jclip.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.data.Shapes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShapesDataTest {

    /** Whether {@code caption} is {@code original} in one of the training frames. */
    private static boolean framed(String caption, String original) {
        return ShapesData.TRAIN_FRAMES.stream().anyMatch(f -> f.replace("{}", original).equals(caption));
    }

    @Test
    void batchesAreTheShapesTrainingSplitInOrderInFrames() {
        ShapesData d = new ShapesData(32, 3, new ShapesData.Mix(0, 1, 0));
        DemoData.Pairs p = d.batch(2, 5);
        Shapes train = new Shapes(Shapes.Split.TRAIN, 32, 20);
        for (int i = 0; i < 5; i++) {
            // Every example kept: pair k is the first of its 16 candidates, example 16k.
            assertTrue(framed(p.captions().get(i), train.example(3, 16 * (10 + i)).caption()), p.captions().get(i));
        }
        assertArrayEquals(new int[] {5, 3, 32, 32}, p.images().shape());
        assertArrayEquals(p.images().data(), d.batch(2, 5).images().data(), "the same batch every time");
        assertEquals(p.captions(), d.batch(2, 5).captions());
    }

    @Test
    void sizeDropoutLeavesOutTheSizes() {
        Shapes train = new Shapes(Shapes.Split.TRAIN, 32, 200);
        List<String> all = new ShapesData(32, 1, new ShapesData.Mix(1, 1, 0)).batch(0, 200).captions();
        List<String> some = new ShapesData(32, 1, new ShapesData.Mix(0.5, 1, 0)).batch(0, 200).captions();
        int kept = 0;
        for (int i = 0; i < 200; i++) {
            String original = train.example(1, 16 * i).caption();
            assertTrue(framed(all.get(i), original.replace("large ", "").replace("small ", "")), all.get(i));
            kept += framed(some.get(i), original) ? 1 : 0;
        }
        assertTrue(kept > 60 && kept < 140, kept + " of 200 kept their sizes");
    }

    @Test
    void noZeroShotPromptIsATrainingCaption() {
        ShapesData d = new ShapesData(16, 0, new ShapesData.Mix(0.5, 1, 0.25));
        Set<String> prompts = new HashSet<>();
        for (String c : Shapes.CLASS_NAMES) {
            for (String t : d.templates()) {
                prompts.add(t.replace("{}", c));
            }
        }
        // 20,000 training captions as the recipe varies them, two-shape images and grey ones included.
        for (int step = 0; step < 20; step++) {
            for (String caption : d.batch(step, 1000).captions()) {
                assertFalse(prompts.contains(caption), caption);
            }
        }
    }

    @Test
    void greyImagesHaveCaptionsWithoutColour() {
        Shapes train = new Shapes(Shapes.Split.TRAIN, 32, 100 * 16);
        DemoData.Pairs p = new ShapesData(32, 8, new ShapesData.Mix(0, 0, 0.5)).batch(0, 100);
        DemoData.Pairs colour = new ShapesData(32, 8, new ShapesData.Mix(0, 0, 0)).batch(0, 100);
        int per = 3 * 32 * 32, grey = 0;
        float[] img = p.images().data();
        for (int i = 0; i < 100; i++) {
            String c = p.captions().get(i);
            boolean named = Shapes.COLOURS.stream().anyMatch(c::contains);
            // Grey: the three normalized channels of every pixel come from one value v, (v / 255 - mean) / std.
            boolean allGrey = true;
            for (int k = 0; k < 32 * 32 && allGrey; k++) {
                double r = img[i * per + k] * 0.26862954 + 0.48145466, g = img[i * per + 1024 + k] * 0.26130258 + 0.4578275;
                allGrey = Math.abs(r - g) < 1e-5;
            }
            assertEquals(!named, allGrey, c);
            if (!named) {
                grey++;
                String original = colour.captions().get(i);
                assertEquals(Shapes.COLOURS.stream().reduce(original, (s, col) -> s.replace(col + " ", "")), c);
            } else {
                assertEquals(colour.captions().get(i), c);
            }
        }
        assertTrue(grey > 30 && grey < 70, grey + " of 100 grey");
        assertTrue(train.example(8, 0).caption().startsWith("a "));
    }

    @Test
    void twoShapeImagesAreLeftOutAsAsked() {
        List<String> single = new ShapesData(32, 2, new ShapesData.Mix(0, 0, 0)).batch(0, 300).captions();
        List<String> mixed = new ShapesData(32, 2, new ShapesData.Mix(0, 1, 0)).batch(0, 300).captions();
        assertEquals(0, single.stream().filter(ShapesDataTest::twoShapes).count(), single.toString());
        long two = mixed.stream().filter(ShapesDataTest::twoShapes).count();
        assertTrue(two > 100 && two < 200, two + " of 300");
    }

    private static boolean twoShapes(String caption) {
        return caption.contains(" left of ") || caption.contains(" right of ") || caption.contains(" above ")
                || caption.contains(" below ");
    }

    @Test
    void zeroShotSetCoversEveryClassAndNamesTheHeldOutOnes() {
        ShapesData d = new ShapesData(32, 0, new ShapesData.Mix(0, 0, 0));
        DemoData.EvalSet s = d.zeroShotSet(48);
        for (int i = 0; i < 48; i++) {
            assertEquals(i % 24, s.labels()[i]);
        }
        assertArrayEquals(new int[] {2, 4, 11, 13}, d.subsets().get("heldout"));
        assertEquals(20, d.subsets().get("seen").length);
        for (String t : d.templates()) {
            assertTrue(t.contains("{}"), t);
        }
    }
}
