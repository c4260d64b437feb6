package dev.jclip.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.api.ClipModel;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipInit;
import dev.jclip.nn.Clip;
import dev.jclip.text.ClipTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzzes the server's request handling with raw bytes on a socket to a real server (a tiny random
 * model, small limits): each request is answered with a well-formed status line, never an internal
 * error (500), and a JSON answer's body parses as JSON. The client half-closes after its bytes, so
 * a request cut short ends instead of waiting for the rest.
 */
class ClipServerFuzzTest {
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3}) [^\\r\\n]*\\r\\n");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ClipServer server;

    @FuzzTest
    void request(byte[] request) throws IOException {
        // Started on the first input, once the fuzzer instruments classes as they load.
        if (server == null) {
            server = start();
        }
        byte[] answer;
        // Jazzer's SSRF detector flags connections it was not told of; this one is to the server under test.
        try (SilentCloseable allowed = BugDetectors.allowNetworkConnections((host, port) -> port == server.port());
                Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            s.setSoTimeout(20_000);
            s.getOutputStream().write(request);
            s.shutdownOutput();
            answer = readAll(s.getInputStream());
        }
        if (answer.length == 0) {
            return;
        }
        String text = new String(answer, StandardCharsets.ISO_8859_1);
        Matcher m = STATUS.matcher(text);
        assertTrue(m.lookingAt(), "not an HTTP answer: " + text);
        int status = Integer.parseInt(m.group(1));
        assertTrue(status != 500, "internal error for a client's request:\n" + text);
        int headersEnd = text.indexOf("\r\n\r\n");
        assertTrue(headersEnd > 0, "answer without the end of its headers: " + text);
        String headers = text.substring(0, headersEnd).toLowerCase(Locale.ROOT);
        Matcher length = Pattern.compile("\r\ncontent-length: (\\d+)").matcher(headers);
        // An answer to HEAD declares the length of a body it does not send.
        boolean head = new String(request, StandardCharsets.ISO_8859_1).stripLeading().regionMatches(true, 0, "HEAD ", 0, 5);
        if (!head && headers.contains("\r\ncontent-type: application/json") && length.find()) {
            int start = headersEnd + 4;
            String body = new String(answer, start, Math.min(Integer.parseInt(length.group(1)), answer.length - start),
                    StandardCharsets.UTF_8);
            JSON.readTree(body);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try {
            return in.readAllBytes();
        } catch (SocketException e) {
            // The server may reset a connection it has refused.
            return new byte[0];
        }
    }

    private static ClipServer start() throws IOException {
        ClipTokenizer tokenizer = ClipTokenizer.fromMerges(List.of("c a", "ca t</w>", "d o", "do g</w>"));
        ClipConfig config = new ClipConfig(16, ClipConfig.Vision.vit(16, 1, 32, 8),
                new ClipConfig.Text(8, tokenizer.vocabSize(), 32, 2, 1));
        Clip clip = ClipInit.random(config, 1);
        clip.train(false);
        ClipModel model = ClipModel.of(clip, tokenizer, "fuzz");
        return ClipServer.start(model, null, new ServerConfig("127.0.0.1", 0, 64 * 1024, 4, 2));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }
}
