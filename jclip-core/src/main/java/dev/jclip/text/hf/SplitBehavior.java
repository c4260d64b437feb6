package dev.jclip.text.hf;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a split does with the delimiters it finds, as the {@code tokenizers} library's
 * {@code SplitDelimiterBehavior}: drop them, keep each alone, glue each to the part before or
 * after it, or keep runs of them together.
 */
enum SplitBehavior {
    REMOVED, ISOLATED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS;

    /** The behaviour named {@code name} in tokenizer.json ("Removed", "MergedWithNext", ...), or null. */
    static SplitBehavior named(String name) {
        for (SplitBehavior b : values()) {
            if (b.name().replace("_", "").equalsIgnoreCase(name)) {
                return b;
            }
        }
        return null;
    }

    /** The matches of {@code pattern} as {start, end, 1} spans with the gaps between them as {start, end, 0}. */
    static List<int[]> spans(String text, Pattern pattern, boolean invert) {
        List<int[]> spans = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int prev = 0;
        int match = invert ? 0 : 1;
        while (m.find()) {
            if (prev != m.start()) {
                spans.add(new int[] {prev, m.start(), 1 - match});
            }
            spans.add(new int[] {m.start(), m.end(), match});
            prev = m.end();
        }
        if (prev != text.length()) {
            spans.add(new int[] {prev, text.length(), 1 - match});
        }
        return spans;
    }

    /** Every code point that {@code delimiter} accepts as a match of its own, the gaps between them as non-matches. */
    static List<int[]> spans(String text, IntPredicate delimiter) {
        List<int[]> spans = new ArrayList<>();
        int prev = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            if (delimiter.test(c)) {
                if (prev != i) {
                    spans.add(new int[] {prev, i, 0});
                }
                spans.add(new int[] {i, next, 1});
                prev = next;
            }
            i = next;
        }
        if (prev != text.length()) {
            spans.add(new int[] {prev, text.length(), 0});
        }
        return spans;
    }

    /** Splits {@code piece} at the {@code spans} of its text, appending the non-empty parts to {@code out}. */
    void apply(Piece piece, List<int[]> spans, List<Piece> out) {
        List<int[]> parts = new ArrayList<>();
        boolean previousMatch = false;
        switch (this) {
            case REMOVED -> {
                for (int[] s : spans) {
                    if (s[2] == 0) {
                        parts.add(s);
                    }
                }
            }
            case ISOLATED -> parts.addAll(spans);
            case CONTIGUOUS -> {
                for (int[] s : spans) {
                    boolean match = s[2] == 1;
                    if (match == previousMatch && !parts.isEmpty()) {
                        parts.getLast()[1] = s[1];
                    } else {
                        parts.add(s.clone());
                    }
                    previousMatch = match;
                }
            }
            case MERGED_WITH_PREVIOUS -> {
                for (int[] s : spans) {
                    boolean match = s[2] == 1;
                    if (match && !previousMatch && !parts.isEmpty()) {
                        parts.getLast()[1] = s[1];
                    } else {
                        parts.add(s.clone());
                    }
                    previousMatch = match;
                }
            }
            case MERGED_WITH_NEXT -> {
                for (int i = spans.size() - 1; i >= 0; i--) {
                    int[] s = spans.get(i);
                    boolean match = s[2] == 1;
                    if (match && !previousMatch && !parts.isEmpty()) {
                        parts.getLast()[0] = s[0];
                    } else {
                        parts.add(s.clone());
                    }
                    previousMatch = match;
                }
                java.util.Collections.reverse(parts);
            }
        }
        String text = piece.text();
        for (int[] p : parts) {
            if (p[1] > p[0]) {
                out.add(Piece.text(text.substring(p[0], p[1]), piece.atStart() && p[0] == 0));
            }
        }
    }
}
