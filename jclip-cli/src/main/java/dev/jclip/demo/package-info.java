/**
 * The {@code jclip demo} job ({@link dev.jclip.demo.Demo}): learns a small BPE vocabulary from the
 * training captions, trains a CLIP from scratch on generated shapes or Fashion-MNIST
 * ({@link dev.jclip.demo.DemoData}) within a time or step budget, evaluates it zero-shot and by
 * retrieval, and writes a self-contained HTML report.
 *
 * <p>Uses the library as a user would: jclip-data for the data, jclip-train to train and evaluate.
 */
package dev.jclip.demo;
