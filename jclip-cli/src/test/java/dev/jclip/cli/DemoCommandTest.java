package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.data.Example;
import dev.jclip.data.Shapes;
import dev.jclip.image.ImagePreprocessor;
import dev.jclip.io.SafeTensors;
import dev.jclip.model.ClipWeights;
import dev.jclip.nn.Clip;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import dev.jclip.text.ClipTokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny {@code jclip demo} run (a small model, a few steps, small evaluation sets): the report is
 * self-contained, the last line has its format, and its numbers are those recomputed here, by
 * brute force, from the saved model and freshly generated evaluation data.
 */
class DemoCommandTest {
    private static final String TINY = "{\"embed_dim\":32,\"vision_cfg\":{\"image_size\":32,\"layers\":1,\"width\":64,"
            + "\"patch_size\":8},\"text_cfg\":{\"context_length\":16,\"vocab_size\":1,\"width\":32,\"heads\":1,\"layers\":1}}";
    private static final String TINY28 = TINY.replace("\"image_size\":32", "\"image_size\":28").replace("\"patch_size\":8",
            "\"patch_size\":7");
    private static final Pattern LINE = Pattern.compile(
            "demo=shapes zeroshot_top1=([01]\\.\\d{3}) retrieval_r1=([01]\\.\\d{3}) minutes=(\\d+\\.\\d{2}) heldout_top1=([01]\\.\\d{3})");
    private static final int IMAGES = 96, PAIRS = 40;

    @TempDir
    Path dir;

    private static String lastLine(String s) {
        List<String> lines = s.lines().toList();
        return lines.getLast();
    }

    @Test
    void shapesDemoReportsWhatItsModelScores() throws IOException {
        Path out = dir.resolve("out");
        Cli r = Cli.run("demo", "--steps", "3", "--output", out.toString(), "--model-config", TINY, "--batch-size", "16",
                "--eval-every", "2", "--eval-images", "48", "--eval-pairs", "24", "--final-images", "" + IMAGES,
                "--final-pairs", "" + PAIRS);
        assertEquals(0, r.code, r.err);
        Matcher m = LINE.matcher(lastLine(r.out));
        assertTrue(m.matches(), r.out);

        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<svg") && html.contains("data:image/png;base64,") && html.contains("Confusion matrix"));
        for (String external : List.of("http:", "https:", "<script", "<link", "url(", "@import")) {
            assertFalse(html.contains(external), "report.html refers outside itself: " + external);
        }
        Matcher src = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
        int images = 0;
        while (src.find()) {
            assertTrue(src.group(1).startsWith("data:image/png;base64,"), src.group(1));
            images++;
        }
        assertEquals(24 * 6, images); // six results for each class's query

        // Recompute from the saved model, one input at a time, on the same generated data.
        Clip model = ClipWeights.load(out.resolve("model/open_clip_model.safetensors"));
        ClipTokenizer tokenizer = ClipTokenizer.load(out.resolve("model"));
        model.train(false);
        Shapes eval = new Shapes(Shapes.Split.EVAL, 32, IMAGES);
        float[][] classes = new float[24][];
        for (int c = 0; c < 24; c++) {
            float[] sum = new float[32];
            for (String t : List.of("a photo of a {}", "an image with a {}", "a picture with a {}", "a photo of a {} on black")) {
                float[] e = text(model, tokenizer, t.replace("{}", Shapes.CLASS_NAMES.get(c)));
                for (int k = 0; k < sum.length; k++) {
                    sum[k] += e[k];
                }
            }
            classes[c] = unit(sum);
        }
        int correct = 0, heldCorrect = 0, held = 0;
        for (int i = 0; i < IMAGES; i++) {
            Example e = eval.example(0, i);
            float[] img = image(model, e);
            int best = 0;
            for (int c = 1; c < 24; c++) {
                if (Cli.dot(img, classes[c]) > Cli.dot(img, classes[best])) {
                    best = c;
                }
            }
            correct += best == e.label() ? 1 : 0;
            if (Shapes.isHeldOut(e.label())) {
                held++;
                heldCorrect += best == e.label() ? 1 : 0;
            }
        }
        assertEquals(String.format(Locale.ROOT, "%.3f", (double) correct / IMAGES), m.group(1));
        assertEquals(String.format(Locale.ROOT, "%.3f", (double) heldCorrect / held), m.group(4));

        // Text-to-image recall@1 on other evaluation images (seed 1) with their captions: the best image must have the
        // query's caption.
        List<float[]> imgs = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            Example e = eval.example(1, i);
            imgs.add(image(model, e));
            captions.add(e.caption());
        }
        int hits = 0;
        for (int q = 0; q < PAIRS; q++) {
            float[] t = text(model, tokenizer, captions.get(q));
            int best = 0;
            for (int j = 1; j < PAIRS; j++) {
                if (Cli.dot(imgs.get(j), t) > Cli.dot(imgs.get(best), t)) {
                    best = j;
                }
            }
            hits += captions.get(best).equals(captions.get(q)) ? 1 : 0;
        }
        assertEquals(String.format(Locale.ROOT, "%.3f", (double) hits / PAIRS), m.group(2));

