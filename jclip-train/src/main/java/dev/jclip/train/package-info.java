/**
 * Contrastive training of a {@link dev.jclip.nn.Clip}: the {@link dev.jclip.train.Trainer}
 * (symmetric InfoNCE, {@link dev.jclip.train.AdamW} with PyTorch's arithmetic, learning-rate
 * schedules, exact large batches by gradient caching, a stop before any non-finite update),
 * batches from jclip-data sources ({@link dev.jclip.train.ExampleBatches}) and atomic
 * {@link dev.jclip.train.Checkpoints} from which a run resumes bit-exactly.
 *
 * <p>Every random choice derives from the seed and the step ({@link dev.jclip.train.DerivedRandom}),
 * so a run is the same for any thread count and after any resume. {@code dev.jclip.eval} measures
 * the model during and after training.
 */
package dev.jclip.train;
