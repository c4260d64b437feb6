package dev.jclip.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.image.BadImageException;
import dev.jclip.io.SafeTensors;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import dev.jclip.text.ClipTokenizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library API on the shared fixture models: embeddings, logits and hidden states against the
 * reference outputs and weights of {@code io.safetensors} / {@code open_clip_model.safetensors};
 * similarities, prompt ensembling and probabilities by hand from the embeddings.
 */
@RequiresShared
class ClipModelTest {
    static final Path VIT = Shared.path("fixtures/models/vit-tiny/open_clip_model.safetensors");
    static final Path VIT_IO = Shared.path("fixtures/models/vit-tiny/io.safetensors");
    static final Path VOCAB = Shared.path("clip/bpe_simple_vocab_16e6.txt.gz");

    static ClipModel vit;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws IOException {
        vit = ClipModel.load(VIT, VOCAB);
    }

    /** Rows of a [N, D] float tensor of a safetensors file. */
    static float[][] rows(SafeTensors st, String name) {
        float[] flat = st.floats(name);
        int n = st.info(name).shape()[0], d = flat.length / n;
        float[][] out = new float[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, out[i], 0, d);
        }
        return out;
    }

    static float[] unit(float[] v) {
        double sq = 0;
        for (float x : v) {
            sq += (double) x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(sq));
        }
        return out;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, what + " [" + i + "]");
        }
    }

    /** A 32x32 PNG: a colour gradient that depends on {@code seed}. */
    Path png(String name, int seed) throws IOException {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, ((x * 8 + seed * 40) & 0xFF) << 16 | ((y * 8 + seed * 90) & 0xFF) << 8 | (seed * 70 + x * y) & 0xFF);
            }
        }
        Path p = dir.resolve(name);
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    @Test
    void embeddingsAndLogitsMatchTheReference() throws IOException {
        try (SafeTensors io = SafeTensors.open(VIT_IO)) {
            Tensor images = io.tensor("input.images");
            List<Tensor> list = new ArrayList<>();
            for (int i = 0; i < images.dim(0); i++) {
                list.add(Tensor.of(Arrays.copyOfRange(images.data(), i * 3 * 32 * 32, (i + 1) * 3 * 32 * 32), 3, 32, 32));
            }
            int[] flat = io.ints("input.tokens");
            int[][] tokens = new int[4][];
            for (int i = 0; i < 4; i++) {
                tokens[i] = Arrays.copyOfRange(flat, i * 77, (i + 1) * 77);
            }
            float[][] img = vit.embedPreprocessed(list);
            float[][] txt = vit.embedTokens(tokens);
            float[][] refImg = rows(io, "output.image_features"), refTxt = rows(io, "output.text_features");
            for (int i = 0; i < 4; i++) {
                assertClose(unit(refImg[i]), img[i], 1e-5, "image " + i);
                assertClose(unit(refTxt[i]), txt[i], 1e-5, "text " + i);
                assertEquals(1.0, dot(img[i], img[i]), 1e-5);
            }
            float[][] logits = vit.logits(img, txt), refLogits = rows(io, "output.logits_per_image");
            for (int i = 0; i < 4; i++) {
                assertClose(refLogits[i], logits[i], 1e-4 * 14.3, "logits row " + i);
            }
        }
    }

    @Test
    void logitScaleIsExpOfTheStoredParameter() throws IOException {
        try (SafeTensors st = SafeTensors.open(VIT)) {
            assertEquals((float) Math.exp(st.floats("logit_scale")[0]), vit.logitScale(), 1e-6f);
        }
        // The fixture stores CLIP's initial value ln(1/0.07).
        assertEquals(1 / 0.07, vit.logitScale(), 1e-4);
    }

    @Test
    void idIsPresetOrCustomAndTheWeightsHash() throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(VIT)));
        assertEquals("custom:" + sha, vit.id());
        assertEquals(VIT.toAbsolutePath(), vit.source());
        assertEquals(64, vit.dimension());
        ClipModel hf = ClipModel.load(Shared.path("fixtures/models/vit-tiny/hf"));
        assertNotEquals(vit.id(), hf.id());
        assertTrue(hf.id().startsWith("custom:"));
    }

    @Test
    void huggingFaceLayoutGivesTheSameEmbeddings() throws IOException {
        ClipModel hf = ClipModel.load(Shared.path("fixtures/models/vit-tiny/hf"), VOCAB);
        Path a = png("a.png", 1);
        assertClose(vit.embedImage(a), hf.embedImage(a), 1e-5, "image");
        assertClose(vit.embedText("a photo of a cat"), hf.embedText("a photo of a cat"), 1e-5, "text");
    }

    @Test
    void vocabularyFoundBesideTheModelAndCutToItsSize() throws IOException {
        Files.createSymbolicLink(dir.resolve("open_clip_model.safetensors"), VIT);
        assertFalse(ClipModel.load(dir).hasTokenizer());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ClipModel.load(dir).embedText("x"));
        assertTrue(e.getMessage().contains("no tokenizer for model " + dir.toAbsolutePath()), e.getMessage());

        Files.createSymbolicLink(dir.resolve("bpe_simple_vocab_16e6.txt.gz"), VOCAB);
        for (Path model : List.of(dir, dir.resolve("open_clip_model.safetensors"))) {
            ClipModel m = ClipModel.load(model);
            // 256 bytes, 256 with </w>, the first 486 merges, start and end: the model's 1000 ids.
            ClipTokenizer bpe = (ClipTokenizer) m.tokenizer();
            assertEquals(1000, bpe.vocabSize());
            assertEquals(486, bpe.mergeCount());
            assertEquals(999, bpe.endId());
            assertEquals(vit.id(), m.id());
        }
        int[] row = vit.tokenize(List.of("a cat"))[0];
        assertEquals(77, row.length);
        assertEquals(998, row[0]);
        assertEquals(999, row[row.length - 1 - countZeros(row)]);
        // Links out of the temporary folder make JUnit warn when it cleans up.
        Files.delete(dir.resolve("open_clip_model.safetensors"));
        Files.delete(dir.resolve("bpe_simple_vocab_16e6.txt.gz"));
    }

    private static int countZeros(int[] row) {
        int n = 0;
        for (int id : row) {
            n += id == 0 ? 1 : 0;
        }
        return n;
    }

    @Test
    void tooLargeVocabularyIsRefused() {
        ClipTokenizer full = ClipTokenizer.original(VOCAB);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vit.withTokenizer(full));
        assertTrue(e.getMessage().contains("the tokenizer has 49408 token ids, the model's text tower only 1000"), e.getMessage());
    }

    @Test
    void imageInputsAgree() throws IOException {
        Path a = png("a.png", 1), b = png("b.png", 2), c = png("c.png", 3);
        float[][] batch = vit.embedImageFiles(List.of(a, b, c));
        float[][] small = vit.withBatchSize(2).embedImageFiles(List.of(a, b, c));
        for (int i = 0; i < 3; i++) {
            assertClose(batch[i], small[i], 1e-6, "batch of 2 vs 32, image " + i);
        }
        assertClose(batch[1], vit.embedImage(b), 1e-6, "single file");
        assertClose(batch[1], vit.embedImage(Files.readAllBytes(b)), 1e-6, "bytes");
        assertClose(batch[1], vit.embedImage(ImageIO.read(b.toFile())), 1e-6, "BufferedImage");
        assertClose(batch[1], vit.embedPreprocessed(List.of(vit.preprocessor().preprocess(b)))[0], 1e-6, "preprocessed");
        assertNotEquals(batch[0][0], batch[1][0]);
    }

    @Test
    void badImageFailsNamingTheFile() throws IOException {
        Path bad = dir.resolve("bad.jpg");
        Files.writeString(bad, "not a jpeg");
        BadImageException e = assertThrows(BadImageException.class, () -> vit.embedImageFiles(List.of(png("a.png", 1), bad)));
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> vit.embedPreprocessed(List.of(Tensor.zeros(3, 16, 16))));
        assertTrue(shape.getMessage().contains("image 0 is [3, 16, 16], the model takes [3, 32, 32]"), shape.getMessage());
    }

    @Test
    void similarityAndPairScoresAreDotProducts() throws IOException {
        float[][] img = vit.embedImageFiles(List.of(png("a.png", 1), png("b.png", 2)));
        float[][] txt = vit.embedTexts(List.of("a dog", "a red car", "two cats"));
        float[][] sim = ClipModel.similarity(img, txt);
        float[][] logits = vit.logits(img, txt);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(dot(img[i], txt[j]), sim[i][j], 1e-6);
                assertEquals(vit.logitScale() * dot(img[i], txt[j]), logits[i][j], 1e-4);
            }
        }
        float[] pairs = ClipModel.scorePairs(img, new float[][] {txt[2], txt[0]});
        assertEquals(dot(img[0], txt[2]), pairs[0], 1e-6);
        assertEquals(dot(img[1], txt[0]), pairs[1], 1e-6);
        assertThrows(IllegalArgumentException.class, () -> ClipModel.scorePairs(img, txt));
    }

    @Test
    void classifierEnsemblesPromptsAndSoftmaxesScaledLogits() throws IOException {
        List<String> classes = List.of("cat", "dog", "red car");
        List<String> templates = List.of("a photo of a {}.", "a drawing of the {}!", "{}");
        ZeroShotClassifier zs = vit.classifier(classes, templates);
        assertEquals(classes, zs.labels());
        float[][] w = new float[3][];
        for (int c = 0; c < 3; c++) {
            float[] sum = new float[64];
            for (String t : templates) {
                // Each prompt alone (batch of one), normalized by the test.
                float[] e = unit(vit.embedText(t.replace("{}", classes.get(c))));
                for (int k = 0; k < 64; k++) {
                    sum[k] += e[k];
                }
            }
            w[c] = unit(sum);
            assertClose(w[c], zs.classWeights(c), 1e-5, "class " + c);
        }
        float[] image = vit.embedImage(png("a.png", 4));
        double[] logits = new double[3];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int c = 0; c < 3; c++) {
            logits[c] = (1 / 0.07) * dot(image, w[c]);
            max = Math.max(max, logits[c]);
        }
        for (int c = 0; c < 3; c++) {
            sum += Math.exp(logits[c] - max);
        }
        float[] p = zs.probabilities(image);
        for (int c = 0; c < 3; c++) {
            assertEquals(Math.exp(logits[c] - max) / sum, p[c], 1e-4, "probability of " + classes.get(c));
        }
        List<Prediction> top = zs.top(image, 2);
        assertEquals(2, top.size());
        assertTrue(top.get(0).probability() >= top.get(1).probability());
        for (Prediction pr : top) {
            assertEquals(p[classes.indexOf(pr.label())], pr.probability(), 0f);
        }
        float best = Math.max(p[0], Math.max(p[1], p[2]));
        assertEquals(best, top.get(0).probability(), 0f);
        assertEquals(3, zs.top(image, 10).size());
    }

    @Test
    void classifierRefusesBadInput() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> vit.classifier(List.of("cat"), List.of("a photo")))
                .getMessage().contains("template 'a photo' has no {}"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> vit.classifier(List.of("cat", "cat"), List.of("{}")))
                .getMessage().contains("class name 'cat' is given twice"));
        assertThrows(IllegalArgumentException.class, () -> vit.classifier(List.of(), List.of("{}")));
    }

    @Test
    void concurrentCallersGetTheSequentialBits() throws Exception {
        List<Path> files = List.of(png("a.png", 1), png("b.png", 2), png("c.png", 3));
        List<String> texts = List.of("a cat", "a dog on the grass", "x");
        float[][] img = vit.embedImageFiles(files), txt = vit.embedTexts(texts);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[][][]>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> new float[][][] {vit.embedImageFiles(files), vit.embedTexts(texts)}));
            }
            for (Future<float[][][]> f : results) {
                float[][][] r = f.get();
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(img[i], r[0][i], 0f);
                    assertArrayEquals(txt[i], r[1][i], 0f);
                }
            }
        } finally {
            pool.shutdown();
        }
    }
}
