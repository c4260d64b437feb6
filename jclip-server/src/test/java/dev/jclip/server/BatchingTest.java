package dev.jclip.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jclip.api.ClipModel;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipInit;
import dev.jclip.nn.Clip;
import dev.jclip.server.ClipServerTest.Embeddings;
import dev.jclip.server.Http.Answer;
import dev.jclip.server.Http.Part;
import dev.jclip.text.ClipTokenizer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Concurrent clients of a server whose batches hold four inputs and wait as long as it takes to fill
 * them: every answer has the same bits as the model gives each input alone, whatever shared its
 * batches (texts of different lengths, some cut at the context), and the inputs went through in full
 * batches. The clients send in rounds whose inputs fill whole batches: otherwise a client that fell
 * behind (a busy machine) could send a lone input after the others had finished, and wait for three
 * more that never come. A random tiny model, so that a bare clone runs these too.
 */
class BatchingTest {
    static final int BATCH = 4;
    /** Far longer than the test: a batch runs when four inputs wait (or the server stops), never because time passed. */
    static final Duration WAIT = Duration.ofMinutes(2);
    static final int CONTEXT = 24;

    static ClipModel model;

    @BeforeAll
    static void load() {
        ClipTokenizer tokenizer = ClipTokenizer.fromMerges(List.of("c a", "ca t</w>", "d o", "do g</w>", "a </w>"));
        ClipConfig config = new ClipConfig(16, ClipConfig.Vision.vit(32, 2, 32, 8),
                new ClipConfig.Text(CONTEXT, tokenizer.vocabSize(), 32, 2, 2));
        Clip clip = ClipInit.random(config, 11);
        clip.train(false);
        model = ClipModel.of(clip, tokenizer, "batching");
    }

    static ClipServer start() throws IOException {
        ServerConfig config = new ServerConfig("127.0.0.1", 0, ServerConfig.DEFAULT_MAX_BODY_BYTES, 64, 8)
                .withBatching(new BatchLimits(WAIT, BATCH, BATCH));
        return ClipServer.start(model, null, config);
    }

    /** A text of 1 to 40 characters (one token each, mostly): its end token anywhere in the context, or cut. */
    static String text(Random random) {
        StringBuilder s = new StringBuilder();
        int n = 1 + random.nextInt(40);
        for (int i = 0; i < n; i++) {
            s.append("abcdefg cat dog xyz".charAt(random.nextInt(19)));
        }
        return s.toString().isBlank() ? "a" : s.toString();
    }

    static String json(List<String> texts) throws IOException {
        return Http.JSON.writeValueAsString(java.util.Map.of("texts", texts));
    }

