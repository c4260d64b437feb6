package dev.jclip.image;

import dev.jclip.image.PreprocessConfig.Pipeline;
import dev.jclip.image.PreprocessConfig.Rgb;
import dev.jclip.image.PreprocessConfig.Size;
import dev.jclip.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A checkpoint's evaluation transform ({@link PreprocessConfig}): resize, center
 * crop or pad, RGB conversion, rescale and normalize, giving a float32
 * {@code [3, h, w]} tensor (CHW), equal bit for bit to what the config's library
 * gives on the same decoded pixels (open_clip 3.3 with Pillow 12.3, transformers 5
 * with torch 2.13). {@link #clip} is OpenAI's {@code clip._transform}: shorter side
 * to {@code size} with Pillow's bicubic, center crop, CLIP's mean and std.
 */
public final class ImagePreprocessor {
    /** OpenAI's normalization (the size plays no part in it). */
    private static final PreprocessConfig OPENAI = PreprocessConfig.openAi(1);

    private final PreprocessConfig config;
    private final ImageDecoder decoder;

    private ImagePreprocessor(PreprocessConfig config, ImageDecoder decoder) {
        this.config = Objects.requireNonNull(config, "config");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
    }

    /** CLIP's transform to {@code size x size}, decoding with the default pixel limit. */
    public static ImagePreprocessor clip(int size) {
        return of(PreprocessConfig.openAi(size));
    }

    /** The transform {@code config} describes, decoding with the default pixel limit. */
    public static ImagePreprocessor of(PreprocessConfig config) {
        return new ImagePreprocessor(config, new ImageDecoder());
    }

    /** The same transform decoding with {@code decoder} (e.g. another pixel limit). */
    public ImagePreprocessor withDecoder(ImageDecoder decoder) {
        return new ImagePreprocessor(config, decoder);
    }

    /** What this transform does. */
    public PreprocessConfig config() {
        return config;
    }

    /** The decoder that reads the image files. */
    public ImageDecoder decoder() {
        return decoder;
    }

    /** Decodes and preprocesses an image file. */
    public Tensor preprocess(Path file) throws BadImageException {
        return preprocess(ImageDecoder.read(file), file.toString());
    }

    /**
     * Decodes and preprocesses an encoded image; {@code name} identifies it in errors. A JPEG
     * or an 8-bit gray or RGB PNG that open_clip's pipeline resizes in one resample call is
     * resized while it is decoded (the same pixels, without a full-size image).
     */
    public Tensor preprocess(byte[] encoded, String name) throws BadImageException {
        return normalize(resizeAndCrop(encoded, name), config);
    }

    /** {@link #resizeAndCrop(PixelImage)} of an encoded image, JPEGs and PNGs resized while decoded where possible. */
    PixelImage resizeAndCrop(byte[] encoded, String name) throws BadImageException {
        PixelImage image;
        try {
            ImageFormat format = ImageFormat.sniff(encoded, name);
            boolean streams = format == ImageFormat.JPEG || format == ImageFormat.PNG && PngDecoder.reads(encoded);
            if (config.pipeline() == Pipeline.OPEN_CLIP && streams) {
                Geometry[] planned = new Geometry[1];
                RowPlanner planner = (w, h, mode) -> {
                    Geometry g = geometry(w, h);
                    if (g.outW == w && g.outH == h || !Resample.oneCall(w, h, g.outW, g.outH)) {
                        return null;
                    }
                    planned[0] = g;
                    return Resample.rowResampler(config.interpolation(), Resample.Arithmetic.PILLOW, mode.bands, w, h,
                            g.outW, g.outH, g.x0, g.y0, g.x1 - g.x0, g.y1 - g.y0);
                };
                image = format == ImageFormat.JPEG ? JpegDecoder.decode(encoded, name, decoder.maxPixels(), planner)
                        : PngDecoder.decode(encoded, name, decoder.maxPixels(), planner);
                if (planned[0] != null) {
                    return padToCrop(image, planned[0]);
                }
            } else {
                image = decoder.decode(encoded, name);
            }
            return resizeAndCrop(image);
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
        return normalize(resizeAndCrop(image), config);
    }

    /**
     * The resize and the center crop (or pad) of the config. {@link Pipeline#OPEN_CLIP}
     * works in the image's own mode, {@link Pipeline#TRANSFORMERS} converts to RGB
     * first. Only the part of the resized image that the crop keeps is computed.
     */
    public PixelImage resizeAndCrop(PixelImage image) {
        boolean torch = config.pipeline() == Pipeline.TRANSFORMERS;
        PixelImage src = torch && image.mode() != PixelImage.Mode.RGB
                ? PixelImage.of(PixelImage.Mode.RGB, image.width(), image.height(), image.toRgb())
                : image;
        Geometry g = geometry(src.width(), src.height());
        PixelImage kept;
        if (g.outW == src.width() && g.outH == src.height()) {
            kept = src.crop(g.x0, g.y0, g.x1 - g.x0, g.y1 - g.y0);
        } else if (torch) {
            kept = Resample.resizeAsTorch(src, config.interpolation(), g.outW, g.outH, g.x0, g.y0, g.x1 - g.x0,
                    g.y1 - g.y0);
        } else {
            kept = Resample.resize(src, config.interpolation(), g.outW, g.outH, g.x0, g.y0, g.x1 - g.x0,
                    g.y1 - g.y0);
        }
        return padToCrop(kept, g);
    }

    /**
     * Where a {@code w x h} image goes: resized to {@code outW x outH}, of which the crop box
     * at {@code (left, top)} is kept; {@code x0 .. x1, y0 .. y1} is the part of the box inside
     * the resized image (the rest is padding).
     */
    private record Geometry(int outW, int outH, Size crop, int left, int top, int x0, int y0, int x1, int y1) {}

    private Geometry geometry(int w, int h) {
        boolean torch = config.pipeline() == Pipeline.TRANSFORMERS;
        int[] resized = resizedSize(w, h);
        int outW = resized[0], outH = resized[1];
        Size crop = config.cropSize() != null ? config.cropSize() : new Size(outH, outW);
        // The crop box in the resized image; it reaches outside where the crop pads.
        int left = cropStart(outW, crop.width(), torch), top = cropStart(outH, crop.height(), torch);
        return new Geometry(outW, outH, crop, left, top, Math.max(left, 0), Math.max(top, 0),
                Math.min(left + crop.width(), outW), Math.min(top + crop.height(), outH));
    }

    /** The kept part of the resized image padded out to the crop box. */
    private PixelImage padToCrop(PixelImage kept, Geometry g) {
        if (kept.width() == g.crop.width() && kept.height() == g.crop.height()) {
            return kept;
        }
        return kept.pad(g.x0 - g.left, g.y0 - g.top, g.left + g.crop.width() - g.x1, g.top + g.crop.height() - g.y1,
                config.fillColor());
    }

    /** The {@code {width, height}} the image is resized to. */
    private int[] resizedSize(int w, int h) {
        Size target = config.resizeSize();
        return switch (config.resizeMode()) {
            case NONE -> new int[] {w, h};
            case SQUASH -> new int[] {target.width(), target.height()};
            case SHORTEST -> target.height() == target.width() ? shorterSideTo(w, h, target.height())
                    : keepRatio(w, h, Math.min((double) h / target.height(), (double) w / target.width()));
            case LONGEST -> keepRatio(w, h, Math.max((double) h / target.height(), (double) w / target.width()));
        };
    }

    /** torchvision's {@code Resize(size)}: the shorter side becomes {@code size}, the longer {@code int(size * long / short)}. */
    private static int[] shorterSideTo(int w, int h, int size) {
        double longSide = (double) ((long) size * Math.max(w, h)) / Math.min(w, h);
        if (longSide > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a " + w + "x" + h + " image is too elongated to resize its shorter side to "
                    + size);
        }
        return w <= h ? new int[] {size, (int) longSide} : new int[] {(int) longSide, size};
    }

    /** open_clip's {@code ResizeKeepRatio}: each side divided by {@code ratio}, rounded half to even. */
    private static int[] keepRatio(int w, int h, double ratio) {
        double outW = Math.rint(w / ratio), outH = Math.rint(h / ratio);
        if (outW < 1 || outH < 1 || outW > Integer.MAX_VALUE || outH > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a " + w + "x" + h + " image is too elongated to resize to "
                    + outW + "x" + outH);
        }
        return new int[] {(int) outW, (int) outH};
    }

    /**
     * Where a crop of {@code crop} starts along a side of {@code side} pixels. A larger
     * crop pads: {@code (crop - side) // 2} before, the rest after. A smaller one
     * starts at {@code (side - crop) / 2}, which torchvision rounds half to even and
     * transformers truncates.
     */
    private static int cropStart(int side, int crop, boolean truncate) {
        if (crop > side) {
            return -((crop - side) / 2);
        }
        return truncate ? (side - crop) / 2 : (int) Math.rint((side - crop) / 2.0);
    }

    /**
     * Converts to RGB, rescales and normalizes as {@code config}'s pipeline does, in float32:
     * open_clip's {@code ToTensor} and {@code Normalize} give {@code (v / 255 - mean) / std};
     * transformers fuses them into {@code (v - mean/r) / (std/r)} (and, without
     * normalization, {@code v * r}).
     */
    public static Tensor normalize(PixelImage image, PreprocessConfig config) {
        int w = image.width(), h = image.height(), plane = w * h;
        byte[] rgb = image.toRgb();
        float[] out = new float[3 * plane];
        boolean identity = config.mean().equals(new Rgb(0, 0, 0)) && config.std().equals(new Rgb(1, 1, 1));
        float rescale = (float) config.rescaleFactor();
        for (int c = 0; c < 3; c++) {
            float mean = (float) config.mean().get(c), std = (float) config.std().get(c);
            int o = c * plane;
            if (config.pipeline() == Pipeline.OPEN_CLIP) {
                for (int i = 0; i < plane; i++) {
                    out[o + i] = ((rgb[3 * i + c] & 0xFF) / 255f - mean) / std;
                }
            } else if (identity) {
                for (int i = 0; i < plane; i++) {
                    out[o + i] = (rgb[3 * i + c] & 0xFF) * rescale;
                }
            } else {
                // torch scales the float32 mean and std by the float32 of 1/r.
                float inverse = (float) (1.0 / config.rescaleFactor());
                float fusedMean = mean * inverse, fusedStd = std * inverse;
                for (int i = 0; i < plane; i++) {
                    out[o + i] = ((rgb[3 * i + c] & 0xFF) - fusedMean) / fusedStd;
                }
            }
        }
        return Tensor.of(out, 3, h, w);
    }

    /**
     * OpenAI CLIP's {@code convert("RGB")}, {@code ToTensor} and {@code Normalize}:
     * each 8-bit value v becomes {@code (v / 255 - mean) / std} in float32, laid out
     * {@code [3, h, w]}.
     */
    public static Tensor toTensor(PixelImage image) {
        return normalize(image, OPENAI);
    }
}
