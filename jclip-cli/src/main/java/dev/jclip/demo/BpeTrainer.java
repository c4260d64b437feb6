package dev.jclip.demo;

import dev.jclip.text.ClipTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learns a small byte-level BPE vocabulary from a corpus (Sennrich et al. 2016), in the layout of
 * CLIP's: words are cleaned and split as {@link ClipTokenizer} does, each is a sequence of byte
 * symbols with {@code </w>} on the last ({@link ClipTokenizer#byteSymbolWords}), and the most frequent adjacent pair is merged, again and again.
 * A model trained from scratch on a narrow caption set (generated shapes, a few class names) needs
 * only a few hundred ids instead of CLIP's 49,408, which keeps its embedding table tiny and its
 * captions short (one token per frequent word, so a short context holds them).
 */
final class BpeTrainer {
    private BpeTrainer() {}

    /**
     * Up to {@code maxMerges} merges learned from {@code texts}, in rank order as
     * {@link ClipTokenizer#fromMerges} takes them. Stops early when no pair occurs
     * {@code minCount} times. Ties between equally frequent pairs go to the smaller
     * pair in string order, so the result depends only on the corpus.
     */
    static List<String> learn(Iterable<String> texts, int maxMerges, int minCount) {
        if (maxMerges < 0 || minCount < 1) {
            throw new IllegalArgumentException("need maxMerges >= 0 and minCount >= 1, got " + maxMerges + ", " + minCount);
        }
        // Distinct words with their counts. Their order does not matter: pair counts are sums, and
        // each word is merged on its own.
        Map<List<String>, Integer> counts = new LinkedHashMap<>();
        for (String text : texts) {
            for (List<String> word : ClipTokenizer.byteSymbolWords(text)) {
                counts.merge(word, 1, Integer::sum);
            }
        }
        List<List<String>> words = new ArrayList<>(counts.size());
        int[] freq = new int[counts.size()];
        int w = 0;
        for (Map.Entry<List<String>, Integer> e : counts.entrySet()) {
            words.add(new ArrayList<>(e.getKey()));
            freq[w++] = e.getValue();
        }
        List<String> merges = new ArrayList<>();
        while (merges.size() < maxMerges) {
            // Recounting every pair each round is quadratic, and fine for the few hundred words of a caption set.
            Map<String, Integer> pairs = new TreeMap<>();
            for (int i = 0; i < words.size(); i++) {
                List<String> s = words.get(i);
                for (int k = 0; k + 1 < s.size(); k++) {
                    pairs.merge(s.get(k) + " " + s.get(k + 1), freq[i], Integer::sum);
                }
            }
            String best = null;
            int bestCount = minCount - 1;
            for (Map.Entry<String, Integer> e : pairs.entrySet()) {
                if (e.getValue() > bestCount) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            if (best == null) {
                break;
            }
            merges.add(best);
            String left = best.substring(0, best.indexOf(' ')), right = best.substring(best.indexOf(' ') + 1);
            for (List<String> s : words) {
                for (int k = 0; k + 1 < s.size(); k++) {
                    if (s.get(k).equals(left) && s.get(k + 1).equals(right)) {
                        s.set(k, left + right);
                        s.remove(k + 1);
                    }
                }
            }
        }
        return merges;
    }
}
