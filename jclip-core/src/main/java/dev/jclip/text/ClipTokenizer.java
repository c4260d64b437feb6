package dev.jclip.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CLIP's tokenizer, identical to OpenAI's {@code simple_tokenizer.py}: clean the text
 * ({@code ftfy.fix_text}, mojibake repair included, HTML unescape twice, whitespace collapse,
 * lowercase), split it into words with CLIP's pattern, turn each word into UTF-8 bytes and apply
 * byte-level BPE with {@code </w>} marking the end of a word. Thread-safe; BPE results of words are
 * cached (up to a number of distinct words) since captions repeat words a lot.
 */
public final class ClipTokenizer implements TextTokenizer {
    /** The file name of the original vocabulary. */
    public static final String ORIGINAL_FILE = "bpe_simple_vocab_16e6.txt.gz";
    /** Distinct words the cache keeps by default. */
    public static final int DEFAULT_CACHE_WORDS = 100_000;

    private final BpeVocabulary vocab;
    private final int cacheWords;
    private final ConcurrentHashMap<String, int[]> cache;

    private ClipTokenizer(BpeVocabulary vocab, int cacheWords) {
        this.vocab = vocab;
        this.cacheWords = cacheWords;
        this.cache = cacheWords > 0 ? new ConcurrentHashMap<>() : null;
    }

