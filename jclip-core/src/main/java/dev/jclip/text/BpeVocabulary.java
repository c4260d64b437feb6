package dev.jclip.text;

import dev.jclip.io.Json;
import dev.jclip.io.JsonWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A byte-level BPE vocabulary: token strings and ids, and the rank-ordered merges. Tokens are
 * strings of {@link ByteSymbols} characters; a token that ends a word carries {@code </w>}. Merging
 * works on ids: the pair (left id, right id) of merge {@code r} has rank {@code r} and makes the
 * token with the id of the concatenated string. Immutable, so safe to share between threads.
 */
final class BpeVocabulary {
    /** Merges CLIP uses from its merges file: {@code merges[1:49152-256-2+1]}. */
    static final int CLIP_MERGES = 49152 - 256 - 2;
    static final String WORD_END = "</w>";

    private final String source;
    private final String[] tokens;
    private final int[] byteId = new int[256];
    private final int[] byteEndId = new int[256];
    private final int startId;
    private final int endId;
    // Open-addressing table from a pair key (left << 32 | right) to its rank; -1 marks a free slot.
    private final long[] pairKeys;
    private final int[] pairRanks;
    private final int[] mergedId;
    private final int mergeCount;
    private final List<String[]> merges;

    /**
     * @param tokens token string of each id (null where an id has none)
     * @param ids id of each string; where a string has several ids, the last one
     * @param merges pairs of token strings in rank order
     */
    private BpeVocabulary(String source, String[] tokens, Map<String, Integer> ids, List<String[]> merges) {
        this.source = source;
        this.tokens = tokens;
        for (int b = 0; b < 256; b++) {
            String s = String.valueOf(ByteSymbols.CHAR[b]);
            byteId[b] = requireId(source, ids, s);
            byteEndId[b] = requireId(source, ids, s + WORD_END);
        }
        startId = requireId(source, ids, PreTokenizer.START);
        endId = requireId(source, ids, PreTokenizer.END);
        mergeCount = merges.size();
        this.merges = List.copyOf(merges);
        int capacity = Integer.highestOneBit(Math.max(16, merges.size() * 2)) << 1;
        pairKeys = new long[capacity];
        Arrays.fill(pairKeys, -1);
        pairRanks = new int[capacity];
        mergedId = new int[merges.size()];
        for (int r = 0; r < merges.size(); r++) {
            String[] m = merges.get(r);
            Integer left = ids.get(m[0]);
            Integer right = ids.get(m[1]);
            if (left == null || right == null) {
                // A symbol no merge can make and no byte is: this merge can never apply.
                continue;
            }
            Integer merged = ids.get(m[0] + m[1]);
            if (merged == null) {
                throw new IllegalArgumentException(source + ": merge " + (r + 1) + " '" + m[0] + " " + m[1]
                        + "' makes '" + m[0] + m[1] + "', which is not in the vocabulary");
            }
            mergedId[r] = merged;
            // A pair listed twice keeps its last rank, as Python's dict(zip(merges, range(...))) does.
            int slot = slot(key(left, right));
            pairKeys[slot] = key(left, right);
            pairRanks[slot] = r;
        }
    }

    /**
     * The original CLIP vocabulary from the merges: the 256 byte symbols, the same with {@code </w>},
     * one token per merge, then {@code <|startoftext|>} and {@code <|endoftext|>}.
     */
    static BpeVocabulary fromMerges(String source, List<String[]> merges) {
        List<String> list = new ArrayList<>(512 + merges.size() + 2);
        for (int b : ByteSymbols.ORDER) {
            list.add(String.valueOf(ByteSymbols.CHAR[b]));
        }
        for (int b : ByteSymbols.ORDER) {
            list.add(ByteSymbols.CHAR[b] + WORD_END);
        }
        for (String[] m : merges) {
            list.add(m[0] + m[1]);
        }
        list.add(PreTokenizer.START);
        list.add(PreTokenizer.END);
        Map<String, Integer> ids = new HashMap<>(list.size() * 2);
        for (int i = 0; i < list.size(); i++) {
            ids.put(list.get(i), i);
        }
        return new BpeVocabulary(source, list.toArray(new String[0]), ids, merges);
    }

    /**
     * The original {@code bpe_simple_vocab_16e6.txt.gz} format: a header line, then merges. Takes
     * the first {@code count} merges (which must be there), or with {@code count < 0} as CLIP does
     * the first {@link #CLIP_MERGES} (or all, if fewer).
     */
    static BpeVocabulary readOriginal(Path gz, int count) {
        int maxMerges = count < 0 ? CLIP_MERGES : count;
        List<String[]> merges = new ArrayList<>(Math.min(maxMerges, CLIP_MERGES));
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
            if (r.readLine() == null) {
                throw new IllegalArgumentException(gz + ": empty merges file (expected a header line, then merges)");
            }
            int lineNo = 1;
            for (String line = r.readLine(); line != null && merges.size() < maxMerges; line = r.readLine()) {
                merges.add(parseMerge(gz, ++lineNo, line));
            }
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(gz + ": not UTF-8 text inside the gzip", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(gz + ": cannot read as a gzip merges file: " + e.getMessage(), e);
        }
        if (merges.size() < count) {
            throw new IllegalArgumentException(gz + " has " + merges.size() + " merges, fewer than the " + count + " asked for");
        }
        return fromMerges(gz.toString(), merges);
    }

