package dev.jclip.text.hf;

/** One step of a {@code tokenizer.json} "normalizer": text in, normalized text out. */
@FunctionalInterface
interface Normalizer {
    String normalize(String text);
}