        // jclip eval on the saved model gives the same numbers.
        Cli zs = Cli.run("eval", "zeroshot", "--model", out.resolve("model").toString(), "--dataset", "shapes", "--count", "" + IMAGES);
        assertEquals(0, zs.code, zs.err);
        assertTrue(lastLine(zs.out).startsWith(String.format(Locale.ROOT, "zeroshot dataset=shapes top1=%.4f ",
                (double) correct / IMAGES)), zs.out);
        Cli ret = Cli.run("eval", "retrieval", "--model", out.resolve("model").toString(), "--data", "shapes", "--count", "" + PAIRS);
        assertEquals(0, ret.code, ret.err);
        assertTrue(lastLine(ret.out).matches(String.format(Locale.ROOT, "retrieval data=shapes i2t_r1=[01]\\.\\d{4} t2i_r1=%.4f pairs=%d",
                (double) hits / PAIRS, PAIRS)), ret.out);

        // The log: a line per step, and the evaluations at steps 2 and 3 (the end), then the final one.
        List<String> log = Files.readAllLines(out.resolve("log.jsonl"));
        assertEquals(3, log.stream().filter(l -> l.contains("\"loss\"")).count());
        assertEquals(List.of(2, 3, 3), log.stream().filter(l -> l.contains("\"eval\":\"zeroshot\""))
                .map(l -> Integer.parseInt(l.replaceAll("^\\{\"step\":(\\d+),.*", "$1"))).toList());
        assertTrue(log.get(log.size() - 2).startsWith("{\"step\":3,\"eval\":\"zeroshot\",\"name\":\"shapes-final\""), log.toString());
        assertTrue(log.getLast().startsWith("{\"step\":3,\"eval\":\"retrieval\",\"name\":\"shapes-final\""), log.toString());
    }

    /** {@code --loss siglip}: the model trains with a {@code logit_bias}, which the log, the report and the saved weights show. */
    @Test
    void siglipLossDemo() throws IOException {
        Path out = dir.resolve("siglip");
        Cli r = Cli.run("demo", "--loss", "siglip", "--steps", "2", "--output", out.toString(), "--model-config", TINY,
                "--batch-size", "8", "--eval-every", "5", "--eval-images", "24", "--eval-pairs", "8", "--final-images", "48",
                "--final-pairs", "16");
        assertEquals(0, r.code, r.err);
        assertTrue(LINE.matcher(lastLine(r.out)).matches(), r.out);
        assertTrue(r.err.contains("; siglip loss, batch 8,"), r.err);
        List<String> steps = Files.readAllLines(out.resolve("log.jsonl")).stream().filter(l -> l.contains("\"loss\"")).toList();
        assertEquals(2, steps.size());
        Matcher bias = Pattern.compile("\"logit_bias\":([-0-9.E]+),").matcher(steps.getLast());
        assertTrue(bias.find(), steps.getLast());
        try (SafeTensors st = SafeTensors.open(out.resolve("model/open_clip_model.safetensors"))) {
            assertEquals(Float.parseFloat(bias.group(1)), st.floats("logit_bias")[0]);
        }
        assertTrue(Files.readString(out.resolve("report.html")).contains("sigmoid loss"));
    }

    @Test
    void sameStepsSameResult() {
        String[] args = {"--steps", "2", "--model-config", TINY, "--batch-size", "8", "--eval-every", "5", "--eval-images", "24",
            "--eval-pairs", "8", "--final-images", "48", "--final-pairs", "16"};
        List<String> lines = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            List<String> all = new ArrayList<>(List.of("demo", "shapes", "--output", dir.resolve(name).toString()));
            all.addAll(List.of(args));
            Cli r = Cli.run(all.toArray(String[]::new));
            assertEquals(0, r.code, r.err);
            lines.add(lastLine(r.out).replaceAll(" minutes=\\S+", ""));
        }
        assertEquals(lines.get(0), lines.get(1));
    }

    @Test
    void fashionMnistDemoOnSmallFiles() throws IOException {
        Path data = dir.resolve("fmnist");
        Files.createDirectories(data);
        idx(data, "train", 48);
        idx(data, "t10k", 30);
        Path out = dir.resolve("fashion");
        Cli r = Cli.run("demo", "fashion-mnist", "--data", data.toString(), "--output", out.toString(), "--steps", "2",
                "--model-config", TINY28, "--batch-size", "16", "--eval-every", "1", "--eval-images", "10", "--eval-pairs", "10",
                "--final-images", "30", "--final-pairs", "30");
        assertEquals(0, r.code, r.err);
        assertTrue(lastLine(r.out).matches("demo=fashion-mnist zeroshot_top1=[01]\\.\\d{3} retrieval_r1=[01]\\.\\d{3} minutes=\\d+\\.\\d{2}"),
                r.out);
        assertTrue(Files.readString(out.resolve("report.html")).contains("Ankle boot"));
    }

    @Test
    void badArguments() {
        Cli unknown = Cli.run("demo", "mnist", "--output", dir.resolve("x").toString());
        assertNotEquals(0, unknown.code);
        assertTrue(unknown.err.contains("unknown demo 'mnist'"), unknown.err);
        Cli missing = Cli.run("demo", "fashion-mnist", "--data", dir.resolve("nothing").toString(), "--steps", "1");
        assertNotEquals(0, missing.code);
        assertTrue(missing.err.contains("t10k-images-idx3-ubyte"), missing.err);
        Cli minutes = Cli.run("demo", "--minutes", "0");
        assertNotEquals(0, minutes.code);
        assertTrue(minutes.err.contains("--minutes must be positive"), minutes.err);
    }

    private static float[] image(Clip model, Example e) {
        Tensor t = ImagePreprocessor.clip(32).preprocess(e.image().decode());
        try (var off = GradMode.noGrad()) {
            return unit(model.encodeImage(t.reshape(1, 3, 32, 32)).data());
        }
    }

    private static float[] text(Clip model, ClipTokenizer tokenizer, String s) {
        try (var off = GradMode.noGrad()) {
            return unit(model.encodeText(tokenizer.tokenize(List.of(s), 16, true).ids()[0]).data());
        }
    }

    private static float[] unit(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(s));
        }
        return out;
    }

    /** IDX files of {@code n} 28x28 images with a pattern per class (labels 0-9 in turn). */
    private static void idx(Path data, String prefix, int n) throws IOException {
        ByteBuffer img = ByteBuffer.allocate(16 + n * 784).putInt(0x0803).putInt(n).putInt(28).putInt(28);
        ByteBuffer lab = ByteBuffer.allocate(8 + n).putInt(0x0801).putInt(n);
        for (int i = 0; i < n; i++) {
            int label = i % 10;
            for (int p = 0; p < 784; p++) {
                img.put((byte) ((p / 28 + label * 7 + (p % 28) * (label + 1) + i) * 3));
            }
            lab.put((byte) label);
        }
        Files.write(data.resolve(prefix + "-images-idx3-ubyte"), img.array());
        Files.write(data.resolve(prefix + "-labels-idx1-ubyte"), lab.array());
    }
}
