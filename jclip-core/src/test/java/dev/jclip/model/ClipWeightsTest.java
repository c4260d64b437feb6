package dev.jclip.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Gelu;
import dev.jclip.io.SafeTensors;
import dev.jclip.io.SafeTensorsWriter;
import dev.jclip.nn.Clip;
import dev.jclip.nn.StateDict;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresShared
class ClipWeightsTest {
    @TempDir
    Path tmp;

    private static final Path VIT = Shared.path("fixtures/models/vit-tiny/open_clip_model.safetensors");
    private static final Path VIT_HF = Shared.path("fixtures/models/vit-tiny/hf");
    private static final Path RN = Shared.path("fixtures/models/rn-tiny/open_clip_model.safetensors");

    @Test
    void loadsEveryTensorAsStored() throws IOException {
        for (Path p : new Path[] {VIT, RN}) {
            StateDict sd = ClipWeights.load(p).stateDict();
            try (SafeTensors st = SafeTensors.open(p)) {
                for (String n : st.names()) {
                    assertArrayEquals(st.floats(n), sd.get(n).data(), n);
                }
            }
        }
    }

    @Test
    void mappedWeightsStayInTheFileAndGiveTheSameBits() throws IOException {
        for (Path p : new Path[] {VIT, RN, VIT_HF}) {
            Path dir = p.getParent();
            Clip copied = ClipWeights.load(p), mapped = ClipWeights.map(p);
            try (SafeTensors io = SafeTensors.open(dir.resolve("io.safetensors")); var _ = GradMode.noGrad()) {
                Tensor images = io.tensor("input.images");
                int[] tokens = io.ints("input.tokens");
                Clip.Output want = copied.forward(images, tokens), got = mapped.forward(images, tokens);
                assertArrayEquals(want.imageFeatures().data(), got.imageFeatures().data(), p + " image features");
                assertArrayEquals(want.textFeatures().data(), got.textFeatures().data(), p + " text features");
                assertArrayEquals(want.logitsPerImage().data(), got.logitsPerImage().data(), p + " logits");
            }
            StateDict sd = mapped.stateDict();
            if (p == VIT_HF) {
                // Renamed tensors are used in place; the stacked q/k/v and transposed projections cannot be.
                assertTrue(sd.get("visual.transformer.resblocks.0.mlp.c_fc.weight").isMapped());
                assertTrue(sd.get("token_embedding.weight").isMapped());
                assertFalse(sd.get("visual.transformer.resblocks.0.attn.in_proj_weight").isMapped());
                assertFalse(sd.get("text_projection").isMapped());
                continue;
            }
            // After a forward pass every matrix is still read from the file; only vectors and
            // positional tables (read through data()) may have been copied onto the heap (the
            // ResNet's inference path, for one, never reads the attention pool's key bias).
            sd.all().forEach((name, t) -> {
                boolean matrix = t.rank() >= 2 && !name.endsWith("positional_embedding");
                if (matrix) {
                    assertTrue(t.isMapped(), p.getFileName() + ": " + name + Arrays.toString(t.shape()));
                }
            });
        }
    }

    @Test
    void savingAMappedModelWritesTheSameFileWithoutCopyingIt() throws IOException {
        Clip mapped = ClipWeights.map(VIT);
        Path fromMapped = tmp.resolve("mapped.safetensors"), fromCopy = tmp.resolve("copied.safetensors");
        ClipWeights.save(mapped, fromMapped);
        ClipWeights.save(ClipWeights.load(VIT), fromCopy);
        assertArrayEquals(Files.readAllBytes(fromCopy), Files.readAllBytes(fromMapped));
        assertTrue(mapped.stateDict().get("visual.proj").isMapped());
    }

    @Test
    void huggingFaceLayoutGivesTheSameWeights() throws IOException {
        StateDict hf = ClipWeights.load(VIT_HF).stateDict();
        StateDict original = ClipWeights.load(VIT).stateDict();
        assertEquals(original.all().keySet(), hf.all().keySet());
        original.all().forEach((n, t) -> assertArrayEquals(t.data(), hf.get(n).data(), n));
        // The single file alone is recognized by its names.
        StateDict file = ClipWeights.load(VIT_HF.resolve("model.safetensors")).stateDict();
        original.all().forEach((n, t) -> assertArrayEquals(t.data(), file.get(n).data(), n));
    }

