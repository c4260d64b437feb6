package dev.jclip.bench;

import dev.jclip.io.Json;
import dev.jclip.text.ClipTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * CLIP tokenizer throughput, one thread, on zero-shot prompts: {@value #CAPTIONS} captions made
 * from ImageNet's 80 templates and 1000 class names (seeded), e.g. "a bad photo of the goldfish.".
 * The score is captions per second; the {@code tokens} line is tokens per second. With the word
 * cache (cacheWords 100000) repeated words skip BPE; with 0 every word is merged afresh.
 * Needs ../shared (or {@code -Djclip.shared=PATH}) for the vocabulary and the prompts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenizerBenchmark {
    static final int CAPTIONS = 1024;

    @Param({"100000", "0"})
    public int cacheWords;

    private ClipTokenizer tokenizer;
    private List<String> captions;

    /** Tokens produced, reported by JMH as a rate (tokens per second). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Tokens {
        public long tokens;

        @Setup(Level.Iteration)
        public void reset() {
            tokens = 0;
        }
    }

    @Setup
    public void setup() throws IOException {
        Path shared = sharedFolder();
        tokenizer = ClipTokenizer.original(shared.resolve("clip/bpe_simple_vocab_16e6.txt.gz")).withCache(cacheWords);
        Map<String, Object> prompts = Json.parseObject(Files.readString(shared.resolve("clip/imagenet_prompts.json")));
        List<?> classes = (List<?>) prompts.get("classes");
        List<?> templates = (List<?>) prompts.get("templates");
        Random random = new Random(2021);
        captions = new ArrayList<>(CAPTIONS);
        for (int i = 0; i < CAPTIONS; i++) {
            String template = (String) templates.get(random.nextInt(templates.size()));
            captions.add(template.replace("{}", (String) classes.get(random.nextInt(classes.size()))));
        }
    }

    @Benchmark
    @OperationsPerInvocation(CAPTIONS)
    public void encode(Tokens counter, Blackhole bh) {
        for (String caption : captions) {
            int[] ids = tokenizer.encode(caption);
            counter.tokens += ids.length;
            bh.consume(ids);
        }
    }

    /** {@code -Djclip.shared=PATH}, else the first {@code shared} folder beside the working directory or one above it. */
    private static Path sharedFolder() {
        String property = System.getProperty("jclip.shared");
        if (property != null) {
            return Path.of(property);
        }
        for (Path p = Path.of("").toAbsolutePath(); p.getParent() != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared");
            if (Files.isRegularFile(candidate.resolve("clip/bpe_simple_vocab_16e6.txt.gz"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("TokenizerBenchmark needs ../shared (clip/bpe_simple_vocab_16e6.txt.gz, "
                + "clip/imagenet_prompts.json) beside the project, or -Djclip.shared=PATH");
    }
}
