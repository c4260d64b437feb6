package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.api.ClipModel;
import dev.jclip.api.Prediction;
import dev.jclip.api.ZeroShotClassifier;
import dev.jclip.data.Utf8Reader;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jclip classify}: JSON and text output equal the library's classifier; label and template files. */
class ClassifyCommandTest {
    static final Path PROMPTS = Shared.path("clip/imagenet_prompts.json");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The 80 ImageNet templates of CLIP's prompt file, read by the test itself. */
    static List<String> imagenetTemplates() throws IOException {
        List<String> out = new ArrayList<>();
        JSON.readTree(PROMPTS.toFile()).get("templates").forEach(n -> out.add(n.textValue()));
        return out;
    }

    /** A SigLIP model (jclip-core's parity case, an open_clip folder with its tokenizer.json) gives sigmoid probabilities. */
    @Test
    void siglipGivesIndependentSigmoids() throws IOException {
        Path model = Path.of("../jclip-core/src/test/resources/parity/siglip/siglip-openclip").toAbsolutePath().normalize();
        Path a = Cli.png(dir.resolve("a.png"), 1);
        List<String> labels = List.of("cat", "dog", "fox");
        Cli r = Cli.run("classify", "--model", model.toString(), "--labels", String.join(",", labels), "--top", "3", "--json",
                a.toString());
        assertEquals(0, r.code, r.err);
        JsonNode line = JSON.readTree(r.out.strip());
        assertEquals("sigmoid", line.get("probabilities").textValue());
        ClipModel m = ClipModel.load(model);
        List<Prediction> expected = m.classifier(labels, ClipModel.DEFAULT_TEMPLATES).top(m.embedImage(a), 3);
        for (int k = 0; k < 3; k++) {
            assertEquals(expected.get(k).label(), line.get("labels").get(k).get("label").textValue());
            assertEquals(expected.get(k).probability(), line.get("labels").get(k).get("prob").floatValue(), 1e-6f);
        }
        Cli text = Cli.run("classify", "--model", model.toString(), "--labels", "cat,dog", a.toString());
        assertTrue(text.err.contains("sigmoid probabilities (SigLIP)"), text.err);
    }

