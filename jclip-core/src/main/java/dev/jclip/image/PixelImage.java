package dev.jclip.image;

import java.util.Arrays;

/**
 * A decoded image as Pillow holds it: a mode (which decides how it is resized and
 * how it becomes RGB) and 8-bit samples, interleaved per pixel. The reference
 * pipeline resizes in the file's own mode and converts to RGB only afterwards, so
 * keeping the mode is what makes the result identical to Pillow's.
 */
public final class PixelImage {

    /** Pillow's image modes that CLIP preprocessing meets. */
    public enum Mode {
        /** Bilevel, stored as 0 or 255; resized nearest-neighbour. */
        ONE("1", 1),
        /** 8-bit gray. */
        L("L", 1),
        /** 8-bit gray and alpha; resized premultiplied. */
        LA("LA", 2),
        /** 8-bit palette indices; resized nearest-neighbour. */
        P("P", 1),
        /** 8-bit RGB. */
        RGB("RGB", 3),
        /** 8-bit RGB and alpha; resized premultiplied. */
        RGBA("RGBA", 4),
        /** 8-bit CMYK (as a CMYK JPEG or TIFF decodes). */
        CMYK("CMYK", 4),
        /** 32-bit signed gray; converting it to RGB clamps to 0..255. */
        I("I", 1),
        /**
         * 16-bit unsigned gray (Pillow 12's mode for 16-bit gray PNG and TIFF): each resize pass
         * clamps to 0..65535, and converting it to RGB clamps to 0..255.
         */
        I16("I;16", 1);

        private final String pillowName;

        /** Samples per pixel. */
        public final int bands;

        Mode(String pillowName, int bands) {
            this.pillowName = pillowName;
            this.bands = bands;
        }

        /** The mode's name in Pillow: "1", "L", ..., "I;16". */
        public String pillowName() {
            return pillowName;
        }
    }

    private final Mode mode;
    private final int width;
    private final int height;
    private final byte[] samples;
    private final int[] ints;
    private final int[] palette;

