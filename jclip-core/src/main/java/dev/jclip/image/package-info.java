/**
 * Image decoding and preprocessing, equal bit for bit to what open_clip and transformers compute
 * with Pillow and torchvision: {@link dev.jclip.image.ImageDecoder} reads a file into a
 * {@link dev.jclip.image.PixelImage} as Pillow opens it (with its own JPEG and WebP decoders, and
 * ImageIO for PNG, GIF, BMP and TIFF), and {@link dev.jclip.image.ImagePreprocessor} turns it into
 * the model's input tensor as a checkpoint's {@link dev.jclip.image.PreprocessConfig} says.
 * Where libdeflate and libjpeg-turbo are installed and this module has native access, PNG image
 * data and JPEG component planes are decoded by them (the same bytes), unless the system property
 * {@code jclip.nativeCodecs} is {@code false}.
 * {@link dev.jclip.image.RandomResizedCrop} is the training augmentation.
 *
 * <p>Depends only on {@code tensor}; {@code api} uses it for inference and jclip-train for batches.
 */
package dev.jclip.image;
