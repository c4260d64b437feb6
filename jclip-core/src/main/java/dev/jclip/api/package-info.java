/**
 * The inference entry point: {@link dev.jclip.api.ClipModel} loads a model folder or file (weights,
 * tokenizer, preprocessing) and embeds images and texts as unit vectors;
 * {@link dev.jclip.api.ZeroShotClassifier} ranks class names for an image.
 *
 * <p>Built on every other package of the core: {@code model} loads the weights into the
 * {@code nn} modules, {@code text} tokenizes, {@code image} decodes and preprocesses. Most users
 * need only this package.
 */
package dev.jclip.api;
