/**
 * Evaluation of a CLIP model from its embeddings: zero-shot classification
 * ({@link dev.jclip.eval.ZeroShotTask}, scored by {@link dev.jclip.eval.ZeroShot}) and image-text
 * retrieval recall ({@link dev.jclip.eval.RetrievalTask}, {@link dev.jclip.eval.Retrieval}), run
 * alone ({@code jclip eval}) or every few training steps ({@link dev.jclip.eval.PeriodicEval}).
 *
 * <p>Embeds through jclip-core's {@link dev.jclip.api.ClipModel} and
 * {@link dev.jclip.api.ZeroShotClassifier}, as users would.
 */
package dev.jclip.eval;
