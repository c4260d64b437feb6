package dev.jclip.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.data.Example;
import dev.jclip.data.Shapes;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShapesDataTest {

    @Test
    void batchesAreTheShapesTrainingSplitInOrder() {
        ShapesData d = new ShapesData(32, 3, 0);
        DemoData.Pairs p = d.batch(2, 5);
        Shapes train = new Shapes(Shapes.Split.TRAIN, 32, 20);
        for (int i = 0; i < 5; i++) {
            assertEquals(train.example(3, 10 + i).caption(), p.captions().get(i));
        }
        assertArrayEquals(new int[] {5, 3, 32, 32}, p.images().shape());
        assertArrayEquals(p.images().data(), d.batch(2, 5).images().data(), "the same batch every time");
    }

    @Test
    void sizeDropoutLeavesOutTheSizesOfTwoShapeCaptionsOnly() {
        Shapes train = new Shapes(Shapes.Split.TRAIN, 32, 64);
        List<String> all = new ShapesData(32, 1, 1).batch(0, 64).captions();
        List<String> some = new ShapesData(32, 1, 0.5).batch(0, 64).captions();
        int dropped = 0, two = 0;
        for (int i = 0; i < 64; i++) {
            Example e = train.example(1, i);
            if (e.label() == Example.NO_LABEL) {
                two++;
                assertEquals(e.caption().replace("large ", "").replace("small ", ""), all.get(i));
                assertTrue(!all.get(i).contains("large") && !all.get(i).contains("small"), all.get(i));
                dropped += some.get(i).equals(e.caption()) ? 0 : 1;
            } else {
                assertEquals(e.caption(), all.get(i), "single-shape captions keep their size");
                assertEquals(e.caption(), some.get(i));
            }
        }
        assertTrue(two > 20 && dropped > two / 4 && dropped < 3 * two / 4, dropped + " of " + two);
    }

    @Test
    void zeroShotSetCoversEveryClassAndNamesTheHeldOutOnes() {
        ShapesData d = new ShapesData(32, 0, 0);
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
