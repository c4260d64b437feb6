package dev.jclip.text.hf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;

/**
 * A tokenizer read from a Hugging Face {@code tokenizer.json}, encoding exactly as the
 * {@code tokenizers} library's {@code Tokenizer.encode(text).ids}: added tokens split out,
 * normalizer, pre-tokenizer, model (WordPiece, BPE or Unigram), truncation leaving room for the
 * post-processor's special tokens, post-processor, padding. Components it does not implement
 * are refused at load, naming the component and the file. Immutable and thread-safe.
 */
public final class HfTokenizer {
    private final AddedTokenSplitter rawTokens;
    private final AddedTokenSplitter normalizedTokens;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final TokenModel model;
    private final PostProcessor postProcessor;
    private final Truncation truncation;
    private final Padding padding;

    HfTokenizer(AddedTokenSplitter rawTokens, AddedTokenSplitter normalizedTokens, Normalizer normalizer,
            PreTokenizer preTokenizer, TokenModel model, PostProcessor postProcessor, Truncation truncation,
            Padding padding) {
        this.rawTokens = rawTokens;
        this.normalizedTokens = normalizedTokens;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.postProcessor = postProcessor;
        this.truncation = truncation;
        this.padding = padding;
    }

    /** Reads {@code file}; throws {@link IllegalArgumentException} naming the file and the part it cannot use. */
    public static HfTokenizer load(Path file) throws IOException {
        return TokenizerJson.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses tokenizer.json text; {@code source} names it in errors. */
    public static HfTokenizer parse(String json, String source) {
        return TokenizerJson.parse(json, source);
    }

    /** The ids of {@code text} with the special tokens, truncation and padding the file configures (or the overrides set). */
    public int[] encode(String text) {
        return encodeChecked(text).ids();
    }

    /** As {@link #encode}, also saying whether truncation dropped ids of {@code text}. */
    public HfEncoding encodeChecked(String text) {
        List<Piece> pieces = new ArrayList<>();
        rawTokens.split(Piece.text(text, true), pieces);
        List<Piece> words = new ArrayList<>();
        for (Piece p : pieces) {
            if (p.isToken()) {
                words.add(p);
                continue;
            }
            List<Piece> parts = new ArrayList<>();
            normalizedTokens.split(Piece.text(normalizer.normalize(p.text()), p.atStart()), parts);
            for (Piece part : parts) {
                if (part.isToken()) {
                    words.add(part);
                } else {
                    preTokenizer.split(part, words);
                }
            }
        }
        IntStream.Builder ids = IntStream.builder();
        for (Piece w : words) {
            if (w.isToken()) {
                ids.accept(w.tokenId());
            } else if (!w.text().isEmpty()) {
                model.encode(w.text(), ids);
            }
        }
        int[] result = ids.build().toArray();
        int untruncated = result.length;
        if (truncation != null) {
            result = truncation.apply(result, postProcessor.added());
        }
        boolean truncated = result.length < untruncated;
        result = postProcessor.process(result);
        return new HfEncoding(padding == null ? result : padding.apply(result), truncated);
    }

    /** The truncation length, if the file or {@link #withMaxLength} sets one. */
    public OptionalInt maxLength() {
        return truncation == null ? OptionalInt.empty() : OptionalInt.of(truncation.maxLength());
    }

    /** This tokenizer truncating to {@code maxLength} ids, special tokens included (at the side the file says, else the end). */
    public HfTokenizer withMaxLength(int maxLength) {
        if (maxLength <= postProcessor.added()) {
            throw new IllegalArgumentException("max length " + maxLength + " leaves no room beside the "
                    + postProcessor.added() + " special tokens");
        }
        Truncation t = new Truncation(maxLength, truncation != null && truncation.left());
        return new HfTokenizer(rawTokens, normalizedTokens, normalizer, preTokenizer, model, postProcessor, t, padding);
    }

    /** This tokenizer padding every sequence to {@code length} ids with {@code padId} (at the side the file says, else the end). */
    public HfTokenizer withPadding(int length, int padId) {
        if (length < 1) {
            throw new IllegalArgumentException("padding length must be positive, got " + length);
        }
        Padding p = new Padding(length, 0, padId, padding != null && padding.left());
        return new HfTokenizer(rawTokens, normalizedTokens, normalizer, preTokenizer, model, postProcessor, truncation, p);
    }

    /** The id of {@code token} in the model's vocabulary, or -1. */
    public int tokenId(String token) {
        return model.id(token);
    }
}
