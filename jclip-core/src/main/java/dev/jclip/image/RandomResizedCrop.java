package dev.jclip.image;

import dev.jclip.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Training augmentation as torchvision's {@code RandomResizedCrop} (OpenCLIP uses
 * scale 0.9..1.0, aspect ratio 3/4..4/3): pick a box whose area is a uniform fraction
 * of the image and whose aspect ratio is log-uniform, up to 10 tries, else fall back
 * to a center crop clamped to the ratio range; crop it and resize it to
 * {@code size x size} with Pillow's bicubic. Randomness comes only from the
 * {@link SplittableRandom} passed in, so a seed reproduces the same bits.
 */
public final class RandomResizedCrop {
    /** A crop box: left, top, width, height in pixels. */
    public record Box(int x, int y, int width, int height) {}

    private static final int ATTEMPTS = 10;

    private final int size;
    private final double minScale, maxScale;
    private final double minRatio, maxRatio;

    /** Crops of {@code minScale..maxScale} of the area and aspect ratio {@code minRatio..maxRatio}, resized to {@code size}². */
    public RandomResizedCrop(int size, double minScale, double maxScale, double minRatio, double maxRatio) {
        if (size <= 0) {
            throw new IllegalArgumentException("crop size must be positive, got " + size);
        }
        if (!(0 < minScale && minScale <= maxScale && maxScale <= 1)) {
            throw new IllegalArgumentException("need 0 < minScale <= maxScale <= 1, got " + minScale + ", " + maxScale);
        }
        if (!(0 < minRatio && minRatio <= maxRatio)) {
            throw new IllegalArgumentException("need 0 < minRatio <= maxRatio, got " + minRatio + ", " + maxRatio);
        }
        this.size = size;
        this.minScale = minScale;
        this.maxScale = maxScale;
        this.minRatio = minRatio;
        this.maxRatio = maxRatio;
    }

    /** OpenCLIP's training crop: scale 0.9..1.0, ratio 3/4..4/3. */
    public static RandomResizedCrop openClip(int size) {
        return new RandomResizedCrop(size, 0.9, 1.0, 3.0 / 4.0, 4.0 / 3.0);
    }

    /** The side of the square output. */
    public int size() {
        return size;
    }

    /** torchvision's {@code RandomResizedCrop.get_params} for a {@code width x height} image. */
    public Box sample(int width, int height, SplittableRandom rng) {
        double area = (double) width * height;
        double logMin = Math.log(minRatio), logMax = Math.log(maxRatio);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * uniform(rng, minScale, maxScale);
            double ratio = Math.exp(uniform(rng, logMin, logMax));
            int w = (int) Math.rint(Math.sqrt(targetArea * ratio));
            int h = (int) Math.rint(Math.sqrt(targetArea / ratio));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new Box(left, top, w, h);
            }
        }
        double inRatio = (double) width / height;
        int w, h;
        if (inRatio < minRatio) {
            w = width;
            h = (int) Math.rint(w / minRatio);
        } else if (inRatio > maxRatio) {
            h = height;
            w = (int) Math.rint(h * maxRatio);
        } else {
            w = width;
            h = height;
        }
        return new Box((width - w) / 2, (height - h) / 2, w, h);
    }

    /** A random crop of {@code image} resized to {@code size x size}, still in the image's mode. */
    public PixelImage apply(PixelImage image, SplittableRandom rng) {
        Box box = sample(image.width(), image.height(), rng);
        PixelImage crop = image.crop(box.x(), box.y(), box.width(), box.height());
        return Resample.resize(crop, size, size);
    }

    /** {@link #apply} then RGB, [0, 1] and CLIP normalization: a float32 {@code [3, size, size]} tensor. */
    public Tensor preprocess(PixelImage image, SplittableRandom rng) {
        return ImagePreprocessor.toTensor(apply(image, rng));
    }

    /** Uniform in [lo, hi), like {@code torch.empty(1).uniform_(lo, hi)}. */
    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }
}
