package dev.jclip.image;

import dev.jclip.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * CLIP's evaluation transform (OpenAI {@code clip._transform}): resize the shorter
 * side to {@code size} with Pillow's bicubic, center-crop {@code size x size},
 * convert to RGB, scale to [0, 1] and normalize with CLIP's mean and std. The result
 * is a float32 {@code [3, size, size]} tensor (CHW), equal bit for bit to
 * Pillow 9.4 + torchvision 0.14 on the same decoded pixels.
 */
public final class ImagePreprocessor {
    /** CLIP's per-channel mean, rounded to float32 from the double literals as torch does. */
    private static final float[] MEAN = {(float) 0.48145466, (float) 0.4578275, (float) 0.40821073};
    /** CLIP's per-channel standard deviation. */
    private static final float[] STD = {(float) 0.26862954, (float) 0.26130258, (float) 0.27577711};

    private final int size;
    private final ImageDecoder decoder;

    private ImagePreprocessor(int size, ImageDecoder decoder) {
        if (size <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + size);
        }
        this.size = size;
        this.decoder = decoder;
    }

    /** CLIP's transform to {@code size x size}, decoding with the default pixel limit. */
    public static ImagePreprocessor clip(int size) {
        return new ImagePreprocessor(size, new ImageDecoder());
    }

    /** The same transform decoding with {@code decoder} (e.g. another pixel limit). */
    public ImagePreprocessor withDecoder(ImageDecoder decoder) {
        return new ImagePreprocessor(size, decoder);
    }

    /** The side of the square output. */
    public int size() {
        return size;
    }

    /** The decoder that reads the image files. */
    public ImageDecoder decoder() {
        return decoder;
    }

    /** Decodes and preprocesses an image file. */
    public Tensor preprocess(Path file) throws BadImageException {
        return preprocessNamed(decoder.decode(file), file.toString());
    }

    /** Decodes and preprocesses an encoded image; {@code name} identifies it in errors. */
    public Tensor preprocess(byte[] encoded, String name) throws BadImageException {
        return preprocessNamed(decoder.decode(encoded, name), name);
    }

    private Tensor preprocessNamed(PixelImage image, String name) throws BadImageException {
        try {
            return preprocess(image);
        } catch (IllegalArgumentException e) {
            throw new BadImageException(name, e.getMessage(), e);
        }
    }

    /** Preprocesses an image made in memory (mapped by {@link ImageDecoder#fromBufferedImage}). */
    public Tensor preprocess(BufferedImage image) {
        return preprocess(ImageDecoder.fromBufferedImage(image));
    }

    /** Preprocesses a decoded image. */
    public Tensor preprocess(PixelImage image) {
        return toTensor(resizeAndCrop(image));
    }

    /**
     * torchvision's {@code Resize(size)} then {@code CenterCrop(size)}, still in the
     * image's own mode: the shorter side becomes {@code size}, the longer
     * {@code int(size * long / short)}, and the crop starts at
     * {@code round((outer - size) / 2)} (half to even).
     */
    public PixelImage resizeAndCrop(PixelImage image) {
        int w = image.width(), h = image.height();
        double longSide = (double) ((long) size * Math.max(w, h)) / Math.min(w, h);
        if (longSide > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a " + w + "x" + h + " image is too elongated to resize its shorter side to "
                    + size);
        }
        int outW = w <= h ? size : (int) longSide;
        int outH = w <= h ? (int) longSide : size;
        int top = (int) Math.rint((outH - size) / 2.0);
        int left = (int) Math.rint((outW - size) / 2.0);
        return Resample.resize(image, outW, outH, left, top, size, size);
    }

    /**
     * {@code convert("RGB")}, {@code ToTensor} and {@code Normalize}: each 8-bit value v
     * becomes {@code (v / 255 - mean) / std} in float32, laid out {@code [3, h, w]}.
     */
    public static Tensor toTensor(PixelImage image) {
        int w = image.width(), h = image.height(), plane = w * h;
        byte[] rgb = image.toRgb();
        float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            float mean = MEAN[c], std = STD[c];
            for (int i = 0; i < plane; i++) {
                out[c * plane + i] = ((rgb[3 * i + c] & 0xFF) / 255f - mean) / std;
            }
        }
        return Tensor.of(out, 3, h, w);
    }
}
