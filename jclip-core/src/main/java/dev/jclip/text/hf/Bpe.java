package dev.jclip.text.hf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.IntConsumer;

/**
 * Byte-pair encoding as the {@code tokenizers} library's BPE model does it: each code point of
 * the word (with {@code continuingPrefix} on all but the first and {@code endSuffix} on the
 * last) is looked up; a missing one becomes its UTF-8 bytes as {@code <0xXX>} tokens when
 * {@code byteFallback}, else the unknown token (runs of them fused when {@code fuseUnk}); then the
 * lowest-ranked adjacent pair is merged, leftmost first, until no pair has a merge. Dropout is
 * a training device and is ignored.
 */
final class Bpe implements TokenModel {
    /** A merge: its rank (lower merges first) and the id of the merged token. */
    record Merge(int rank, int id) {
    }

    private final Map<String, Integer> vocab;
    private final Map<Long, Merge> merges;
    private final int unkId;
    private final String continuingPrefix;
    private final String endSuffix;
    private final boolean fuseUnk;
    private final boolean byteFallback;
    private final boolean ignoreMerges;
    /** The ids of the byte tokens {@code <0x00>}..{@code <0xFF>}, -1 where the vocabulary lacks one. */
    private final int[] byteIds;

    Bpe(Map<String, Integer> vocab, Map<Long, Merge> merges, int unkId, String continuingPrefix, String endSuffix,
            boolean fuseUnk, boolean byteFallback, boolean ignoreMerges) {
        this.vocab = vocab;
        this.merges = merges;
        this.unkId = unkId;
        this.continuingPrefix = continuingPrefix;
        this.endSuffix = endSuffix;
        this.fuseUnk = fuseUnk;
        this.byteFallback = byteFallback;
        this.ignoreMerges = ignoreMerges;
        this.byteIds = byteIds(vocab);
    }

    /** The ids of {@code <0x00>}..{@code <0xFF>} in {@code vocab}, -1 where missing. */
    static int[] byteIds(Map<String, Integer> vocab) {
        int[] ids = new int[256];
        for (int b = 0; b < 256; b++) {
            ids[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);
        }
        return ids;
    }

    static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    @Override
    public void encode(String word, IntConsumer out) {
        if (ignoreMerges) {
            Integer whole = vocab.get(word);
            if (whole != null) {
                out.accept(whole);
                return;
            }
        }
        List<Integer> symbols = new ArrayList<>();
        boolean pendingUnk = false;
        for (int i = 0; i < word.length(); ) {
            int next = i + Character.charCount(word.codePointAt(i));
            String s = word.substring(i, next);
            if (i > 0 && continuingPrefix != null) {
                s = continuingPrefix + s;
            }
            if (next == word.length() && endSuffix != null) {
                s = s + endSuffix;
            }
            i = next;
            Integer id = vocab.get(s);
            if (id != null) {
                if (pendingUnk) {
                    symbols.add(unkId);
                    pendingUnk = false;
                }
                symbols.add(id);
                continue;
            }
            if (byteFallback && addBytes(s, symbols)) {
                continue;
            }
            if (unkId >= 0) {
                if (pendingUnk && !fuseUnk) {
                    symbols.add(unkId);
                }
                pendingUnk = true;
            }
        }
        if (pendingUnk) {
            symbols.add(unkId);
        }
        mergeAll(symbols);
        for (int id : symbols) {
            out.accept(id);
        }
    }

    private boolean addBytes(String s, List<Integer> symbols) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int k = 0; k < bytes.length; k++) {
            ids[k] = byteIds[bytes[k] & 0xFF];
            if (ids[k] < 0) {
                return false;
            }
        }
        for (int id : ids) {
            symbols.add(id);
        }
        return true;
    }

    /**
     * Applies merges lowest rank first, leftmost among equal ranks, in O(n log n): a queue of
     * candidate pairs keyed by (rank, left position) over a linked list of symbols, stale
     * candidates skipped when popped.
     */
    private void mergeAll(List<Integer> symbols) {
        int n = symbols.size();
        if (n < 2) {
            return;
        }
        int[] ids = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = symbols.get(i);
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, ids, i, i + 1);
        }
        while (!queue.isEmpty()) {
            long[] top = queue.poll();
            int pos = (int) top[1];
            int right = next[pos];
            if (ids[pos] < 0 || right < 0) {
                continue;
            }
            Merge m = merges.get(pair(ids[pos], ids[right]));
            if (m == null || m.id() != top[2]) {
                continue;
            }
            ids[pos] = m.id();
            ids[right] = -1;
            next[pos] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = pos;
                offer(queue, ids, pos, next[pos]);
            }
            if (prev[pos] >= 0) {
                offer(queue, ids, prev[pos], pos);
            }
        }
        symbols.clear();
        for (int i = 0; i >= 0; i = next[i]) {
            symbols.add(ids[i]);
        }
    }

    private void offer(PriorityQueue<long[]> queue, int[] ids, int left, int right) {
        Merge m = merges.get(pair(ids[left], ids[right]));
        if (m != null) {
            queue.add(new long[] {m.rank(), left, m.id()});
        }
    }

    @Override
    public int id(String token) {
        return vocab.getOrDefault(token, -1);
    }
}
