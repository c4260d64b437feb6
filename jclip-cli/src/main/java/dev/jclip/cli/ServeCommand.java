package dev.jclip.cli;

import dev.jclip.kernel.Gelu;
import dev.jclip.api.ClipModel;
import dev.jclip.index.VectorIndex;
import dev.jclip.server.ClipServer;
import dev.jclip.server.ServerConfig;
import dev.jclip.text.ClipTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jclip serve --model MODEL [--pretrained TAG] [--vocab PATH] [--index DIR] [--host 127.0.0.1] [--port 8080]
 * [--max-body-mb 20] [--api-key-file PATH]}: the {@link ClipServer} (embedding, zero-shot classification, and search when
 * an index is given) until Ctrl-C, which stops it after the requests under way.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve embedding, zero-shot classification and index search over HTTP (JSON) until Ctrl-C.")
final class ServeCommand implements Callable<Integer> {
    /**
     * Jetty's start and stop notes stay off the console, and Javalin's log (the server answers and
     * logs every failure itself); held here, since java.util.logging keeps loggers weakly.
     */
    private static final Logger JETTY = Logger.getLogger("org.eclipse.jetty"), JAVALIN = Logger.getLogger("io.javalin");

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
        ServerConfig config = new ServerConfig(host, port, maxBodyMb * ServerConfig.MB, maxTexts, maxImages, apiKey);
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (apiKey == null && !InetAddress.getByName(host).isLoopbackAddress()) {
            err.println("jclip serve: warning: listening on " + host + " without --api-key-file: anyone who can reach "
                    + "this port can use the server");
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
}
