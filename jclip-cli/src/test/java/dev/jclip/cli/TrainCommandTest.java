package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipWeights;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.Shared;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainCommandTest {
    private static final String TINY = "{\"embed_dim\":16,\"vision_cfg\":{\"image_size\":32,\"layers\":1,\"width\":64,"
            + "\"patch_size\":16},\"text_cfg\":{\"context_length\":8,\"vocab_size\":49408,\"width\":32,\"heads\":1,\"layers\":1}}";

    @TempDir
    Path dir;

    /** 10 pairs over the preprocessing fixtures' images: 2 batches of 4 per epoch. */
    private Path csv() throws IOException {
        List<String> lines = new ArrayList<>(List.of("image_path,caption"));
        String[] images = {"landscape_640x480.png", "portrait_480x640.png", "square_224.png", "gray_320x240.png",
            "rgba_300x200.png"};
        for (int i = 0; i < 10; i++) {
            lines.add(Shared.path("fixtures/preprocess/" + images[i % 5]) + ",\"caption " + i + ", of a thing\"");
        }
        Path csv = dir.resolve("pairs.csv");
        Files.write(csv, lines);
        return csv;
    }

    private int train(Path out, String... extra) throws IOException {
        return run(out, "--model-config", TINY, extra);
    }

    private int run(Path out, String sourceOption, String source, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("train", sourceOption, source, "--data", csv().toString(),
                "--vocab", Shared.path("clip/bpe_simple_vocab_16e6.txt.gz").toString(), "--output", out.toString(),
                "--batch-size", "4", "--micro-batch", "3", "--epochs", "2", "--warmup", "1", "--seed", "3"));
        args.addAll(List.of(extra));
        return new CommandLine(new Main()).execute(args.toArray(String[]::new));
    }

    @Test
    void interruptedRunResumedFromLatestEqualsTheUninterruptedOne() throws IOException {
        Path straight = dir.resolve("straight"), split = dir.resolve("split");
        assertEquals(0, train(straight));
        assertEquals(0, train(split, "--max-steps", "3", "--checkpoint-every", "1"));
        assertEquals(0, train(split, "--resume", "latest"));

        Path a = straight.resolve("step-00000004/model.safetensors"), b = split.resolve("step-00000004/model.safetensors");
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertEquals(ClipConfig.fromOpenClipJson(TINY), ClipConfig.of(ClipWeights.load(b)), "the checkpoint loads as the model");
        List<String> log = Files.readAllLines(split.resolve("log.jsonl"));
        assertEquals(4, log.size(), "steps 1-4, each once");
        for (int i = 0; i < 4; i++) {
            assertTrue(log.get(i).startsWith("{\"step\":" + (i + 1) + ",\"epoch\":" + (i / 2) + ",\"loss\":"), log.get(i));
        }
    }

    @Test
    void fineTuningWithAFrozenImageTowerMovesOnlyTheRest() throws IOException {
        Path scratch = dir.resolve("scratch"), tuned = dir.resolve("tuned");
        assertEquals(0, train(scratch, "--max-steps", "1"));
        Path init = scratch.resolve("step-00000001/model.safetensors");
        assertEquals(0, run(tuned, "--init", init.toString(), "--freeze", "image", "--finetune", "--max-steps", "2"));
        Map<String, Tensor> before = ClipWeights.load(init).stateDict().parameters();
        Map<String, Tensor> after = ClipWeights.load(tuned.resolve("step-00000002/model.safetensors")).stateDict().parameters();
        for (var e : before.entrySet()) {
            boolean same = Arrays.equals(e.getValue().data(), after.get(e.getKey()).data());
            assertEquals(e.getKey().startsWith("visual."), same, e.getKey() + (same ? " did not move" : " moved"));
        }
    }

    @Test
    void benchPrintsTheResultLineLast() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            assertEquals(0, new CommandLine(new Main()).execute("bench", "train", "--model-config", TINY, "--batch", "3",
                    "--steps", "2", "--warmup-steps", "1"));
        } finally {
            System.setOut(old);
        }
        String[] lines = buf.toString().strip().split("\n");
        assertEquals(4, lines.length, buf.toString());
        assertTrue(lines[3].matches("train batch=3 samples_per_s=\\d+\\.\\d\\d peak_rss_mb=\\d+"), lines[3]);
    }
}