    @Test
    @RequiresShared
    void jsonLinesWithImageNetTemplates() throws IOException {
        Path a = Cli.png(dir.resolve("a.png"), 1), b = Cli.png(dir.resolve("b.png"), 2), bad = Cli.bad(dir.resolve("c.png"));
        List<String> labels = List.of("tench", "goldfish", "great white shark", "tiger shark");
        Cli r = Cli.run("classify", "--model", Cli.VIT.toString(), "--vocab", Cli.VOCAB.toString(), "--labels", String.join(",", labels),
                "--templates", PROMPTS.toString(), "--top", "3", "--json", a.toString(), bad.toString(), b.toString());

        assertEquals(1, r.code);
        assertTrue(r.err.contains("jclip classify: skipped " + bad + ": "), r.err);
        assertTrue(r.err.contains("classified 2 images; 1 failed"), r.err);
        List<String> templates = imagenetTemplates();
        assertEquals(80, templates.size());
        ZeroShotClassifier zs = ClipModel.load(Cli.VIT, Cli.VOCAB).classifier(labels, templates);
        ClipModel model = ClipModel.load(Cli.VIT);
        String[] lines = r.out.strip().split("\n");
        assertEquals(2, lines.length, r.out);
        Path[] images = {a, b};
        for (int i = 0; i < 2; i++) {
            JsonNode line = JSON.readTree(lines[i]);
            assertEquals(List.of("image", "probabilities", "labels"), fieldNames(line));
            assertEquals("softmax", line.get("probabilities").textValue());
            assertEquals(images[i].toString(), line.get("image").textValue());
            List<Prediction> expected = zs.top(model.embedImage(images[i]), 3);
            JsonNode got = line.get("labels");
            assertEquals(3, got.size());
            for (int k = 0; k < 3; k++) {
                assertEquals(List.of("label", "prob"), fieldNames(got.get(k)));
                assertEquals(expected.get(k).label(), got.get(k).get("label").textValue());
                assertEquals(expected.get(k).probability(), got.get(k).get("prob").floatValue(), 1e-6f);
            }
            assertTrue(got.get(0).get("prob").floatValue() >= got.get(1).get("prob").floatValue());
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    @RequiresShared
    void textOutputWithLabelAndTemplateFiles() throws IOException {
        Path a = Cli.png(dir.resolve("imgs/a.png"), 3);
        Path labels = Files.writeString(dir.resolve("labels.txt"), "cat\n\n dog \nred car\n");
        Path templates = Files.writeString(dir.resolve("templates.txt"), "a photo of a {}.\nart of the {}\n");
        Cli r = Cli.run("classify", "--model", Cli.VIT.toString(), "--vocab", Cli.VOCAB.toString(), "--labels-file", labels.toString(),
                "--templates", templates.toString(), "--top", "5", dir.resolve("imgs").toString());
        assertEquals(0, r.code, r.err);
        ClipModel model = ClipModel.load(Cli.VIT, Cli.VOCAB);
        List<Prediction> expected = model.classifier(List.of("cat", "dog", "red car"), List.of("a photo of a {}.", "art of the {}"))
                .top(model.embedImage(a), 5);
        StringBuilder line = new StringBuilder(a.toString());
        for (Prediction p : expected) {
            line.append(String.format(Locale.ROOT, "  %s %.4f", p.label(), p.probability()));
        }
        assertEquals(line + "\n", r.out);
    }

    @Test
    @RequiresShared
    void defaultTemplatesAndBadTemplates() throws IOException {
        Path a = Cli.png(dir.resolve("a.png"), 4);
        Cli r = Cli.run("classify", "--model", Cli.VIT.toString(), "--vocab", Cli.VOCAB.toString(), "--labels", "cat,dog", "--json",
                "--top", "1", a.toString());
        assertEquals(0, r.code, r.err);
        ClipModel model = ClipModel.load(Cli.VIT, Cli.VOCAB);
        Prediction best = model.classifier(List.of("cat", "dog"), ClipModel.DEFAULT_TEMPLATES).top(model.embedImage(a), 1).get(0);
        JsonNode label = JSON.readTree(r.out).get("labels").get(0);
        assertEquals(best.label(), label.get("label").textValue());
        assertEquals(best.probability(), label.get("prob").floatValue(), 1e-6f);

        Path templates = Files.writeString(dir.resolve("t.txt"), "a photo\n");
        Cli bad = Cli.run("classify", "--model", Cli.VIT.toString(), "--vocab", Cli.VOCAB.toString(), "--labels", "cat",
                "--templates", templates.toString(), a.toString());
        assertEquals(1, bad.code);
        assertEquals("jclip: template 'a photo' has no {} for the class name\n", bad.err);
    }

    @Test
    void templateLinesStartingWithBracesAreNotJson() throws IOException {
        Path lines = dir.resolve("frames.txt");
        Files.writeString(lines, "{} on black\na photo of a {}\n");
        assertEquals(List.of("{} on black", "a photo of a {}"), ClassifyCommand.entries(lines, "templates"));
        Path json = dir.resolve("prompts.json");
        Files.writeString(json, " {\"templates\": [\"a {}\"]}");
        assertEquals(List.of("a {}"), ClassifyCommand.entries(json, "templates"));
    }

    @Test
    void brokenJsonFilesAreNamedNotQuoted() throws IOException {
        Path bad = Files.writeString(dir.resolve("prompts.json"), "{\"templates\": [\"a {}\", hunter2]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassifyCommand.entries(bad, "templates"));
        assertEquals(bad + ": malformed JSON at line 1, column 24", e.getMessage());
        Path dup = Files.writeString(dir.resolve("dup.json"), "{\"templates\": [\"a {}\"], \"templates\": [\"b {}\"]}");
        e = assertThrows(IllegalArgumentException.class, () -> ClassifyCommand.entries(dup, "templates"));
        assertTrue(e.getMessage().startsWith(dup + ": malformed JSON at line 1, column "), e.getMessage());
        assertTrue(e.getMessage().endsWith(": duplicate key \"templates\""), e.getMessage());
        Path number = Files.writeString(dir.resolve("number.json"), "{\"templates\": [\"a {}\", 12345]}");
        e = assertThrows(IllegalArgumentException.class, () -> ClassifyCommand.entries(number, "templates"));
        assertEquals(number + ": \"templates\" must hold strings, found number", e.getMessage());
    }

    @Test
    void labelFilesMustBeUtf8() throws IOException {
        Path labels = Files.write(dir.resolve("labels.txt"), "cat\n\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        Utf8Reader.InvalidUtf8Exception e = assertThrows(Utf8Reader.InvalidUtf8Exception.class,
                () -> ClassifyCommand.entries(labels, "classes"));
        assertEquals(labels + " line 3 (byte 8): invalid UTF-8; text files must be UTF-8", e.getMessage());
    }
}
