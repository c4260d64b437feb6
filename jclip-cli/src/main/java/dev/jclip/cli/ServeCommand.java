package dev.jclip.cli;

import dev.jclip.api.ClipModel;
import dev.jclip.compute.Gelu;
import dev.jclip.index.VectorIndex;
import dev.jclip.server.BatchLimits;
import dev.jclip.server.ClipServer;
import dev.jclip.server.ServerConfig;
import dev.jclip.server.TrafficLimits;
import dev.jclip.text.ClipTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jclip serve --model MODEL [--pretrained TAG] [--vocab PATH] [--index DIR] [--host 127.0.0.1] [--port 8080]
 * [--max-body-mb 20] [--api-key-file PATH] [--max-connections 512] [--max-in-flight 16] [--max-queued 64]
 * [--queue-timeout 10] [--idle-timeout 30] [--header-timeout 10] [--request-timeout 60] [--batch-wait 20]
 * [--max-batch 32] [--max-image-batch 8]}: the {@link ClipServer}
 * (embedding, zero-shot classification, and search when an index is given) until Ctrl-C, which stops it after the
 * requests under way.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve embedding, zero-shot classification and index search over HTTP (JSON) until Ctrl-C.")
final class ServeCommand implements Callable<Integer> {
    /**
     * Jetty's start and stop notes stay off the console, and Javalin's log (the server answers and
     * logs every failure itself); held here, since java.util.logging keeps loggers weakly.
     */
    private static final Logger JETTY = Logger.getLogger("org.eclipse.jetty"), JAVALIN = Logger.getLogger("io.javalin");
    private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";
    /** Longest timeout an option takes: a day. */
    private static final int MAX_TIMEOUT_SECONDS = 86_400;
    /** Longest batch wait an option takes: batching is meant to cost a request milliseconds. */
    private static final int MAX_BATCH_WAIT_MS = 1000;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = ModelOptions.MODEL_HELP)
    String model;

    @Option(names = "--pretrained", paramLabel = "TAG", description = ModelOptions.PRETRAINED_HELP)
    String pretrained;

    @Option(names = "--vocab", paramLabel = "PATH",
            description = "Tokenizer vocabulary (" + ClipTokenizer.ORIGINAL_FILE + ", or Hugging Face vocab.json/merges.txt "
                    + "or their folder); default: the one beside the model. Without one, the server embeds images only.")
    Path vocab;

    @Option(names = "--activation", paramLabel = "NAME", converter = ActivationConverter.class,
            description = ActivationConverter.HELP)
    Gelu activation;

    @Option(names = "--index", paramLabel = "DIR", description = "An index built by 'jclip index' with this model, for /search.")
    Path index;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = ServerConfig.DEFAULT_HOST,
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ServerConfig.DEFAULT_PORT,
            description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--max-body-mb", paramLabel = "MB", defaultValue = "20",
            description = "Largest request body in MB (2^20 bytes), refused with 413 before it is read (default: ${DEFAULT-VALUE}).")
    int maxBodyMb;

    @Option(names = "--max-texts", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_MAX_TEXTS,
            description = "Most texts one request may embed: POST /embed/texts, or labels × templates of POST /classify "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxTexts;

    @Option(names = "--max-images", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_MAX_IMAGES,
            description = "Most images one POST /embed/image may embed (default: ${DEFAULT-VALUE}).")
    int maxImages;

    @Option(names = "--api-key-file", paramLabel = "PATH",
            description = "A file holding an API key (at least " + ServerConfig.MIN_API_KEY_LENGTH + " characters; "
                    + "surrounding whitespace ignored): every endpoint but /health then wants 'Authorization: Bearer <key>'. "
                    + "A file, not an option value, so that the key stays out of the process list and shell history.")
    Path apiKeyFile;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + TrafficLimits.DEFAULT_MAX_CONNECTIONS,
            description = "Most open connections; further ones wait to be accepted (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-in-flight", paramLabel = "N", defaultValue = "" + TrafficLimits.DEFAULT_MAX_IN_FLIGHT,
            description = "Most requests at work at once, each with its body read in full; /health needs no slot "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--max-queued", paramLabel = "N", defaultValue = "" + TrafficLimits.DEFAULT_MAX_QUEUED,
            description = "Most requests waiting for a slot; one more is answered 503 at once (default: ${DEFAULT-VALUE}).")
    int maxQueued;

    @Option(names = "--queue-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Longest wait for a slot, then 503 (default: ${DEFAULT-VALUE}).")
    double queueTimeout;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Longest silence of a connection, then it is closed (408 while a body is read; default: ${DEFAULT-VALUE}).")
    double idleTimeout;

    @Option(names = "--header-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Longest from a request's first byte to the end of its headers, then the connection is closed "
                    + "(default: ${DEFAULT-VALUE}).")
    double headerTimeout;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Longest from a request's first byte to the end of its body, then 408; a large upload over a slow "
                    + "link needs more (default: ${DEFAULT-VALUE}).")
    double requestTimeout;

    @Option(names = "--batch-wait", paramLabel = "MS", defaultValue = "20",
            description = "Longest a request waits for concurrent ones to share its batch, in milliseconds, and only "
                    + "until as many wait as the previous batch took (0: only those already waiting; "
                    + "default: ${DEFAULT-VALUE}).")
    double batchWait;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "" + BatchLimits.DEFAULT_MAX_TEXTS,
            description = "Most texts of concurrent requests encoded together (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-image-batch", paramLabel = "N", defaultValue = "" + BatchLimits.DEFAULT_MAX_IMAGES,
            description = "Most images of concurrent requests encoded together (default: ${DEFAULT-VALUE}).")
    int maxImageBatch;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "" + ClipModel.DEFAULT_BATCH,
            description = "Inputs per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        long maxMb = ServerConfig.MAX_BODY_BYTES / ServerConfig.MB;
        if (maxBodyMb < 1 || maxBodyMb > maxMb) {
            throw new IllegalArgumentException("--max-body-mb must be in [1, " + maxMb + "], got " + maxBodyMb);
        }
        String apiKey = null;
        if (apiKeyFile != null) {
            try {
                apiKey = Files.readString(apiKeyFile).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("--api-key-file: cannot read " + apiKeyFile + ": " + e.getMessage(), e);
            }
        }
        TrafficLimits traffic = new TrafficLimits(maxConnections, maxInFlight, maxQueued, seconds("--queue-timeout", queueTimeout),
                seconds("--idle-timeout", idleTimeout), seconds("--header-timeout", headerTimeout),
                seconds("--request-timeout", requestTimeout));
        if (!(batchWait >= 0 && batchWait <= MAX_BATCH_WAIT_MS)) {
            throw new IllegalArgumentException("--batch-wait must be in [0, " + MAX_BATCH_WAIT_MS + "] ms, got " + batchWait);
        }
        BatchLimits batching = new BatchLimits(Duration.ofNanos(Math.round(batchWait * 1e6)), ModelOptions.checkBatch("--max-batch", maxBatch),
                ModelOptions.checkBatch("--max-image-batch", maxImageBatch));
        ServerConfig config = new ServerConfig(host, port, maxBodyMb * ServerConfig.MB, maxTexts, maxImages, apiKey, traffic, batching);
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (apiKey == null && !InetAddress.getByName(host).isLoopbackAddress()) {
            err.println("jclip serve: warning: listening on " + host + " without --api-key-file: anyone who can reach "
                    + "this port can use the server");
        }
        // One line per record (time, level, message), unless the user chose a format; read when the first record is printed.
        if (System.getProperty(LOG_FORMAT) == null) {
            System.setProperty(LOG_FORMAT, "%1$tF %1$tT %4$s %5$s%6$s%n");
        }
        LuceneLog.quiet();
        JETTY.setLevel(Level.WARNING);
        JAVALIN.setLevel(Level.OFF);
        ClipModel clip = ModelOptions.load(model, pretrained, vocab, activation).withBatchSize(ModelOptions.checkBatch("--batch", batch));
        VectorIndex idx = index == null ? null : VectorIndex.openForSearch(index, clip.id());
        ClipServer server;
        String served;
        try {
            served = idx == null ? "no index" : "index " + index + " of " + idx.size() + " items";
            server = ClipServer.start(clip, idx, config);
        } catch (IOException | RuntimeException e) {
            if (idx != null) {
                idx.close();
            }
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            try {
                if (idx != null) {
                    idx.close();
                }
            } catch (IOException e) {
                err.println("jclip serve: closing the index: " + e.getMessage());
            }
            err.println("jclip serve: stopped");
            err.flush();
        }, "jclip-serve-stop"));
        out.println("jclip serve: listening on " + server.uri() + " (model " + clip.id() + ", " + served
                + (clip.hasTokenizer() ? "" : "; no vocabulary: images only") + "); Ctrl-C stops it");
        out.flush();
        server.join();
        return 0;
    }

    /** An option's seconds as a duration, to the millisecond. */
    private static Duration seconds(String option, double seconds) {
        if (!(seconds >= 0.001 && seconds <= MAX_TIMEOUT_SECONDS)) {
            throw new IllegalArgumentException(option + " must be in [0.001, " + MAX_TIMEOUT_SECONDS + "] seconds, got " + seconds);
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