    private PixelImage(Mode mode, int width, int height, byte[] samples, int[] ints, int[] palette) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        long n = (long) width * height * mode.bands;
        int stored = samples != null ? samples.length : ints.length;
        if (n != stored) {
            throw new IllegalArgumentException(mode + " image " + width + "x" + height + " needs " + n
                    + " samples, got " + stored);
        }
        this.mode = mode;
        this.width = width;
        this.height = height;
        this.samples = samples;
        this.ints = ints;
        this.palette = palette;
    }

    /** An 8-bit image in any mode but {@link Mode#P}, {@link Mode#I} and {@link Mode#I16}; {@code samples} is not copied. */
    public static PixelImage of(Mode mode, int width, int height, byte[] samples) {
        if (mode == Mode.P || mode == Mode.I || mode == Mode.I16) {
            throw new IllegalArgumentException("use ofPalette, ofInts or ofUint16 for mode " + mode);
        }
        return new PixelImage(mode, width, height, samples, null, null);
    }

    /** A palette image: one index per pixel into {@code palette} (0xRRGGBB entries); arrays not copied. */
    public static PixelImage ofPalette(int width, int height, byte[] indices, int[] palette) {
        return new PixelImage(Mode.P, width, height, indices, null, palette);
    }

    /** A mode-I image (32-bit gray); {@code values} is not copied. */
    public static PixelImage ofInts(int width, int height, int[] values) {
        return new PixelImage(Mode.I, width, height, null, values, null);
    }

    /** A mode-I;16 image (16-bit unsigned gray, values 0..65535); {@code values} is not copied. */
    public static PixelImage ofUint16(int width, int height, int[] values) {
        for (int v : values) {
            if (v < 0 || v > 0xFFFF) {
                throw new IllegalArgumentException("mode I;16 holds 0..65535, got " + v);
            }
        }
        return new PixelImage(Mode.I16, width, height, null, values, null);
    }

    /** How the pixels are stored. */
    public Mode mode() {
        return mode;
    }

    /** Width in pixels. */
    public int width() {
        return width;
    }

    /** Height in pixels. */
    public int height() {
        return height;
    }

    /** The interleaved 8-bit samples (palette indices in mode P); null in modes I and I;16. Not a copy. */
    byte[] samples() {
        return samples;
    }

    /** The values of a mode-I or I;16 image; null otherwise. Not a copy. */
    int[] ints() {
        return ints;
    }

    /** The palette of a mode-P image (0xRRGGBB); null otherwise. Not a copy. */
    int[] palette() {
        return palette;
    }

    /** A new image with the same mode and palette and other samples (already laid out for {@code w x h}). */
    PixelImage withSamples(int w, int h, byte[] newSamples) {
        return new PixelImage(mode, w, h, newSamples, null, palette);
    }

    /** Pillow's {@code crop((x, y, x + w, y + h))}: the box must lie inside the image. */
    public PixelImage crop(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height) {
            throw new IllegalArgumentException("crop box (" + x + ", " + y + ", " + w + "x" + h
                    + ") is not inside the " + width + "x" + height + " image");
        }
        int b = mode.bands;
        if (ints != null) {
            int[] out = new int[w * h];
            for (int r = 0; r < h; r++) {
                System.arraycopy(ints, (y + r) * width + x, out, r * w, w);
            }
            return new PixelImage(mode, w, h, null, out, null);
        }
        byte[] out = new byte[w * h * b];
        for (int r = 0; r < h; r++) {
            System.arraycopy(samples, ((y + r) * width + x) * b, out, r * w * b, w * b);
        }
        return withSamples(w, h, out);
    }

    /** A {@code w x h} image of the same mode and palette whose pixel i is this image's pixel {@code from[i]}. */
    PixelImage gather(int w, int h, int[] from) {
        if (ints != null) {
            int[] out = new int[w * h];
            for (int i = 0; i < out.length; i++) {
                out[i] = ints[from[i]];
            }
            return new PixelImage(mode, w, h, null, out, null);
        }
        int b = mode.bands;
        byte[] out = new byte[w * h * b];
        for (int i = 0; i < w * h; i++) {
            System.arraycopy(samples, from[i] * b, out, i * b, b);
        }
        return withSamples(w, h, out);
    }

    /**
     * A border of {@code fill} around the image, in its own mode: torchvision's
     * {@code pad(image, [left, top, right, bottom], fill)} of a Pillow image
     * ({@code ImageOps.expand}). Every band of a border pixel is {@code fill} (alpha
     * too); a bilevel image stores any nonzero fill as 255; in a palette image
     * {@code fill} is an index, and the palette is re-attached as Pillow's
     * {@code putpalette} does, so indices past its end now mean black.
     */
    public PixelImage pad(int left, int top, int right, int bottom, int fill) {
        if (left < 0 || top < 0 || right < 0 || bottom < 0) {
            throw new IllegalArgumentException("padding must not be negative, got (" + left + ", " + top + ", "
                    + right + ", " + bottom + ")");
        }
        if (fill < 0 || fill > 255) {
            throw new IllegalArgumentException("fill must be 0..255, got " + fill);
        }
        int w = width + left + right, h = height + top + bottom, b = mode.bands;
        if (ints != null) {
            int[] out = new int[w * h];
            Arrays.fill(out, fill);
            for (int r = 0; r < height; r++) {
                System.arraycopy(ints, r * width, out, (top + r) * w + left, width);
            }
            return new PixelImage(mode, w, h, null, out, null);
        }
        byte[] out = new byte[w * h * b];
        Arrays.fill(out, (byte) (mode == Mode.ONE && fill != 0 ? 255 : fill));
        for (int r = 0; r < height; r++) {
            System.arraycopy(samples, r * width * b, out, ((top + r) * w + left) * b, width * b);
        }
        if (mode == Mode.P) {
            return ofPalette(w, h, out, Arrays.copyOf(palette, Math.max(palette.length, 256)));
        }
        return withSamples(w, h, out);
    }

    /**
     * Pillow's {@code convert("RGB")}: interleaved R, G, B bytes. Gray is replicated,
     * alpha is dropped (not composited), palette indices are looked up, modes I and
     * I;16 are clamped to 0..255, CMYK becomes (255 - K)(1 - C/255) and so on.
     */
    public byte[] toRgb() {
        int n = width * height;
        byte[] rgb = new byte[3 * n];
        switch (mode) {
            case RGB -> System.arraycopy(samples, 0, rgb, 0, 3 * n);
            case RGBA -> {
                for (int i = 0; i < n; i++) {
                    rgb[3 * i] = samples[4 * i];
                    rgb[3 * i + 1] = samples[4 * i + 1];
                    rgb[3 * i + 2] = samples[4 * i + 2];
                }
            }
            case L, ONE, LA -> {
                int b = mode.bands;
                for (int i = 0; i < n; i++) {
                    byte v = samples[b * i];
                    rgb[3 * i] = v;
                    rgb[3 * i + 1] = v;
                    rgb[3 * i + 2] = v;
                }
            }
            case CMYK -> {
                // Pillow's cmyk2rgb: each of C, M, Y scaled by (255 - K), rounded as MULDIV255.
                for (int i = 0; i < n; i++) {
                    int nk = 255 - (samples[4 * i + 3] & 0xFF);
                    for (int c = 0; c < 3; c++) {
                        int t = (samples[4 * i + c] & 0xFF) * nk + 128;
                        rgb[3 * i + c] = (byte) Math.clamp(nk - (((t >> 8) + t) >> 8), 0, 255);
                    }
                }
            }
            case P -> {
                for (int i = 0; i < n; i++) {
                    int index = samples[i] & 0xFF;
                    // Pillow's palette starts as a gray ramp; entries a short palette leaves out stay gray.
                    int c = index < palette.length ? palette[index] : index * 0x010101;
                    rgb[3 * i] = (byte) (c >> 16);
                    rgb[3 * i + 1] = (byte) (c >> 8);
                    rgb[3 * i + 2] = (byte) c;
                }
            }
            case I, I16 -> {
                for (int i = 0; i < n; i++) {
                    byte v = (byte) Math.clamp(ints[i], 0, 255);
                    rgb[3 * i] = v;
                    rgb[3 * i + 1] = v;
                    rgb[3 * i + 2] = v;
                }
            }
        }
        return rgb;
    }

    @Override
    public String toString() {
        return "PixelImage[" + mode + ", " + width + "x" + height
                + (palette != null ? ", palette of " + palette.length : "") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelImage p && p.mode == mode && p.width == width && p.height == height
                && Arrays.equals(p.samples, samples) && Arrays.equals(p.ints, ints)
                && Arrays.equals(p.palette, palette);
    }

    @Override
    public int hashCode() {
        return ((mode.hashCode() * 31 + width) * 31 + height) * 31 + Arrays.hashCode(samples);
    }
}
