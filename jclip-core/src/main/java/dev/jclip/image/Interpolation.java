package dev.jclip.image;

/**
 * The resampling filter of a resize, as Pillow and torch's antialiased
 * {@code interpolate} define it: a kernel of half-width {@link #support} that is
 * stretched by the scale factor when shrinking. Palette and bilevel images ignore
 * it (Pillow resizes them nearest-neighbour).
 */
public enum Interpolation {
    /** Triangle (linear) kernel, support 1: Pillow's {@code BILINEAR} (PIL code 2). */
    BILINEAR(1.0),
    /** Keys' cubic kernel with a = -0.5, support 2: Pillow's {@code BICUBIC} (PIL code 3). */
    BICUBIC(2.0);

    /** Half-width of the kernel at scale 1, in input pixels. */
    final double support;

    Interpolation(double support) {
        this.support = support;
    }

    /** The kernel at {@code x}, written as Pillow's Resample.c evaluates it. */
    double pillowKernel(double x) {
        return switch (this) {
            case BILINEAR -> linear(x);
            case BICUBIC -> {
                final double a = -0.5;
                double t = Math.abs(x);
                if (t < 1.0) {
                    yield ((a + 2.0) * t - (a + 3.0)) * t * t + 1;
                }
                yield t < 2.0 ? (((t - 5) * t + 8) * t - 4) * a : 0.0;
            }
        };
    }

    /**
     * The kernel at {@code x}, written as torch's UpSample.h evaluates it: the same
     * polynomial, but the outer piece in another order, which can differ from
     * Pillow's in the last bit.
     */
    double torchKernel(double x) {
        return switch (this) {
            case BILINEAR -> linear(x);
            case BICUBIC -> {
                final double a = -0.5;
                double t = Math.abs(x);
                if (t < 1.0) {
                    yield ((a + 2) * t - (a + 3)) * t * t + 1;
                }
                yield t < 2.0 ? ((a * t - 5 * a) * t + 8 * a) * t - 4 * a : 0.0;
            }
        };
    }

    private static double linear(double x) {
        double t = Math.abs(x);
        return t < 1.0 ? 1.0 - t : 0.0;
    }
}
