package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.testing.RequiresShared;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jclip serve}'s refusals, each before it would start serving (the server itself is tested in
 * jclip-server; a started one runs until Ctrl-C).
 */
@RequiresShared
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void badOptionsAreNamed() {
        Cli mb = Cli.run("serve", "--model", Cli.VIT.toString(), "--max-body-mb", "0");
        assertEquals(1, mb.code);
        assertEquals("jclip: --max-body-mb must be in [1, 2047], got 0\n", mb.err);
        Cli port = Cli.run("serve", "--model", Cli.VIT.toString(), "--port", "70000");
        assertEquals(1, port.code);
        assertEquals("jclip: port must be in [0, 65535], got 70000\n", port.err);
        Cli batch = Cli.run("serve", "--model", Cli.VIT.toString(), "--batch", "0");
        assertEquals(1, batch.code);
        assertEquals("jclip: --batch must be at least 1, got 0\n", batch.err);
        Cli idle = Cli.run("serve", "--model", Cli.VIT.toString(), "--idle-timeout", "0");
        assertEquals(1, idle.code);
        assertEquals("jclip: --idle-timeout must be in [0.001, 86400] seconds, got 0.0\n", idle.err);
        Cli headers = Cli.run("serve", "--model", Cli.VIT.toString(), "--header-timeout", "20", "--request-timeout", "10");
        assertEquals(1, headers.code);
        assertEquals("jclip: the header timeout (20 s) must not exceed the request timeout (10 s): the headers are part of the request\n",
                headers.err);
        Cli slots = Cli.run("serve", "--model", Cli.VIT.toString(), "--max-in-flight", "0");
        assertEquals(1, slots.code);
        assertEquals("jclip: the limit of requests at work must be at least 1, got 0\n", slots.err);
        Cli wait = Cli.run("serve", "--model", Cli.VIT.toString(), "--batch-wait", "-1");
        assertEquals(1, wait.code);
        assertEquals("jclip: --batch-wait must be in [0, 1000] ms, got -1.0\n", wait.err);
        Cli texts = Cli.run("serve", "--model", Cli.VIT.toString(), "--max-batch", "0");
        assertEquals(1, texts.code);
        assertEquals("jclip: --max-batch must be at least 1, got 0\n", texts.err);
        Cli images = Cli.run("serve", "--model", Cli.VIT.toString(), "--max-image-batch", "0");
        assertEquals(1, images.code);
        assertEquals("jclip: --max-image-batch must be at least 1, got 0\n", images.err);
    }

    @Test
    void aBadApiKeyFileIsNamed() throws IOException {
        Path none = dir.resolve("no-key");
        Cli missing = Cli.run("serve", "--model", Cli.VIT.toString(), "--api-key-file", none.toString(), "--port", "0");
        assertEquals(1, missing.code);
        assertTrue(missing.err.startsWith("jclip: --api-key-file: cannot read " + none + ": "), missing.err);
        Path shortKey = Files.writeString(dir.resolve("key"), "  short\n");
        Cli tooShort = Cli.run("serve", "--model", Cli.VIT.toString(), "--api-key-file", shortKey.toString(), "--port", "0");
        assertEquals(1, tooShort.code);
        assertEquals("jclip: the API key must be at least 16 printable ASCII characters without spaces, got 5 characters\n",
                tooShort.err);
        assertEquals("", tooShort.out);
    }

    @Test
    void aMissingIndexIsNamed() {
        Path none = dir.resolve("nothing");
        Cli r = Cli.run("serve", "--model", Cli.VIT.toString(), "--index", none.toString(), "--port", "0");
        assertEquals(1, r.code);
        assertEquals("jclip: no index at " + none + ": build one first (jclip index)\n", r.err);
        assertEquals("", r.out);
    }

    @Test
    void aBusyPortIsNamed() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Cli r = Cli.run("serve", "--model", Cli.VIT.toString(), "--port", Integer.toString(port));
            assertEquals(1, r.code);
            assertTrue(r.err.startsWith("jclip: cannot listen on 127.0.0.1:" + port + ": "), r.err);
            assertEquals("", r.out);
        }
    }
}
