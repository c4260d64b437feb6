package dev.jclip.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.image.ImageDecoder;
import dev.jclip.io.Json;
import dev.jclip.io.SafeTensors;
import dev.jclip.model.ClipWeights;
import dev.jclip.text.ClipTokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every reader pointed at a file that is not what it expects (here: secrets, as a system file
 * might hold) says which file and what was expected, and never shows the file's contents.
 */
class SecretFileMessagesTest {
    private static final List<String> SECRETS = List.of("hunter2", "wJalrXUtnFEMI", "root:x:0");
    /** Text, JSON-looking text, and a JSON object whose keys are fine but whose values are secrets. */
    private static final List<String> CONTENTS = List.of(
            "root:x:0:0:root:/root:/bin/bash\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG hunter2\n",
            "{\"password\": hunter2, \"key\": \"wJalrXUtnFEMI\"}",
            "{\"password\": \"hunter2\", \"vocab_size\": \"wJalrXUtnFEMI\", \"root:x:0\": 123456}",
            "[\"hunter2\", 1234.5678e, \"wJalrXUtnFEMI root:x:0\"]");

    @TempDir
    Path dir;

    /** The secrets, and the file's first bytes in hexadecimal and as the little-endian number a length field would read. */
    private static List<String> forbidden(Path file) throws IOException {
        byte[] head = Arrays.copyOf(Files.readAllBytes(file), 8);
        List<String> out = new ArrayList<>(SECRETS);
        out.add(HexFormat.ofDelimiter(" ").formatHex(head, 0, 4));
        out.add(HexFormat.of().formatHex(head, 0, 4));
        out.add(Long.toUnsignedString(ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong()));
        return out;
    }

    private static void assertNamesFileNotSecrets(Path named, Path secret, Executable reading) throws IOException {
        Throwable e = assertThrows(Exception.class, reading);
        assertTrue(e.getMessage().contains(named.toString()), e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (String s : forbidden(secret)) {
                assertFalse(String.valueOf(t.getMessage()).contains(s), named + ": " + t.getMessage());
            }
        }
    }

    private static void assertNamesFileNotSecrets(Path secret, Executable reading) throws IOException {
        assertNamesFileNotSecrets(secret, secret, reading);
    }

    @Test
    void readersNeverEchoContents() throws IOException {
        for (int i = 0; i < CONTENTS.size(); i++) {
            Path folder = Files.createDirectory(dir.resolve("case" + i));
            Path secret = Files.writeString(folder.resolve("secret"), CONTENTS.get(i));
            Path vocab = Files.writeString(folder.resolve("vocab.json"), "{\"a\": 0}");
            assertNamesFileNotSecrets(secret, () -> SafeTensors.open(secret));
            assertNamesFileNotSecrets(secret, () -> ClipWeights.load(secret));
            assertNamesFileNotSecrets(secret, () -> ClipModel.load(secret));
            if (i == 2) {
                Json.readObject(secret); // valid JSON: the readers above refuse what it holds
            } else {
                assertNamesFileNotSecrets(secret, () -> Json.readObject(secret));
            }
            assertNamesFileNotSecrets(secret, () -> new ImageDecoder().decode(secret));
            assertNamesFileNotSecrets(secret, () -> ClipTokenizer.original(secret));
            assertNamesFileNotSecrets(secret, () -> ClipTokenizer.huggingFace(secret, secret));
            assertNamesFileNotSecrets(secret, () -> ClipTokenizer.huggingFace(vocab, secret));

            // A Hugging Face model folder whose config and weights are the secret.
            Path model = Files.createDirectory(folder.resolve("model"));
            Files.copy(secret, model.resolve("config.json"));
            Files.copy(secret, model.resolve("model.safetensors"));
            assertNamesFileNotSecrets(model, secret, () -> ClipModel.load(model));
        }
    }
}
