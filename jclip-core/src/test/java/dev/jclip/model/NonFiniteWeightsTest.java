package dev.jclip.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.api.ClipModel;
import dev.jclip.kernel.VectorMath;
import dev.jclip.nn.Clip;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A NaN or infinite weight is refused at load, by name; an embedding is never NaN. */
class NonFiniteWeightsTest {
    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private Clip model() throws IOException {
        Map<String, Object> c = ConfigCases.get("open_clip_cases", "ViT-B-32-quickgelu");
        Path file = dir.resolve("model.safetensors");
        NamedWeights.write((Map<String, Object>) c.get("tensors"), file);
        return ClipWeights.load(file);
    }

    @Test
    void loadingNamesTheTensorAndTheElement() throws IOException {
        Clip clip = model();
        clip.stateDict().get("visual.transformer.resblocks.1.mlp.c_fc.weight").data()[77] = Float.NaN;
        clip.stateDict().get("ln_final.bias").data()[3] = Float.NEGATIVE_INFINITY;
        Path bad = dir.resolve("bad.safetensors");
        ClipWeights.save(clip, bad);
        for (boolean map : new boolean[] {false, true}) {
            String m = assertThrows(IllegalArgumentException.class, () -> {
                if (map) {
                    ClipWeights.map(bad);
                } else {
                    ClipWeights.load(bad);
                }
            }).getMessage();
            assertTrue(m.startsWith(bad + " holds non-finite weights"), m);
            assertTrue(m.contains("visual.transformer.resblocks.1.mlp.c_fc.weight element 77 is NaN"), m);
            assertTrue(m.contains("ln_final.bias element 3 is -Infinity"), m);
        }
    }

    @Test
    void aModelThatOverflowsGivesAnErrorNotNaN() throws IOException {
        Clip clip = model();
        clip.stateDict().get("visual.proj").data()[0] = Float.MAX_VALUE;
        clip.stateDict().get("visual.proj").data()[1] = Float.MAX_VALUE;
        clip.train(false);
        ClipModel m = ClipModel.of(clip, null, "overflow");
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        String e = assertThrows(IllegalStateException.class, () -> m.embedImages(List.of(image))).getMessage();
        assertTrue(e.contains("non-finite embedding"), e);
    }

    @Test
    void firstNonFiniteFindsEveryPositionAtAnyAlignment() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment all = arena.allocate(4L * 70 + 1);
            MemorySegment s = all.asSlice(1, 4L * 70);   // unaligned, as in a safetensors file
            ValueLayout.OfFloat le = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 70; i++) {
                s.setAtIndex(le, i, i * 0.5f - 3);
            }
            assertEquals(-1, VectorMath.firstNonFinite(s));
            for (int bad : new int[] {0, 15, 16, 63, 64, 69}) {
                s.setAtIndex(le, bad, bad % 2 == 0 ? Float.NaN : Float.POSITIVE_INFINITY);
                assertEquals(bad, VectorMath.firstNonFinite(s), "at " + bad);
                s.setAtIndex(le, bad, 1f);
            }
        }
    }
}
