package dev.jclip.image;

import dev.jclip.image.PixelImage.Mode;

/**
 * Decodes WebP files in pure Java into exactly what Pillow 12 (libwebp 1.6) gives for
 * {@code Image.open(f).load()}: lossy (VP8, with libwebp's fancy chroma upsampling),
 * lossless (VP8L), extended files with alpha ({@code ALPH}, raw or compressed, any
 * filter), and animations, of which Pillow loads the first frame: drawn on a canvas
 * that starts fully transparent (the background colour is not used), like
 * WebPAnimDecoder. The mode is RGBA when libwebp's WebPGetFeatures reports alpha (the
 * extended header's flag, the lossless header's bit, or an ALPH chunk), else RGB.
 *
 * <p>The canvas size is checked against the pixel limit before anything is allocated.
 * A file libwebp refuses (so Pillow too: not WebP, truncated, inconsistent sizes or
 * chunks, a corrupt bitstream) is a {@link BadImageException} naming the file and the
 * problem; a damaged bitstream that libwebp still decodes gives the same pixels here.
 */
final class WebpDecoder {
    private static final int ALPHA_FLAG = 0x10, ANIMATION_FLAG = 0x02;
    /** Alpha, animation, ICC profile, EXIF and XMP: libwebp refuses a header with any other flag. */
    private static final int VALID_FLAGS = 0x3E;

    private final byte[] data;
    private final String name;
    private final long maxPixels;

    private WebpDecoder(byte[] data, String name, long maxPixels) {
        this.data = data;
        this.name = name;
        this.maxPixels = maxPixels;
    }