    /**
     * The Hugging Face format: {@code vocab.json} (token to id) and {@code merges.txt} (a
     * "#version" header line, then merges; at most {@link #CLIP_MERGES} are used, as CLIPTokenizer does).
     */
    static BpeVocabulary readHuggingFace(Path vocabJson, Path mergesTxt) {
        Map<String, Object> json;
        List<String> lines;
        try {
            json = Json.readObject(vocabJson);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + vocabJson + ": " + e.getMessage(), e);
        }
        try {
            lines = Files.readAllLines(mergesTxt, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(mergesTxt + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + mergesTxt + ": " + e.getMessage(), e);
        }
        Map<String, Integer> ids = new HashMap<>(json.size() * 2);
        int size = 0;
        for (Map.Entry<String, Object> e : json.entrySet()) {
            if (!(e.getValue() instanceof Long id) || id < 0 || id >= 1 << 24) {
                throw new IllegalArgumentException(vocabJson + ": token " + JsonWriter.quote(e.getKey()) + " has "
                        + (e.getValue() instanceof Long id ? "id " + id : Json.kind(e.getValue()))
                        + ", expected an integer id from 0 to 2^24 - 1");
            }
            ids.put(e.getKey(), id.intValue());
            size = Math.max(size, id.intValue() + 1);
        }
        // Where two tokens share an id, the later one in the file decodes it (Python's {v: k for k, v in ...}).
        String[] tokens = new String[size];
        for (Map.Entry<String, Object> e : json.entrySet()) {
            tokens[((Long) e.getValue()).intValue()] = e.getKey();
        }
        int last = lines.size();
        while (last > 0 && lines.get(last - 1).isBlank()) {
            last--;
        }
        List<String[]> merges = new ArrayList<>();
        int first = last > 0 && lines.get(0).startsWith("#") ? 1 : 0;
        for (int i = first; i < last && merges.size() < CLIP_MERGES; i++) {
            merges.add(parseMerge(mergesTxt, i + 1, lines.get(i)));
        }
        return new BpeVocabulary(vocabJson + " + " + mergesTxt, tokens, ids, merges);
    }

    private static String[] parseMerge(Path file, int lineNo, String line) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length != 2 || parts[0].isEmpty()) {
            throw new IllegalArgumentException(file + " line " + lineNo + ": expected two symbols separated by a space, found "
                    + (parts[0].isEmpty() ? "an empty line" : parts.length == 1 ? "one field" : parts.length + " fields"));
        }
        return parts;
    }

    private static int requireId(String source, Map<String, Integer> ids, String token) {
        Integer id = ids.get(token);
        if (id == null) {
            throw new IllegalArgumentException(source + ": the vocabulary lacks the token '" + token + "'");
        }
        return id;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | right;
    }

    /** The slot holding {@code key}, or the free slot where it would go. */
    private int slot(long key) {
        int mask = pairKeys.length - 1;
        int h = (int) (key ^ (key >>> 29)) * 0x9E3779B9;
        int s = (h ^ (h >>> 16)) & mask;
        while (pairKeys[s] != -1 && pairKeys[s] != key) {
            s = (s + 1) & mask;
        }
        return s;
    }

    private int rank(int left, int right) {
        int s = slot(key(left, right));
        return pairKeys[s] == -1 ? Integer.MAX_VALUE : pairRanks[s];
    }

    /**
     * BPE of one word given as UTF-8 bytes: start from one symbol per byte (the last with {@code </w>}),
     * then repeatedly merge every occurrence, left to right, of the adjacent pair with the lowest
     * rank, until no pair has a rank.
     */
    int[] encodeWord(byte[] utf8) {
        int n = utf8.length;
        int[] word = new int[n];
        for (int i = 0; i < n - 1; i++) {
            word[i] = byteId[utf8[i] & 0xFF];
        }
        word[n - 1] = byteEndId[utf8[n - 1] & 0xFF];
        while (n > 1) {
            int best = Integer.MAX_VALUE;
            int first = -1;
            int second = -1;
            for (int i = 0; i < n - 1; i++) {
                int r = rank(word[i], word[i + 1]);
                if (r < best) {
                    best = r;
                    first = word[i];
                    second = word[i + 1];
                }
            }
            if (best == Integer.MAX_VALUE) {
                break;
            }
            int merged = mergedId[best];
            int out = 0;
            for (int i = 0; i < n; i++) {
                if (i < n - 1 && word[i] == first && word[i + 1] == second) {
                    word[out++] = merged;
                    i++;
                } else {
                    word[out++] = word[i];
                }
            }
            n = out;
        }
        return n == word.length ? word : Arrays.copyOf(word, n);
    }

    /** The token string of {@code id}; throws naming the id when it has none. */
    String token(int id) {
        if (id < 0 || id >= tokens.length || tokens[id] == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary " + source
                    + " (" + tokens.length + " ids)");
        }
        return tokens[id];
    }

    int size() {
        return tokens.length;
    }

    int startId() {
        return startId;
    }

    int endId() {
        return endId;
    }

    int mergeCount() {
        return mergeCount;
    }

    String source() {
        return source;
    }

    /**
     * Writes this vocabulary in Hugging Face's format, which {@link #readHuggingFace} reads back
     * to the same ids and merges: {@code vocab.json} (token to id, in id order) and
     * {@code merges.txt} (a "#version" line, then one merge per line in rank order).
     */
    void writeHuggingFace(Path vocabJson, Path mergesTxt) throws IOException {
        JsonWriter json = new JsonWriter().beginObject();
        for (int id = 0; id < tokens.length; id++) {
            if (tokens[id] != null) {
                json.name(tokens[id]).value(id);
            }
        }
        json.endObject();
        StringBuilder m = new StringBuilder("#version: 0.2\n");
        for (String[] pair : merges) {
            m.append(pair[0]).append(' ').append(pair[1]).append('\n');
        }
        Files.writeString(vocabJson, json.toString(), StandardCharsets.UTF_8);
        Files.writeString(mergesTxt, m, StandardCharsets.UTF_8);
    }
}