    /**
     * Loads a vocabulary: a {@code .gz} merges file in the original format, a Hugging Face
     * {@code vocab.json} or {@code merges.txt} (the other must sit beside it), or a folder holding
     * {@code vocab.json} and {@code merges.txt}, or {@value #ORIGINAL_FILE}.
     */
    public static ClipTokenizer load(Path path) {
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve("vocab.json")) && Files.isRegularFile(path.resolve("merges.txt"))) {
                return huggingFace(path.resolve("vocab.json"), path.resolve("merges.txt"));
            }
            if (Files.isRegularFile(path.resolve(ORIGINAL_FILE))) {
                return original(path.resolve(ORIGINAL_FILE));
            }
            throw new IllegalArgumentException("no tokenizer vocabulary in " + path + ": expected " + ORIGINAL_FILE
                    + " (OpenAI CLIP) or vocab.json and merges.txt (Hugging Face)");
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("tokenizer vocabulary " + path + " does not exist");
        }
        String name = path.getFileName().toString();
        if (name.endsWith(".gz")) {
            return original(path);
        }
        if (name.equals("vocab.json") || name.equals("merges.txt")) {
            return huggingFace(path.resolveSibling("vocab.json"), path.resolveSibling("merges.txt"));
        }
        throw new IllegalArgumentException("tokenizer vocabulary " + path + ": expected a .gz merges file ("
                + ORIGINAL_FILE + "), vocab.json, merges.txt or a folder holding them");
    }

    /** The original vocabulary as CLIP reads it: the first 48,894 merges of the file, 49,408 ids. */
    public static ClipTokenizer original(Path gz) {
        return new ClipTokenizer(BpeVocabulary.readOriginal(gz, -1), DEFAULT_CACHE_WORDS);
    }

    /**
     * The original format cut to the first {@code merges} merges: {@code 514 + merges} ids, the last
     * two being start and end. For models trained with a smaller vocabulary.
     */
    public static ClipTokenizer original(Path gz, int merges) {
        if (merges < 0) {
            throw new IllegalArgumentException("merge count must be >= 0, got " + merges);
        }
        return new ClipTokenizer(BpeVocabulary.readOriginal(gz, merges), DEFAULT_CACHE_WORDS);
    }

    /** A Hugging Face vocabulary: {@code vocab.json} (token to id) and {@code merges.txt}. */
    public static ClipTokenizer huggingFace(Path vocabJson, Path mergesTxt) {
        for (Path p : List.of(vocabJson, mergesTxt)) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("tokenizer file " + p + " does not exist");
            }
        }
        return new ClipTokenizer(BpeVocabulary.readHuggingFace(vocabJson, mergesTxt), DEFAULT_CACHE_WORDS);
    }

    /**
     * A vocabulary in the original layout built from merges given as "left right" strings, in rank
     * order; with none it is pure byte level (514 ids).
     */
    public static ClipTokenizer fromMerges(List<String> merges) {
        List<String[]> pairs = new ArrayList<>(merges.size());
        for (int i = 0; i < merges.size(); i++) {
            String[] p = merges.get(i).split(" ");
            if (p.length != 2 || p[0].isEmpty()) {
                throw new IllegalArgumentException("merge " + i + ": expected 'left right', got '" + merges.get(i) + "'");
            }
            pairs.add(p);
        }
        return new ClipTokenizer(BpeVocabulary.fromMerges("merges given in code", pairs), DEFAULT_CACHE_WORDS);
    }

    /**
     * The words of {@code text} as BPE starts from them: cleaned and split as {@link #encode} does,
     * each word its UTF-8 bytes as byte symbols with {@code </w>} appended to the last. The units a
     * BPE trainer counts adjacent pairs in; {@link #fromMerges} takes the merges it learns.
     */
    public static List<List<String>> byteSymbolWords(String text) {
        List<List<String>> words = new ArrayList<>();
        for (String word : PreTokenizer.split(TextCleaner.clean(text))) {
            byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
            List<String> symbols = new ArrayList<>(bytes.length);
            for (byte b : bytes) {
                symbols.add(String.valueOf(ByteSymbols.CHAR[b & 0xFF]));
            }
            symbols.set(symbols.size() - 1, symbols.getLast() + BpeVocabulary.WORD_END);
            words.add(symbols);
        }
        return words;
    }

    /** This vocabulary with a cache of up to {@code words} distinct words (0: no cache). */
    public ClipTokenizer withCache(int words) {
        if (words < 0) {
            throw new IllegalArgumentException("cache size must be >= 0, got " + words);
        }
        return new ClipTokenizer(vocab, words);
    }

    /** Token ids of {@code text}, without start and end tokens. */
    public int[] encode(String text) {
        int[] out = new int[16];
        int n = 0;
        for (String word : PreTokenizer.split(TextCleaner.clean(text))) {
            int[] ids = word(word);
            if (n + ids.length > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, n + ids.length));
            }
            System.arraycopy(ids, 0, out, n, ids.length);
            n += ids.length;
        }
        return Arrays.copyOf(out, n);
    }

    private int[] word(String word) {
        if (word.equals(PreTokenizer.START)) {
            return new int[] {vocab.startId()};
        }
        if (word.equals(PreTokenizer.END)) {
            return new int[] {vocab.endId()};
        }
        if (cache == null) {
            return vocab.encodeWord(word.getBytes(StandardCharsets.UTF_8));
        }
        int[] ids = cache.get(word);
        if (ids == null) {
            ids = vocab.encodeWord(word.getBytes(StandardCharsets.UTF_8));
            // Past the limit, new words are encoded but not kept (the cache never grows without bound).
            if (cache.size() < cacheWords) {
                cache.put(word, ids);
            }
        }
        return ids;
    }

    /**
     * The text of token ids as the original decodes it: the tokens' bytes joined, decoded as UTF-8
     * (ill-formed bytes become U+FFFD), {@code </w>} replaced by a space.
     */
    public String decode(int[] ids) {
        byte[] bytes = new byte[64];
        int n = 0;
        for (int id : ids) {
            String token = vocab.token(id);
            if (n + token.length() > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, n + token.length()));
            }
            for (int k = 0; k < token.length(); k++) {
                int b = ByteSymbols.byteOf(token.charAt(k));
                if (b < 0) {
                    throw new IllegalArgumentException("token id " + id + " ('" + token + "') has a character that stands for no byte");
                }
                bytes[n++] = (byte) b;
            }
        }
        return Utf8.decode(bytes, n).replace(BpeVocabulary.WORD_END, " ");
    }

    /**
     * Ids for a text encoder, as CLIP's {@code clip.tokenize}: each row is start, the text's ids,
     * end, then zeros up to {@code context}. A text too long for the context is an error naming it,
     * or with {@code truncate} is cut to {@code context} ids with the end token last.
     */
    @Override
    public TokenBatch tokenize(List<String> texts, int context, boolean truncate) {
        if (context < 2) {
            throw new IllegalArgumentException("context length must be at least 2 (start and end tokens), got " + context);
        }
        int[][] encoded = new int[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null) {
                throw new IllegalArgumentException("text " + i + " is null");
            }
            encoded[i] = encode(text);
            if (encoded[i].length + 2 > context && !truncate) {
                throw new IllegalArgumentException("text " + i + " (\"" + abbreviate(text) + "\") is " + (encoded[i].length + 2)
                        + " tokens long with start and end, more than the context length " + context + " (truncate to cut it)");
            }
        }
        int[][] rows = new int[texts.size()][context];
        boolean[] truncated = new boolean[texts.size()];
        for (int i = 0; i < rows.length; i++) {
            int[] ids = encoded[i];
            int kept = Math.min(ids.length, context - 2);
            truncated[i] = kept < ids.length;
            rows[i][0] = vocab.startId();
            System.arraycopy(ids, 0, rows[i], 1, kept);
            rows[i][kept + 1] = vocab.endId();
        }
        return new TokenBatch(rows, truncated);
    }

    private static String abbreviate(String text) {
        return text.codePointCount(0, text.length()) <= 40 ? text : text.substring(0, text.offsetByCodePoints(0, 39)) + "…";
    }

    /** Number of ids (the text encoder's vocabulary size). */
    public int vocabSize() {
        return vocab.size();
    }

    /** Id of {@code <|startoftext|>}. */
    public int startId() {
        return vocab.startId();
    }

    /** Id of {@code <|endoftext|>}. */
    public int endId() {
        return vocab.endId();
    }

    /**
     * Writes the vocabulary into {@code dir} as Hugging Face's {@code vocab.json} and
     * {@code merges.txt}, which {@link #load} reads back to the same tokenizer (a model folder
     * then carries its own vocabulary).
     */
    public void saveHuggingFace(Path dir) throws IOException {
        Files.createDirectories(dir);
        vocab.writeHuggingFace(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
    }

    /** Number of merges in rank order. */
    public int mergeCount() {
        return vocab.mergeCount();
    }
}
