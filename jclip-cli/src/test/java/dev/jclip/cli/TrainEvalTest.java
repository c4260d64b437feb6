package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.data.Example;
import dev.jclip.data.Shapes;
import dev.jclip.text.ClipTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jclip train --eval-*}: evaluations every N steps go into log.jsonl and agree with {@code jclip eval}. */
class TrainEvalTest {
    private static final String TINY = "{\"embed_dim\":16,\"vision_cfg\":{\"image_size\":32,\"layers\":1,\"width\":64,"
            + "\"patch_size\":16},\"text_cfg\":{\"context_length\":16,\"vocab_size\":514,\"width\":32,\"heads\":1,\"layers\":1}}";

    @TempDir
    Path dir;

    /** 8 shapes images as PNG files with their captions, and a byte-level vocabulary (514 ids) as Hugging Face files. */
    private Path csv() throws IOException {
        List<String> lines = new ArrayList<>(List.of("image_path,caption"));
        Shapes shapes = new Shapes(Shapes.Split.TRAIN, 32, 8);
        for (int i = 0; i < 8; i++) {
            Example e = shapes.example(5, i);
            ImageIO.write(e.image().decode(), "png", dir.resolve(i + ".png").toFile());
            lines.add(i + ".png," + e.caption());
        }
        ClipTokenizer.fromMerges(List.of()).saveHuggingFace(dir.resolve("vocab"));
        return Files.write(dir.resolve("pairs.csv"), lines);
    }

    @Test
    void evaluationsEveryNStepsGoIntoTheLog() throws IOException {
        Path csv = csv(), out = dir.resolve("run");
        Cli r = Cli.run("train", "--model-config", TINY, "--data", csv.toString(), "--vocab", dir.resolve("vocab").toString(),
                "--output", out.toString(), "--batch-size", "4", "--epochs", "2", "--seed", "1", "--no-augment",
                "--eval-every", "3", "--eval-zeroshot", "shapes", "--eval-retrieval", csv.toString(), "--eval-count", "24");
        assertEquals(0, r.code, r.err);
        List<String> log = Files.readAllLines(out.resolve("log.jsonl"));
        // 4 steps: evaluations after step 3 and at the end (step 4), zero-shot then retrieval.
        List<String> evals = log.stream().filter(l -> l.contains("\"eval\"")).toList();
        assertEquals(4, evals.size(), log.toString());
        assertTrue(evals.get(0).startsWith("{\"step\":3,\"eval\":\"zeroshot\",\"name\":\"shapes\",\"top1\":"), evals.get(0));
        assertTrue(evals.get(1).startsWith("{\"step\":3,\"eval\":\"retrieval\",\"name\":\"pairs.csv\",\"i2t_r1\":"), evals.get(1));
        assertTrue(evals.get(2).startsWith("{\"step\":4,\"eval\":\"zeroshot\""), evals.get(2));

        Matcher top1 = Pattern.compile("\"top1\":([0-9.]+)").matcher(evals.get(2));
        assertTrue(top1.find());
        Cli zs = Cli.run("eval", "zeroshot", "--model", out.resolve("step-00000004/model.safetensors").toString(), "--vocab",
                dir.resolve("vocab").toString(), "--dataset", "shapes", "--count", "24");
        assertEquals(0, zs.code, zs.err);
        String last = zs.out.lines().toList().getLast();
        assertTrue(last.startsWith(String.format(Locale.ROOT, "zeroshot dataset=shapes top1=%.4f ",
                Double.parseDouble(top1.group(1)))), last + " vs " + evals.get(2));
    }

    @Test
    void evaluationOptionsGoTogether() throws IOException {
        Path csv = csv();
        Cli r = Cli.run("train", "--model-config", TINY, "--data", csv.toString(), "--vocab", dir.resolve("vocab").toString(),
                "--output", dir.resolve("x").toString(), "--batch-size", "4", "--eval-zeroshot", "shapes");
        assertNotEquals(0, r.code);
        assertTrue(r.err.contains("--eval-every N (N > 0) goes with --eval-zeroshot"), r.err);
    }
}
