package dev.jclip.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.api.ClipModel;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipInit;
import dev.jclip.nn.Clip;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.train.Batch;
import dev.jclip.train.TrainConfig;
import dev.jclip.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The tasks on a small random model, against embeddings and prompt ensembles computed here from
 * the model's towers called one input at a time, scored by {@link ZeroShot}/{@link Retrieval}
 * (tested by brute force).
 */
class EvalTasksTest {
    private static final int SIZE = 8, CONTEXT = 12;
    private static final ClipConfig CONFIG = new ClipConfig(16, ClipConfig.Vision.vit(SIZE, 1, 64, 4),
            new ClipConfig.Text(CONTEXT, 514, 32, 2, 1));
    private static final ClipTokenizer BYTES = ClipTokenizer.fromMerges(List.of());

    private static float[] single(Clip model, Tensor images, int i) {
        int per = images.numel() / images.dim(0);
        try (var off = GradMode.noGrad()) {
            Tensor one = Tensor.of(Arrays.copyOfRange(images.data(), i * per, (i + 1) * per), 1, 3, SIZE, SIZE);
            return unit(model.encodeImage(one).data());
        }
    }

    private static float[] single(Clip model, String text) {
        try (var off = GradMode.noGrad()) {
            return unit(model.encodeText(BYTES.tokenize(List.of(text), CONTEXT, true).ids()[0]).data());
        }
    }

    private static float[] unit(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(s));
        }
        return out;
    }

    /** The ensembled class weights computed here, one prompt at a time. */
    private static float[][] weights(Clip model, List<String> classes, List<String> templates) {
        float[][] w = new float[classes.size()][];
        for (int c = 0; c < w.length; c++) {
            float[] sum = new float[16];
            for (String t : templates) {
                float[] e = single(model, t.replace("{}", classes.get(c)));
                for (int k = 0; k < 16; k++) {
                    sum[k] += e[k];
                }
            }
            w[c] = unit(sum);
        }
        return w;
    }

    private static List<Tensor> split(Tensor images) {
        int n = images.dim(0), per = images.numel() / n;
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Tensor.of(Arrays.copyOfRange(images.data(), i * per, (i + 1) * per), 3, SIZE, SIZE));
        }
        return out;
    }

    @Test
    void tasksEvaluateTheModelsEmbeddings() {
        Clip model = ClipInit.random(CONFIG, 4);
        SplittableRandom rng = new SplittableRandom(5);
        Tensor all = Tensor.randn(rng, 1f, 300, 3, SIZE, SIZE); // more than one batch of 256
        List<Tensor> images = split(all);
        int[] labels = rng.ints(300, 0, 4).toArray();
        List<String> classes = List.of("red", "green", "blue", "grey");
        List<String> templates = List.of("a {} thing", "{}");
        ZeroShotTask zs = new ZeroShotTask("colours", images, labels, classes, templates, Map.of("warm", new int[] {0}));
        ClipModel api = PeriodicEval.inference(model, BYTES);

        float[][] img = new float[300][];
        for (int i = 0; i < 300; i++) {
            img[i] = single(model, all, i);
        }
        float[][] w = weights(model, classes, templates), zw = zs.classWeights(api);
        for (int c = 0; c < 4; c++) {
            assertArrayEquals(w[c], zw[c], 1e-5f);
        }
        ZeroShotResult expected = ZeroShot.evaluate(img, labels, w);
        ZeroShotResult r = zs.evaluate(api);
        assertArrayEquals(expected.confusion(), r.confusion());
        assertEquals(expected.top5(), r.top5());
        Map<String, Double> m = zs.metrics(r);
        assertEquals(List.of("top1", "top5", "mean_per_class", "top1_warm"), new ArrayList<>(m.keySet()));
        assertEquals(expected.top1Over(new int[] {0}), m.get("top1_warm"));

        // Captions with repeats: each is embedded once, and repeated captions match each other's images.
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            captions.add("a " + classes.get(labels[i]) + " thing");
        }
        int[] groups = RetrievalTask.groupsByCaption(captions);
        RetrievalTask rt = new RetrievalTask("colours", images, captions, groups);
        float[][] txt = new float[300][];
        for (int i = 0; i < 300; i++) {
            txt[i] = single(model, captions.get(i));
        }
        RetrievalResult want = Retrieval.evaluate(img, groups, txt, groups);
        RetrievalResult got = rt.evaluate(api);
        assertArrayEquals(want.imageToText(), got.imageToText());
        assertArrayEquals(want.textToImage(), got.textToImage());
        assertEquals(List.of("i2t_r1", "i2t_r5", "i2t_r10", "t2i_r1", "t2i_r5", "t2i_r10"),
                new ArrayList<>(rt.metrics(api).keySet()));

        assertThrows(IllegalArgumentException.class,
                () -> new ZeroShotTask("bad", images, new int[300], List.of(), templates, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new RetrievalTask("bad", images, captions.subList(0, 3), groups));
    }

    @Test
    void periodicEvaluationRunsEveryNStepsAsTheTrainersCallback() {
        Clip model = ClipInit.random(CONFIG, 6);
        SplittableRandom rng = new SplittableRandom(8);
        List<Tensor> images = split(Tensor.randn(rng, 1f, 8, 3, SIZE, SIZE));
        int[] labels = {0, 1, 0, 1, 0, 1, 0, 1};
        ZeroShotTask zs = new ZeroShotTask("two", images, labels, List.of("left", "right"), List.of("{}"), Map.of());
        List<String> lines = new ArrayList<>();
        PeriodicEval every2 = new PeriodicEval(model, BYTES, 2, List.of(zs), lines::add);
        Trainer trainer = new Trainer(model, TrainConfig.builder().seed(1).onStep(every2).build());
        int[][] tokens = BYTES.tokenize(List.of("left", "right", "left", "right"), CONTEXT, true).ids();
        for (int s = 0; s < 5; s++) {
            trainer.step(new Batch(Tensor.randn(rng, 1f, 4, 3, SIZE, SIZE), tokens));
        }
        every2.evaluate(5);
        every2.evaluate(5);
        assertEquals(List.of(2L, 4L, 5L), every2.history().stream().map(PeriodicEval.Point::step).toList());
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).matches("\\{\"step\":2,\"eval\":\"zeroshot\",\"name\":\"two\",\"top1\":[0-9.]+,\"top5\":1\\.0,"
                + "\"mean_per_class\":[0-9.]+,\"seconds\":[0-9.]+}"), lines.get(0));
        // The last line is the model as it is now.
        double top1 = zs.evaluate(PeriodicEval.inference(model, BYTES)).top1();
        assertEquals(top1, every2.history().getLast().metrics().get("top1"));
        assertThrows(IllegalArgumentException.class, () -> new PeriodicEval(model, BYTES, 0, List.of(zs), lines::add));
    }
}
