package dev.jclip.text.hf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds added tokens in text as the {@code tokenizers} library does: leftmost match first, the
 * longest token among those starting there, matches never overlapping.
 */
final class AddedTokenSplitter {
    /** Tokens by first UTF-16 unit, longest first. */
    private final Map<Character, List<AddedToken>> byFirst = new HashMap<>();

    AddedTokenSplitter(List<AddedToken> tokens) {
        for (AddedToken t : tokens) {
            if (!t.content().isEmpty()) {
                byFirst.computeIfAbsent(t.content().charAt(0), k -> new ArrayList<>()).add(t);
            }
        }
        for (List<AddedToken> l : byFirst.values()) {
            l.sort(Comparator.comparingInt((AddedToken t) -> t.content().length()).reversed());
        }
    }

    /** Splits a text piece into added tokens and the text between them, appending the non-empty parts to {@code out}. */
    void split(Piece piece, List<Piece> out) {
        String s = piece.text();
        int done = 0;
        int from = 0;
        while (from < s.length()) {
            int[] match = find(s, from);
            if (match == null) {
                break;
            }
            int start = match[0];
            int stop = match[1];
            AddedToken t = tokenAt(s, start, stop);
            from = stop;
            if (t.singleWord()) {
                boolean wordBefore = start > 0 && Chars.isWordChar(s.codePointBefore(start));
                boolean wordAfter = stop < s.length() && Chars.isWordChar(s.codePointAt(stop));
                if (wordBefore || wordAfter) {
                    continue;
                }
            }
            if (t.lstrip()) {
                int left = start;
                while (left > 0 && Chars.isWhitespace(s.codePointBefore(left))) {
                    left -= Character.charCount(s.codePointBefore(left));
                }
                start = Math.max(left, done);
            }
            if (t.rstrip()) {
                while (stop < s.length() && Chars.isWhitespace(s.codePointAt(stop))) {
                    stop += Character.charCount(s.codePointAt(stop));
                }
            }
            if (done < start) {
                out.add(Piece.text(s.substring(done, start), piece.atStart() && done == 0));
            }
            out.add(new Piece(s.substring(start, stop), false, t.id()));
            done = stop;
            from = Math.max(from, stop);
        }
        if (done < s.length()) {
            out.add(Piece.text(s.substring(done), piece.atStart() && done == 0));
        }
    }

    /** The leftmost-longest match at or after {@code from}, as {start, end}. */
    private int[] find(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            List<AddedToken> candidates = byFirst.get(s.charAt(i));
            if (candidates != null) {
                for (AddedToken t : candidates) {
                    if (s.startsWith(t.content(), i)) {
                        return new int[] {i, i + t.content().length()};
                    }
                }
            }
        }
        return null;
    }

    private AddedToken tokenAt(String s, int start, int stop) {
        for (AddedToken t : byFirst.get(s.charAt(start))) {
            if (t.content().length() == stop - start && s.startsWith(t.content(), start)) {
                return t;
            }
        }
        throw new IllegalStateException();
    }
}
