package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.data.Example;
import dev.jclip.data.Shapes;
import dev.jclip.text.ClipTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jclip train --data 'shard-{0..1}.tar'}: WebDataset shards stream into training, and resume exactly. */
class TrainShardsTest {
    private static final String TINY = "{\"embed_dim\":16,\"vision_cfg\":{\"image_size\":32,\"layers\":1,\"width\":64,"
            + "\"patch_size\":16},\"text_cfg\":{\"context_length\":16,\"vocab_size\":514,\"width\":32,\"heads\":1,\"layers\":1}}";

    @TempDir
    Path dir;

    /** Two shards of 7 shapes samples each ({@code KEY.png}, {@code KEY.txt}), and a byte-level vocabulary. */
    private String shards() throws IOException {
        Shapes shapes = new Shapes(Shapes.Split.TRAIN, 32, 14);
        for (int s = 0; s < 2; s++) {
            ByteArrayOutputStream tar = new ByteArrayOutputStream();
            for (int i = 0; i < 7; i++) {
                Example e = shapes.example(9, s * 7 + i);
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                ImageIO.write(e.image().decode(), "png", png);
                entry(tar, "s" + s + "/" + i + ".png", png.toByteArray());
                entry(tar, "s" + s + "/" + i + ".txt", e.caption().getBytes(StandardCharsets.UTF_8));
            }
            tar.write(new byte[1024]);
            Files.write(dir.resolve("shard-" + s + ".tar"), tar.toByteArray());
        }
        ClipTokenizer.fromMerges(List.of()).saveHuggingFace(dir.resolve("vocab"));
        return dir.resolve("shard-{0..1}.tar").toString();
    }

    /** One ustar entry: a 512-byte header (name, octal size, checksum), then the data padded to 512 bytes. */
    private static void entry(ByteArrayOutputStream tar, String name, byte[] data) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644\0");
        put(h, 108, "0000000\0");
        put(h, 116, "0000000\0");
        put(h, 124, String.format("%011o\0", data.length));
        put(h, 136, "00000000000\0");
        h[156] = '0';
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        put(h, 148, "        ");
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        put(h, 148, String.format("%06o\0 ", sum));
        tar.writeBytes(h);
        tar.writeBytes(data);
        tar.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    private Cli train(String shards, Path out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--model-config", TINY, "--data", shards, "--vocab",
                dir.resolve("vocab").toString(), "--output", out.toString(), "--batch-size", "4", "--epochs", "2",
                "--shuffle-buffer", "5", "--seed", "4"));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void shardsTrainAndAnInterruptedRunResumesExactly() throws IOException {
        String shards = shards();
        Path straight = dir.resolve("straight"), split = dir.resolve("split");
        Cli a = train(shards, straight);
        assertEquals(0, a.code, a.err);
        // 14 pairs: 3 full batches of 4 per epoch, 2 epochs.
        List<String> log = Files.readAllLines(straight.resolve("log.jsonl"));
        assertEquals(6, log.size());
        assertTrue(log.get(3).startsWith("{\"step\":4,\"epoch\":1,"), log.get(3));

        assertEquals(0, train(shards, split, "--max-steps", "4", "--checkpoint-every", "1").code);
        Cli resumed = train(shards, split, "--resume", "latest");
        assertEquals(0, resumed.code, resumed.err);
        assertArrayEquals(Files.readAllBytes(straight.resolve("step-00000006/model.safetensors")),
                Files.readAllBytes(split.resolve("step-00000006/model.safetensors")));
        assertEquals(6, Files.readAllLines(split.resolve("log.jsonl")).size(), "steps 1-6, each once");
    }

    @Test
    void recognisesShardPatterns() {
        assertTrue(TrainCommand.isShards("data/shard-{000..009}.tar"));
        assertTrue(TrainCommand.isShards("a.TAR"));
        assertTrue(TrainCommand.isShards("a.tar.gz"));
        assertTrue(TrainCommand.isShards("a.tgz"));
        assertFalse(TrainCommand.isShards("pairs.csv"));
    }
}
