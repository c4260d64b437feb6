package dev.jclip.text;

import dev.jclip.text.hf.HfEncoding;
import dev.jclip.text.hf.HfTokenizer;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A Hugging Face {@code tokenizer.json} as OpenCLIP's {@code HFTokenizer} and transformers'
 * SigLIP processors call it: each text cleaned ({@link Clean}), encoded with its special tokens,
 * cut to the context length and padded to it with the pad id ({@code padding="max_length"}; no
 * attention mask, SigLIP uses none), and with OpenCLIP's {@code strip_sep_token} the separator's
 * id replaced by 0. Immutable and thread-safe.
 */
public final class HfTextTokenizer implements TextTokenizer {
    /** OpenCLIP's text clean-up before tokenizing ({@code tokenizer_kwargs.clean}). */
    public enum Clean {
        /** None: the text as given (transformers' processors). */
        NONE(s -> s),
        /** Lowercase only: transformers' {@code Siglip2Tokenizer}, which puts a lowercase normalizer first. */
        LOWERCASE(TextCleaner::lower),
        /** {@code basic_clean} (ftfy, HTML entities, strip), then whitespace runs to one space: OpenCLIP's default. */
        WHITESPACE(s -> TextCleaner.joinWords(TextCleaner.basicClean(s))),
        /** As {@link #WHITESPACE}, then lowercase. */
        LOWER(s -> TextCleaner.lower(TextCleaner.joinWords(TextCleaner.basicClean(s)))),
        /** {@code basic_clean}, then lowercase without ASCII punctuation, whitespace collapsed: SigLIP's. */
        CANONICALIZE(s -> TextCleaner.canonicalize(TextCleaner.basicClean(s)));

        private final UnaryOperator<String> fn;

        Clean(UnaryOperator<String> fn) {
            this.fn = fn;
        }

        /** The clean-up of OpenCLIP's name ({@code whitespace}, {@code lower}, {@code canonicalize}). */
        public static Clean of(String name) {
            return switch (name) {
                case "whitespace" -> WHITESPACE;
                case "lower" -> LOWER;
                case "canonicalize" -> CANONICALIZE;
                default -> throw new IllegalArgumentException("unknown text clean-up '" + name
                        + "' (whitespace, lower, canonicalize)");
            };
        }

        /** {@code text} cleaned up. */
        public String apply(String text) {
            return fn.apply(text);
        }
    }

    private final HfTokenizer tokenizer;
    private final Clean clean;
    private final int padId;
    private final int sepId;

    /** {@code tokenizer} with {@code clean} before it, padding with {@code padId}. */
    public HfTextTokenizer(HfTokenizer tokenizer, Clean clean, int padId) {
        this(tokenizer, clean, padId, -1);
    }

    /** As {@link #HfTextTokenizer(HfTokenizer, Clean, int)}, replacing the separator {@code sepId} by 0 (none when negative). */
    public HfTextTokenizer(HfTokenizer tokenizer, Clean clean, int padId, int sepId) {
        if (padId < 0) {
            throw new IllegalArgumentException("pad id must not be negative, got " + padId);
        }
        this.tokenizer = tokenizer;
        this.clean = clean;
        this.padId = padId;
        this.sepId = sepId;
    }

    /** The clean-up applied before tokenizing. */
    public Clean clean() {
        return clean;
    }

    /** The id padding is made of. */
    public int padId() {
        return padId;
    }

    @Override
    public TokenBatch tokenize(List<String> texts, int context, boolean truncate) {
        HfTokenizer t = tokenizer.withMaxLength(context).withPadding(context, padId);
        int[][] rows = new int[texts.size()][];
        boolean[] truncated = new boolean[texts.size()];
        for (int i = 0; i < rows.length; i++) {
            HfEncoding e = t.encodeChecked(clean.apply(texts.get(i)));
            if (e.truncated() && !truncate) {
                throw new IllegalArgumentException("text " + i + " is longer than the context length " + context
                        + " (truncate to cut it)");
            }
            rows[i] = e.ids();
            if (sepId >= 0) {
                for (int j = 0; j < rows[i].length; j++) {
                    rows[i][j] = rows[i][j] == sepId ? 0 : rows[i][j];
                }
            }
            truncated[i] = e.truncated();
        }
        return new TokenBatch(rows, truncated);
    }

}
