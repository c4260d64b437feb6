package dev.jclip.text.hf;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * SentencePiece's Unigram model: the segmentation of highest total log-probability (Viterbi
 * over every vocabulary piece starting at each code point). A code point no single-character
 * piece covers gets the unknown token, scored 10 below the lowest piece score; runs of unknowns
 * fuse into one, which with {@code byteFallback} becomes its UTF-8 bytes as {@code <0xXX>} tokens.
 */
final class Unigram implements TokenModel {
    private static final double UNK_PENALTY = 10.0;

    private final Map<String, Integer> ids = new HashMap<>();
    private final double[] scores;
    private final int unkId;
    private final boolean byteFallback;
    private final double unkScore;
    private final int maxPieceChars;
    private final int[] byteIds;

    Unigram(List<String> pieces, double[] scores, int unkId, boolean byteFallback) {
        this.scores = scores;
        this.unkId = unkId;
        this.byteFallback = byteFallback;
        double min = Double.POSITIVE_INFINITY;
        int longest = 1;
        for (int i = 0; i < pieces.size(); i++) {
            ids.put(pieces.get(i), i);
            min = Math.min(min, scores[i]);
            longest = Math.max(longest, pieces.get(i).length());
        }
        this.unkScore = min - UNK_PENALTY;
        this.maxPieceChars = longest;
        this.byteIds = Bpe.byteIds(ids);
    }

    @Override
    public void encode(String word, IntConsumer out) {
        int n = word.length();
        double[] best = new double[n + 1];
        int[] from = new int[n + 1];
        int[] bestId = new int[n + 1];
        java.util.Arrays.fill(from, -1);
        for (int start = 0; start < n; ) {
            int charLen = Character.charCount(word.codePointAt(start));
            boolean single = false;
            int limit = Math.min(n, start + maxPieceChars);
            for (int end = start + charLen; end <= limit; ) {
                Integer id = ids.get(word.substring(start, end));
                if (id != null) {
                    relax(best, from, bestId, start, end, id, scores[id]);
                    single |= end - start == charLen;
                }
                if (end == n) {
                    break;
                }
                end += Character.charCount(word.codePointAt(end));
            }
            if (!single) {
                relax(best, from, bestId, start, start + charLen, unkId, unkScore);
            }
            start += charLen;
        }
        int[] starts = new int[n];
        int count = 0;
        for (int end = n; end > 0; end = from[end]) {
            starts[count++] = end;
        }
        int pos = 0;
        for (int k = count - 1; k >= 0; k--) {
            int end = starts[k];
            int id = bestId[end];
            if (id == unkId && unkId >= 0) {
                int runEnd = end;
                while (k > 0 && bestId[starts[k - 1]] == unkId) {
                    runEnd = starts[--k];
                }
                emitUnknown(word.substring(pos, runEnd), out);
                pos = runEnd;
            } else if (id < 0) {
                throw new IllegalArgumentException("Unigram model has no unk_id but '" + word + "' needs it");
            } else {
                out.accept(id);
                pos = end;
            }
        }
    }

    private static void relax(double[] best, int[] from, int[] bestId, int start, int end, int id, double score) {
        double candidate = best[start] + score;
        if (from[end] < 0 || candidate > best[end]) {
            best[end] = candidate;
            from[end] = start;
            bestId[end] = id;
        }
    }

    private void emitUnknown(String text, IntConsumer out) {
        Integer whole = ids.get(text);
        if (whole != null) {
            out.accept(whole);
            return;
        }
        if (byteFallback) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            int[] fallback = new int[bytes.length];
            boolean all = true;
            for (int k = 0; k < bytes.length && all; k++) {
                fallback[k] = byteIds[bytes[k] & 0xFF];
                all = fallback[k] >= 0;
            }
            if (all) {
                for (int id : fallback) {
                    out.accept(id);
                }
                return;
            }
        }
        if (unkId < 0) {
            throw new IllegalArgumentException("Unigram model has no unk_id but '" + text + "' is not in its vocabulary");
        }
        out.accept(unkId);
    }

    @Override
    public int id(String token) {
        return ids.getOrDefault(token, -1);
    }
}