    /**
     * Decodes a WebP file held in {@code data}; {@code name} identifies it in errors, and an image
     * (canvas) of more than {@code maxPixels} pixels is refused before decoding.
     */
    public static PixelImage decode(byte[] data, String name, long maxPixels) throws BadImageException {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("pixel limit must be positive, got " + maxPixels);
        }
        try {
            return new WebpDecoder(data, name, maxPixels).decode();
        } catch (RuntimeException e) { // a defect the checks missed must still name the file
            throw new BadImageException(name, "corrupt WebP data (" + e + ")", e);
        }
    }

    /** A chunk: its four-character tag and where its payload lies. */
    private record Chunk(String tag, int offset, int size) {}

    /** One image bitstream with its optional alpha chunk. */
    private record Frame(Chunk alpha, Chunk image) {}

    private PixelImage decode() throws BadImageException {
        if (data.length < 12 || !tag(0).equals("RIFF") || !tag(8).equals("WEBP")) {
            throw new BadImageException(name, "not a WebP file (no RIFF/WEBP header)");
        }
        long riffSize = le32(4);
        if (riffSize < 8) {
            throw new BadImageException(name, "RIFF size " + riffSize + " is too small");
        }
        if (riffSize + 8 > data.length) {
            throw new BadImageException(name, "truncated WebP file: RIFF header declares " + (riffSize + 8)
                    + " bytes, the file has " + data.length);
        }
        int end = (int) (riffSize + 8); // data past the RIFF chunk is ignored
        Chunk first = chunk(12, end);
        return switch (first.tag) {
            case "VP8 ", "VP8L" -> still(new Frame(null, first), false, 0, 0);
            case "VP8X" -> extended(first, end);
            default -> throw new BadImageException(name, "unknown first WebP chunk '" + first.tag + "'");
        };
    }

    /**
     * An extended file. Like libwebp's demuxer, every chunk up to the RIFF end is checked:
     * a still image is one [ALPH] VP8/VP8L pair; an animation has ANIM, then ANMF frames
     * that must lie inside the canvas (of which the first is decoded); other chunks are skipped.
     */
    private PixelImage extended(Chunk vp8x, int end) throws BadImageException {
        if (vp8x.size < 10) {
            throw new BadImageException(name, "VP8X chunk is too short (" + vp8x.size + " bytes)");
        }
        int flags = data[vp8x.offset] & 0xFF;
        if ((flags & ~VALID_FLAGS) != 0) {
            throw new BadImageException(name, String.format("VP8X has unknown flags 0x%02x", flags));
        }
        int canvasW = 1 + le24(vp8x.offset + 4), canvasH = 1 + le24(vp8x.offset + 7);
        checkPixels(canvasW, canvasH);
        boolean animated = (flags & ANIMATION_FLAG) != 0;
        boolean anim = false;
        Frame still = null;
        AnimationFrame first = null;
        for (int pos = next(vp8x); pos < end; ) {
            Chunk c = chunk(pos, end);
            switch (c.tag) {
                case "VP8X" -> throw new BadImageException(name, "second VP8X chunk");
                case "ALPH", "VP8 ", "VP8L" -> {
                    if (animated || anim) {
                        throw new BadImageException(name, "image data outside the frames of an animation");
                    }
                    if (still != null) {
                        throw new BadImageException(name, "more than one image in a still WebP");
                    }
                    still = frameAt(pos, end);
                    pos = next(still.image);
                    continue;
                }
                case "ANIM" -> {
                    if (c.size < 6) {
                        throw new BadImageException(name, "ANIM chunk is too short (" + c.size + " bytes)");
                    }
                    anim = true;
                }
                case "ANMF" -> {
                    if (!anim) {
                        throw new BadImageException(name, "animation frame before the ANIM chunk");
                    }
                    AnimationFrame frame = animationFrame(c, canvasW, canvasH);
                    if (animated && first == null) {
                        first = frame;
                    }
                }
                default -> { } // ICCP, EXIF, XMP and unknown chunks
            }
            pos = next(c);
        }
        if (animated) {
            if (first == null) {
                throw new BadImageException(name, "animated WebP has no frame");
            }
            int bands = (flags & ALPHA_FLAG) != 0 ? 4 : 3;
            byte[] canvas = new byte[bands * canvasW * canvasH]; // transparent black: the background colour is unused
            decodeFrame(first.frame, first.width, first.height, canvas, bands * (first.y * canvasW + first.x),
                    bands * canvasW, bands);
            return PixelImage.of(bands == 4 ? Mode.RGBA : Mode.RGB, canvasW, canvasH, canvas);
        }
        if (still == null) {
            throw new BadImageException(name, "WebP file has no image data");
        }
        return still(still, (flags & ALPHA_FLAG) != 0, canvasW, canvasH);
    }

    /** A still image: the mode follows WebPGetFeatures; an extended file's canvas must match the bitstream. */
    private PixelImage still(Frame f, boolean alphaFlag, int canvasW, int canvasH) throws BadImageException {
        int[] size = bitstreamSize(f);
        boolean hasAlpha = f.image.tag.equals("VP8L") ? bitstreamAlphaBit(f.image) : alphaFlag || f.alpha != null;
        if (canvasW != 0 && (size[0] != canvasW || size[1] != canvasH)) {
            throw new BadImageException(name, "VP8X canvas " + canvasW + "x" + canvasH
                    + " does not match the " + size[0] + "x" + size[1] + " image");
        }
        checkPixels(size[0], size[1]);
        int bands = hasAlpha ? 4 : 3;
        byte[] pixels = new byte[bands * size[0] * size[1]];
        decodeFrame(f, size[0], size[1], pixels, 0, bands * size[0], bands);
        return PixelImage.of(hasAlpha ? Mode.RGBA : Mode.RGB, size[0], size[1], pixels);
    }

    /** A frame of an animation, placed at (x, y) with the size of its bitstream. */
    private record AnimationFrame(Frame frame, int x, int y, int width, int height) {}

    /** An ANMF chunk's frame; its size is the bitstream's (the demuxer overrides the header's with it). */
    private AnimationFrame animationFrame(Chunk anmf, int canvasW, int canvasH) throws BadImageException {
        if (anmf.size < 16) {
            throw new BadImageException(name, "ANMF chunk is too short (" + anmf.size + " bytes)");
        }
        int x = 2 * le24(anmf.offset), y = 2 * le24(anmf.offset + 3);
        Frame frame = frameAt(anmf.offset + 16, anmf.offset + anmf.size);
        int[] size = bitstreamSize(frame);
        if (x + size[0] > canvasW || y + size[1] > canvasH) {
            throw new BadImageException(name, "animation frame (" + size[0] + "x" + size[1] + " at " + x + "," + y
                    + ") lies outside the " + canvasW + "x" + canvasH + " canvas");
        }
        return new AnimationFrame(frame, x, y, size[0], size[1]);
    }

    /** The image chunks at {@code pos}: an optional ALPH immediately followed by VP8 or VP8L. */
    private Frame frameAt(int pos, int end) throws BadImageException {
        Chunk c = chunk(pos, end);
        Chunk alpha = null;
        if (c.tag.equals("ALPH")) {
            alpha = c;
            c = chunk(next(c), end);
        }
        if (!c.tag.equals("VP8 ") && !c.tag.equals("VP8L")) {
            throw new BadImageException(name, "expected VP8 or VP8L image data at byte " + (c.offset - 8)
                    + ", found chunk '" + c.tag + "'");
        }
        return new Frame(alpha, c);
    }

    /**
     * Decodes a frame into {@code out} as RGB ({@code bands} 3: alpha dropped, as Pillow's
     * RGBX) or non-premultiplied RGBA (4); row {@code y} starts at {@code offset + y * stride}.
     */
    private void decodeFrame(Frame f, int w, int h, byte[] out, int offset, int stride, int bands)
            throws BadImageException {
        Chunk c = f.image;
        if (c.tag.equals("VP8L")) {
            int[] argb = Vp8lDecoder.decode(data, c.offset, readable(c), name);
            for (int y = 0; y < h; y++) {
                for (int x = 0, o = offset + y * stride; x < w; x++, o += bands) {
                    int p = argb[y * w + x];
                    out[o] = (byte) (p >> 16);
                    out[o + 1] = (byte) (p >> 8);
                    out[o + 2] = (byte) p;
                    if (bands == 4) {
                        out[o + 3] = (byte) (p >>> 24);
                    }
                }
            }
            return;
        }
        Vp8Decoder.Planes planes = Vp8Decoder.decode(data, c.offset, c.size, readable(c), name);
        Vp8Upsampler.toRgb(planes, out, offset, stride, bands);
        if (f.alpha != null) { // decoded even when the mode drops it: libwebp refuses a corrupt one either way
            byte[] a = WebpAlpha.decode(data, f.alpha.offset, f.alpha.size, w, h, name);
            if (bands == 4) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        out[offset + y * stride + 4 * x + 3] = a[y * w + x];
                    }
                }
            }
        }
    }

    /** The image's size; an ALPH chunk before lossless data (which has its own alpha) is refused, as by the demuxer. */
    private int[] bitstreamSize(Frame f) throws BadImageException {
        Chunk c = f.image;
        if (f.alpha != null && c.tag.equals("VP8L")) {
            throw new BadImageException(name, "ALPH chunk before lossless (VP8L) image data");
        }
        return c.tag.equals("VP8L") ? Vp8lDecoder.header(data, c.offset, c.size, name)
                : Vp8Decoder.size(data, c.offset, c.size, name);
    }

    private boolean bitstreamAlphaBit(Chunk c) throws BadImageException {
        return Vp8lDecoder.header(data, c.offset, c.size, name)[2] == 1;
    }

    private void checkPixels(int w, int h) throws BadImageException {
        long pixels = (long) w * h;
        if (pixels > maxPixels) {
            throw new BadImageException(name, "image declares " + w + "x" + h + " = " + pixels
                    + " pixels, more than the limit of " + maxPixels + " (possible decompression bomb)");
        }
        if (4 * pixels > Integer.MAX_VALUE - 8) { // RGBA samples must fit one Java array
            throw new BadImageException(name, "image of " + w + "x" + h + " pixels is too large to decode");
        }
    }

    // ---------------------------------------------------------------- RIFF

    /** The chunk whose header is at {@code pos}; its payload, padded to an even size, must end by {@code end}. */
    private Chunk chunk(int pos, int end) throws BadImageException {
        if (end - pos < 8) {
            throw new BadImageException(name, "truncated WebP chunk header at byte " + pos);
        }
        long size = le32(pos + 4);
        String tag = tag(pos);
        if (size + (size & 1) > end - pos - 8) {
            throw new BadImageException(name, "truncated WebP file: chunk '" + tag + "' at byte " + pos
                    + " declares " + size + " bytes, " + (end - pos - 8) + " remain");
        }
        return new Chunk(tag, pos + 8, (int) size);
    }

    /**
     * The bytes a bitstream decoder may read: the payload and its padding byte, which
     * libwebp's demuxer hands over with it (a partition may run into it).
     */
    private static int readable(Chunk c) {
        return c.size + (c.size & 1);
    }

    /** Where the chunk after {@code c} starts (payloads are padded to even sizes). */
    private static int next(Chunk c) {
        return c.offset + c.size + (c.size & 1);
    }

    /** The four-character tag at {@code pos}, bytes outside printable ASCII shown as '?'. */
    private String tag(int pos) {
        StringBuilder s = new StringBuilder(4);
        for (int i = pos; i < pos + 4; i++) {
            int c = data[i] & 0xFF;
            s.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return s.toString();
    }

    private long le32(int pos) {
        return (data[pos] & 0xFFL) | (data[pos + 1] & 0xFFL) << 8 | (data[pos + 2] & 0xFFL) << 16
                | (data[pos + 3] & 0xFFL) << 24;
    }

    private int le24(int pos) {
        return (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8 | (data[pos + 2] & 0xFF) << 16;
    }
}