    static byte[] png(Random random) {
        BufferedImage image = new BufferedImage(20 + random.nextInt(50), 20 + random.nextInt(50), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Runs {@code clients} at once and returns how many inputs each checked. */
    static int runAll(List<Callable<Integer>> clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        try {
            int inputs = 0;
            for (Future<Integer> f : pool.invokeAll(clients)) {
                inputs += f.get();
            }
            return inputs;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void textsOfConcurrentClientsGetTheBitsOfEachTextAlone() throws Exception {
        try (ClipServer server = start()) {
            Http http = new Http(server.uri());
            List<Callable<Integer>> clients = new ArrayList<>();
            CyclicBarrier round = new CyclicBarrier(8);
            for (int c = 0; c < 8; c++) {
                Random random = new Random(c);
                clients.add(() -> {
                    int checked = 0;
                    // 1 + 3 + 1 + 3 texts: 64 in all, sixteen full batches. The clients send each
                    // round together (8 or 24 texts), so no one waits for texts nobody will send.
                    for (int r = 0; r < 4; r++) {
                        round.await(2, TimeUnit.MINUTES);   // bounded, so that a failed client cannot hang the others
                        List<String> texts = new ArrayList<>();
                        for (int i = 0; i < (r % 2 == 0 ? 1 : 3); i++) {
                            texts.add(text(random));
                        }
                        Answer a = http.postJson("/embed/texts", json(texts));
                        assertEquals(200, a.status(), a.body());
                        float[][] rows = a.as(Embeddings.class).embeddings();
                        assertEquals(texts.size(), rows.length);
                        for (int i = 0; i < rows.length; i++) {
                            assertArrayEquals(model.embedTexts(List.of(texts.get(i)))[0], rows[i], "text '" + texts.get(i) + "'");
                            checked++;
                        }
                    }
                    return checked;
                });
            }
            assertEquals(64, runAll(clients));
            assertEquals(64 / BATCH, server.batched().texts().batches());
        }
    }

    @Test
    void imagesOfConcurrentClientsGetTheBitsOfEachImageAlone() throws Exception {
        try (ClipServer server = start()) {
            Http http = new Http(server.uri());
            List<Callable<Integer>> clients = new ArrayList<>();
            CyclicBarrier round = new CyclicBarrier(4);
            for (int c = 0; c < 4; c++) {
                Random random = new Random(100 + c);
                clients.add(() -> {
                    int checked = 0;
                    // 1 + 2 + 1 images: 16 in all, four full batches, each round sent together (4 or 8).
                    for (int r = 0; r < 3; r++) {
                        round.await(2, TimeUnit.MINUTES);   // bounded, so that a failed client cannot hang the others
                        List<byte[]> images = new ArrayList<>();
                        List<Part> parts = new ArrayList<>();
                        for (int i = 0; i < (r == 1 ? 2 : 1); i++) {
                            images.add(png(random));
                            parts.add(Part.file("image", i + ".png", images.get(i)));
                        }
                        Answer a = http.postForm("/embed/image", parts);
                        assertEquals(200, a.status(), a.body());
                        float[][] rows = a.as(Embeddings.class).embeddings();
                        assertEquals(images.size(), rows.length);
                        for (int i = 0; i < rows.length; i++) {
                            assertArrayEquals(model.embedImage(images.get(i)), rows[i], "image " + i + " of request " + r);
                            checked++;
                        }
                    }
                    return checked;
                });
            }
            assertEquals(16, runAll(clients));
            assertEquals(16 / BATCH, server.batched().images().batches());
        }
    }

    @Test
    void aRequestWhoseConnectionIdlesOutGivesUpItsPlaceInTheBatch() throws Exception {
        TrafficLimits limits = TrafficLimits.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2));
        ServerConfig config = new ServerConfig("127.0.0.1", 0, ServerConfig.DEFAULT_MAX_BODY_BYTES, 64, 8).withTraffic(limits)
                .withBatching(new BatchLimits(WAIT, BATCH, BATCH));
        try (ClipServer server = ClipServer.start(model, null, config);
                Socket gone = new Socket(server.uri().getHost(), server.port())) {
            byte[] body = json(List.of("a cat that leaves")).getBytes(StandardCharsets.UTF_8);
            OutputStream out = gone.getOutputStream();
            out.write(("POST /embed/texts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            Waits.until(() -> server.batched().texts().pending() == 1, "the text waiting for a batch");
            // Nothing more comes on the connection: the idle timeout fails the request, which withdraws its text.
            Waits.until(() -> server.batched().texts().pending() == 0, "the text withdrawn");
            assertEquals(0, server.batched().texts().batches());
            RawHttp.Reply reply = RawHttp.read(gone.getInputStream());
            assertEquals(408, reply.status(), reply.body());
            assertEquals("the connection was idle for 2 s (this server's idle timeout) while the request waited for its batch",
                    Http.JSON.readTree(reply.body()).get("error").textValue());

            // The next request alone makes the next batch (flushed: without waiting for three more).
            server.batched().flush();
            Answer a = new Http(server.uri()).postJson("/embed/texts", json(List.of("a dog that stays")));
            assertEquals(200, a.status(), a.body());
            assertArrayEquals(model.embedTexts(List.of("a dog that stays"))[0], a.as(Embeddings.class).embeddings()[0]);
            assertEquals(1, server.batched().texts().batches());
        }
    }

    @Test
    void stoppingTheServerAnswersTheRequestsWaitingForABatch() throws Exception {
        ClipServer server = start();
        Http http = new Http(server.uri());
        List<String> texts = List.of("a cat", "a dog on a mat");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Answer>> answers = new ArrayList<>();
            for (String t : texts) {
                answers.add(pool.submit(() -> http.postJson("/embed/texts", json(List.of(t)))));
            }
            // Two of four: the batch waits for more until the server stops.
            Waits.until(() -> server.batched().texts().pending() == 2, "both texts waiting for a batch");
            server.close();
            for (int i = 0; i < texts.size(); i++) {
                Answer a = answers.get(i).get();
                assertEquals(200, a.status(), a.body());
                assertArrayEquals(model.embedTexts(List.of(texts.get(i)))[0], a.as(Embeddings.class).embeddings()[0]);
            }
            assertEquals(1, server.batched().texts().batches());
        } finally {
            pool.shutdownNow();
            server.close();
        }
    }
}
