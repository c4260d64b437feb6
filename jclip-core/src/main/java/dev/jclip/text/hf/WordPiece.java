package dev.jclip.text.hf;

import java.util.Map;
import java.util.function.IntConsumer;

/**
 * BERT's WordPiece: greedy longest match from the start of the word, pieces after the first
 * carrying {@code continuingPrefix}; a word with an unmatchable part, or longer than
 * {@code maxInputChars} code points, becomes the single unknown token.
 */
final class WordPiece implements TokenModel {
    private final Map<String, Integer> vocab;
    private final int unkId;
    private final String continuingPrefix;
    private final int maxInputChars;

    WordPiece(Map<String, Integer> vocab, int unkId, String continuingPrefix, int maxInputChars) {
        this.vocab = vocab;
        this.unkId = unkId;
        this.continuingPrefix = continuingPrefix;
        this.maxInputChars = maxInputChars;
    }

    @Override
    public void encode(String word, IntConsumer out) {
        if (word.codePointCount(0, word.length()) > maxInputChars) {
            out.accept(unkId);
            return;
        }
        int[] ids = new int[word.length()];
        int n = 0;
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            Integer found = null;
            while (start < end) {
                String sub = word.substring(start, end);
                found = vocab.get(start > 0 ? continuingPrefix + sub : sub);
                if (found != null) {
                    break;
                }
                end -= Character.charCount(word.codePointBefore(end));
            }
            if (found == null) {
                out.accept(unkId);
                return;
            }
            ids[n++] = found;
            start = end;
        }
        for (int i = 0; i < n; i++) {
            out.accept(ids[i]);
        }
    }

    @Override
    public int id(String token) {
        return vocab.getOrDefault(token, -1);
    }
}