    @Test
    void savesTheOriginalLayoutAndLoadsItBack() throws IOException {
        for (Path p : new Path[] {VIT, RN}) {
            Path out = tmp.resolve("saved.safetensors");
            ClipWeights.save(ClipWeights.load(p), out);
            try (SafeTensors a = SafeTensors.open(p); SafeTensors b = SafeTensors.open(out)) {
                assertEquals(new TreeSet<>(a.names()), new TreeSet<>(b.names()));
                for (String n : a.names()) {
                    assertArrayEquals(a.info(n).shape(), b.info(n).shape(), n);
                    assertArrayEquals(a.floats(n), b.floats(n), n);
                }
            }
        }
    }

    @Test
    void saveKeepsTextHeadsThatShapesCannotShow() throws IOException {
        // Text width 128 with 4 heads (not 128/64 = 2): only the saved config says so.
        ClipConfig cfg = new ClipConfig(32, ClipConfig.Vision.vit(16, 1, 64, 8), new ClipConfig.Text(8, 50, 128, 4, 1));
        Path out = tmp.resolve("heads.safetensors");
        ClipWeights.save(ClipInit.random(cfg, 1), out);
        assertEquals(cfg, ClipConfig.of(ClipWeights.load(out)));
    }

    /** Rewrites the vit-tiny weights with {@code edit} applied, and returns the error of loading them. */
    private String loadError(Consumer<SafeTensorsWriter> edit, String... drop) throws IOException {
        Path out = tmp.resolve("edited.safetensors");
        SafeTensorsWriter w = new SafeTensorsWriter();
        try (SafeTensors st = SafeTensors.open(VIT)) {
            for (String n : st.names()) {
                if (!Arrays.asList(drop).contains(n)) {
                    w.add(n, st.floats(n), st.info(n).shape());
                }
            }
        }
        edit.accept(w);
        w.write(out);
        return assertThrows(IllegalArgumentException.class, () -> ClipWeights.load(out)).getMessage();
    }

    @Test
    void namesAMissingTensor() throws IOException {
        String m = loadError(w -> {}, "visual.ln_post.bias");
        assertTrue(m.contains("missing tensor visual.ln_post.bias [128]"), m);
    }

    @Test
    void namesAnUnexpectedTensor() throws IOException {
        String m = loadError(w -> w.add("visual.extra", new float[3], 3));
        assertTrue(m.contains("unexpected tensor visual.extra"), m);
    }

    @Test
    void namesATensorOfTheWrongShape() throws IOException {
        String m = loadError(w -> w.add("transformer.resblocks.1.mlp.c_fc.bias", new float[256], 256),
                "transformer.resblocks.1.mlp.c_fc.bias");
        assertTrue(m.contains("transformer.resblocks.1.mlp.c_fc.bias has shape [256], the model needs [512]"), m);
    }

    @Test
    void namesATensorOfTheWrongDtype() throws IOException {
        String m = loadError(w -> w.add("visual.ln_pre.weight", new int[128], 128), "visual.ln_pre.weight");
        assertTrue(m.contains("visual.ln_pre.weight has dtype I32"), m);
    }

