package dev.jclip.text.hf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The pre-tokenizers of the {@code tokenizers} library, each as its {@code "type"} in tokenizer.json names it. */
final class PreTokenizers {
    private static final Pattern WORDS = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);
    /** GPT-2's split, as the library's ByteLevel pre-tokenizer uses it. */
    private static final Pattern GPT2 = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);
    /** GPT-2's printable stand-ins for the 256 byte values. */
    private static final char[] BYTE_CHARS = new char[256];

    static {
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
            BYTE_CHARS[b] = (char) (printable ? b : 256 + extra++);
        }
    }

    private PreTokenizers() {
    }

    static PreTokenizer sequence(List<PreTokenizer> steps) {
        return (piece, out) -> {
            List<Piece> pieces = List.of(piece);
            for (PreTokenizer step : steps) {
                List<Piece> next = new ArrayList<>();
                for (Piece p : pieces) {
                    step.split(p, next);
                }
                pieces = next;
            }
            out.addAll(pieces);
        };
    }

    /** Runs of word characters and runs of other non-space characters. */
    static PreTokenizer whitespace() {
        return (piece, out) -> SplitBehavior.REMOVED.apply(piece, SplitBehavior.spans(piece.text(), WORDS, true), out);
    }

    static PreTokenizer whitespaceSplit() {
        return (piece, out) -> SplitBehavior.REMOVED.apply(piece, SplitBehavior.spans(piece.text(), Chars::isWhitespace), out);
    }

    /** Splits at whitespace (dropped) and around each punctuation character. */
    static PreTokenizer bert() {
        return sequence(List.of(whitespaceSplit(), punctuation(SplitBehavior.ISOLATED)));
    }

    static PreTokenizer punctuation(SplitBehavior behavior) {
        return (piece, out) -> behavior.apply(piece, SplitBehavior.spans(piece.text(), Chars::isPunctuation), out);
    }

    static PreTokenizer digits(boolean individual) {
        SplitBehavior behavior = individual ? SplitBehavior.ISOLATED : SplitBehavior.CONTIGUOUS;
        return (piece, out) -> behavior.apply(piece, SplitBehavior.spans(piece.text(), Chars::isNumeric), out);
    }

    static PreTokenizer split(Pattern pattern, SplitBehavior behavior, boolean invert) {
        return (piece, out) -> behavior.apply(piece, SplitBehavior.spans(piece.text(), pattern, invert), out);
    }

    /**
     * SentencePiece's word marking: spaces become {@code replacement}, which is prepended to every
     * piece ("always"), to the piece at the start of the text ("first") or never, and each word
     * then starts at a replacement when {@code split}.
     */
    static PreTokenizer metaspace(int replacement, String prependScheme, boolean split) {
        String rep = Character.toString(replacement);
        return (piece, out) -> {
            String text = piece.text().replace(" ", rep);
            boolean prepend = switch (prependScheme) {
                case "always" -> true;
                case "first" -> piece.atStart();
                default -> false;
            };
            if (prepend && !text.isEmpty() && !text.startsWith(rep)) {
                text = rep + text;
            }
            Piece p = Piece.text(text, piece.atStart());
            if (split) {
                SplitBehavior.MERGED_WITH_NEXT.apply(p, SplitBehavior.spans(text, c -> c == replacement), out);
            } else if (!text.isEmpty()) {
                out.add(p);
            }
        };
    }

    /** GPT-2's byte-level split: optional leading space, the GPT-2 regex, then each UTF-8 byte as its stand-in character. */
    static PreTokenizer byteLevel(boolean addPrefixSpace, boolean useRegex) {
        return (piece, out) -> {
            String text = piece.text();
            if (addPrefixSpace && !text.isEmpty() && !text.startsWith(" ")) {
                text = " " + text;
            }
            Piece p = Piece.text(text, piece.atStart());
            List<Piece> parts = new ArrayList<>();
            if (useRegex) {
                SplitBehavior.ISOLATED.apply(p, SplitBehavior.spans(text, GPT2, false), parts);
            } else if (!text.isEmpty()) {
                parts.add(p);
            }
            for (Piece part : parts) {
                byte[] bytes = part.text().getBytes(StandardCharsets.UTF_8);
                char[] chars = new char[bytes.length];
                for (int i = 0; i < bytes.length; i++) {
                    chars[i] = BYTE_CHARS[bytes[i] & 0xFF];
                }
                out.add(Piece.text(new String(chars), part.atStart()));
            }
        };
    }
}
