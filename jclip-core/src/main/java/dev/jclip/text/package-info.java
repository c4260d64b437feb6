/**
 * CLIP's tokenizer, identical to OpenAI's {@code simple_tokenizer.py} and to Hugging Face's
 * {@code CLIPTokenizer}: {@link dev.jclip.text.ClipTokenizer} cleans text as ftfy 6.3 and Python's
 * {@code html.unescape} do (mojibake repair included), splits it into words and applies byte-level
 * BPE, giving a {@link dev.jclip.text.TokenBatch} for the text tower.
 *
 * <p>Uses only {@code io} (to read a Hugging Face {@code vocab.json}); {@code api} pairs it with a
 * model, jclip-train tokenizes captions with it.
 */
package dev.jclip.text;