    @Test
    void namesAMissingHuggingFaceProjection() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("hf"));
        Files.copy(VIT_HF.resolve("config.json"), dir.resolve("config.json"));
        SafeTensorsWriter w = new SafeTensorsWriter();
        String dropped = "text_model.encoder.layers.1.self_attn.k_proj.weight";
        try (SafeTensors st = SafeTensors.open(VIT_HF.resolve("model.safetensors"))) {
            for (String n : st.names()) {
                if (!n.equals(dropped)) {
                    w.add(n, st.floats(n), st.info(n).shape());
                }
            }
        }
        w.write(dir.resolve("model.safetensors"));
        String m = assertThrows(IllegalArgumentException.class, () -> ClipWeights.load(dir)).getMessage();
        assertTrue(m.contains("missing tensor " + dropped), m);
    }

    /** A copy of the Hugging Face fixture whose config.json has {@code from} replaced by {@code to}. */
    private Path hfWithConfig(String from, String to) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("hf-config"));
        String json = Files.readString(VIT_HF.resolve("config.json"));
        assertTrue(json.contains(from), from);
        Files.writeString(dir.resolve("config.json"), json.replaceFirst(from, to));
        Files.copy(VIT_HF.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        return dir;
    }

    @Test
    void takesTextHeadsFromTheHuggingFaceConfig() throws IOException {
        // The first num_attention_heads of the fixture's config.json is text_config's.
        Path dir = hfWithConfig("\"num_attention_heads\": 2", "\"num_attention_heads\": 4");
        assertEquals(4, ClipWeights.load(dir).text().heads());
    }

    @Test
    void refusesAHuggingFaceConfigWithAnUnknownActivation() throws IOException {
        Path dir = hfWithConfig("\"hidden_act\": \"quick_gelu\"", "\"hidden_act\": \"relu\"");
        String m = assertThrows(IllegalArgumentException.class, () -> ClipWeights.load(dir)).getMessage();
        assertTrue(m.contains("config.json: text_config.hidden_act 'relu' is not supported"), m);
    }

    @Test
    void takesTheActivationFromTheHuggingFaceConfig() throws IOException {
        Path dir = hfWithConfig("\"hidden_act\": \"quick_gelu\"", "\"hidden_act\": \"gelu\"");
        ClipConfig c = ClipConfig.of(ClipWeights.load(dir));
        assertEquals(Gelu.ERF, c.text().act());
        assertEquals(Gelu.QUICK, c.vision().act());
        assertEquals(Gelu.TANH, ClipConfig.of(ClipWeights.load(dir, Gelu.TANH)).vision().act());
    }

    @Test
    void refusesADirectoryWithoutWeights() throws IOException {
        String m = assertThrows(IllegalArgumentException.class, () -> ClipWeights.load(tmp)).getMessage();
        assertTrue(m.contains("open_clip_model.safetensors"), m);
    }

    @Test
    void randomInitIsSeededAndFollowsTheReferenceScales() {
        ClipConfig cfg = new ClipConfig(64, ClipConfig.Vision.resnet(64, new int[] {1, 2, 1, 1}, 16),
                new ClipConfig.Text(77, 1000, 128, 2, 2));
        StateDict a = ClipInit.random(cfg, 7).stateDict();
        StateDict b = ClipInit.random(cfg, 7).stateDict();
        StateDict c = ClipInit.random(cfg, 8).stateDict();
        a.all().forEach((n, t) -> {
            assertArrayEquals(t.data(), b.get(n).data(), n);
            boolean allZero = true;
            for (float x : t.data()) {
                allZero &= x == 0;
            }
            assertTrue(!allZero, n + " was not initialized");
        });
        assertTrue(!Arrays.equals(a.get("visual.conv1.weight").data(), c.get("visual.conv1.weight").data()));
        // clipref.init_state_dict: token embedding std 0.02, positional 0.01, logit_scale ln(1/0.07),
        // running_var in [1, 2), the last BatchNorm weight of a bottleneck around 0 and the others around 1.
        assertEquals(0.02, std(a.get("token_embedding.weight")), 0.0005);
        assertEquals(0.01, std(a.get("positional_embedding")), 0.0005);
        assertEquals(Math.log(1 / 0.07), a.get("logit_scale").item(), 1e-6);
        for (float v : a.get("visual.layer4.0.bn3.running_var").data()) {
            assertTrue(v >= 1 && v < 2, "running_var " + v);
        }
        assertEquals(0.0, mean(a.get("visual.layer4.0.bn3.weight")), 0.03);
        assertEquals(1.0, mean(a.get("visual.layer4.0.bn2.weight")), 0.05);
        // Text blocks: c_proj std = width^-0.5 · (2·layers)^-0.5 = 128^-0.5 / 2.
        assertEquals(Math.pow(128, -0.5) / 2, std(a.get("transformer.resblocks.0.mlp.c_proj.weight")), 0.002);
    }

    private static double mean(Tensor t) {
        double s = 0;
        for (float x : t.data()) {
            s += x;
        }
        return s / t.numel();
    }

    private static double std(Tensor t) {
        double m = mean(t), s = 0;
        for (float x : t.data()) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / t.numel());
    }
}
