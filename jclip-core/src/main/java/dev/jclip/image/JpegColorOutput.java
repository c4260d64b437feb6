package dev.jclip.image;

import dev.jclip.image.PixelImage.Mode;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Upsamples the components' planes to full size and converts them to Pillow's pixels, row by
 * row, as libjpeg-turbo's jdsample.c and jdcolor.c do with Pillow's settings: fancy (triangle)
 * upsampling for 2:1 horizontal, 2:1 vertical and 2:1 both ways (replication when a component
 * is at most 2 samples wide, and for other integer ratios), then YCbCr to RGB with its table values,
 * CMYK as stored, YCCK to CMYK, and Pillow's "CMYK;I" inversion of CMYK files (Adobe's convention).
 */
final class JpegColorOutput {
    /** How the decoded components become Pillow's pixels. */
    enum Transform {
        /** One component: mode L. */
        GRAY,
        /** YCbCr: mode RGB. */
        YCC,
        /** Components stored as R, G, B (Adobe transform 0, or ids 'R', 'G', 'B'): mode RGB. */
        RGB,
        /** CMYK stored inverted (Adobe): mode CMYK, every sample inverted by Pillow. */
        CMYK,
        /** YCCK: libjpeg-turbo's conversion to CMYK, then Pillow's inversion. */
        YCCK
    }

    private enum Upsampling { FULL, H2V1_FANCY, H1V2_FANCY, H2V2_FANCY, REPLICATE }

    private static final int SCALEBITS = 16;
    private static final int ONE_HALF = 1 << (SCALEBITS - 1);
    /**
     * jdcolor.c's build_ycc_rgb_table, computed instead of looked up (the same integers): with
     * x = Cb - 128 or Cr - 128, R = Y + (CR_R x + ONE_HALF) >> 16, B = Y + (CB_B x + ONE_HALF) >> 16,
     * G = Y + (CB_G x_b + CR_G x_r + ONE_HALF) >> 16, each saturated to 0..255.
     */
    private static final int CR_R = fix(1.40200);
    private static final int CB_B = fix(1.77200);
    private static final int CR_G = -fix(0.71414);
    private static final int CB_G = -fix(0.34414);
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    /** Bytes loaded at a time: one int lane each, in {@link #PARTS} int vectors (the narrowest byte vector is 64 bits). */
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, INTS.length() * 8)));
    private static final int PARTS = BYTES.length() / INTS.length();
    /** The fancy 2:1 upsampling in 16 short lanes (256-bit vectors), and scalar on narrower machines. */
    private static final boolean WIDE = IntVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
    private static final VectorSpecies<Byte> IN_BYTES = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> IN_SHORTS = ShortVector.SPECIES_256;
    private static final VectorSpecies<Byte> OUT_BYTES = ByteVector.SPECIES_256;

    private JpegColorOutput() {
    }

    private static int fix(double x) {
        return (int) (x * (1L << SCALEBITS) + 0.5);
    }

    private static int saturate(int v) {
        return Math.min(Math.max(v, 0), 255);
    }

    private static int red(int y, int cr) {
        return saturate(y + ((CR_R * (cr - 128) + ONE_HALF) >> SCALEBITS));
    }

    private static int green(int y, int cb, int cr) {
        return saturate(y + ((CB_G * (cb - 128) + CR_G * (cr - 128) + ONE_HALF) >> SCALEBITS));
    }

    private static int blue(int y, int cb) {
        return saturate(y + ((CB_B * (cb - 128) + ONE_HALF) >> SCALEBITS));
    }

    /** Bytes {@code part} of {@code v} as unsigned ints. */
    private static IntVector widen(ByteVector v, int part) {
        return ((IntVector) v.convertShape(VectorOperators.B2I, INTS, part)).and(0xFF);
    }

    /**
     * YCbCr to interleaved RGB for one row: the arithmetic in int lanes, each pixel packed into an
     * int of {@code packed} and then spread to its three bytes; the last pixels one at a time.
     */
    private static void yccRow(byte[] ys, int oy, byte[] cbs, int ocb, byte[] crs, int ocr, byte[] out, int o,
                               int width, int[] packed) {
        int step = BYTES.length();
        int x = 0;
        for (; x <= width - step; x += step) {
            ByteVector y8 = ByteVector.fromArray(BYTES, ys, oy + x);
            ByteVector cb8 = ByteVector.fromArray(BYTES, cbs, ocb + x);
            ByteVector cr8 = ByteVector.fromArray(BYTES, crs, ocr + x);
            for (int part = 0; part < PARTS; part++) {
                IntVector y = widen(y8, part);
                IntVector cb = widen(cb8, part).sub(128);
                IntVector cr = widen(cr8, part).sub(128);
                IntVector r = y.add(cr.mul(CR_R).add(ONE_HALF).lanewise(VectorOperators.ASHR, SCALEBITS));
                IntVector g = y.add(cb.mul(CB_G).add(cr.mul(CR_G)).add(ONE_HALF)
                        .lanewise(VectorOperators.ASHR, SCALEBITS));
                IntVector b = y.add(cb.mul(CB_B).add(ONE_HALF).lanewise(VectorOperators.ASHR, SCALEBITS));
                r.max(0).min(255)
                        .or(g.max(0).min(255).lanewise(VectorOperators.LSHL, 8))
                        .or(b.max(0).min(255).lanewise(VectorOperators.LSHL, 16))
                        .intoArray(packed, part * INTS.length());
            }
            for (int k = 0; k < step; k++, o += 3) {
                int rgb = packed[k];
                out[o] = (byte) rgb;
                out[o + 1] = (byte) (rgb >> 8);
                out[o + 2] = (byte) (rgb >> 16);
            }
        }
        for (; x < width; x++, o += 3) {
            int y = ys[oy + x] & 0xFF, cb = cbs[ocb + x] & 0xFF, cr = crs[ocr + x] & 0xFF;
            out[o] = (byte) red(y, cr);
            out[o + 1] = (byte) green(y, cb, cr);
            out[o + 2] = (byte) blue(y, cb);
        }
    }

    /**
     * Every component's samples of one output row: a component at full resolution is read in its
     * own plane ({@code src[i]} from {@code offsets[i]}), a subsampled one is upsampled into a row
     * buffer first.
     */
    private static final class ComponentRows {
        final byte[][] src;
        final int[] offsets;
        private final JpegComponent[] comps;
        private final Upsampling[] kinds;
        private final byte[][] rows;
        private final int maxH, maxV, width;

        ComponentRows(JpegComponent[] comps, int width) {
            int n = comps.length, h = 1, v = 1;
            for (JpegComponent c : comps) {
                h = Math.max(h, c.h);
                v = Math.max(v, c.v);
            }
            this.comps = comps;
            this.width = width;
            maxH = h;
            maxV = v;
            kinds = new Upsampling[n];
            rows = new byte[n][];
            for (int i = 0; i < n; i++) {
                kinds[i] = upsampling(comps[i], maxH / comps[i].h, maxV / comps[i].v);
                rows[i] = kinds[i] == Upsampling.FULL ? null : new byte[width + 2 * OUT_BYTES.length()];
            }
            src = new byte[n][];
            offsets = new int[n];
        }

        /** Points {@link #src} and {@link #offsets} at output row {@code y}. */
        void load(int y) {
            load(y, 0, width);
        }

        /** {@link #load(int)} where only columns {@code x0 .. x1-1} of the row are read. */
        void load(int y, int x0, int x1) {
            for (int i = 0; i < comps.length; i++) {
                JpegComponent c = comps[i];
                if (kinds[i] == Upsampling.FULL) {
                    src[i] = c.plane;
                    offsets[i] = c.base + y * c.stride;
                } else {
                    upsampleRow(c, kinds[i], maxH / c.h, maxV / c.v, y, width, x0, x1, rows[i]);
                    src[i] = rows[i];
                    offsets[i] = 0;
                }
            }
        }
    }

    /** The image of the decoded planes: {@code width x height} pixels in the transform's mode. */
    static PixelImage render(JpegComponent[] comps, int width, int height, Transform transform) {
        ComponentRows rows = new ComponentRows(comps, width);
        Mode mode = switch (transform) {
            case GRAY -> Mode.L;
            case YCC, RGB -> Mode.RGB;
            case CMYK, YCCK -> Mode.CMYK;
        };
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(width, height), mode.bands)];
        int[] packed = new int[BYTES.length()];
        for (int y = 0; y < height; y++) {
            rows.load(y);
            convertRow(transform, rows.src, rows.offsets, out, y * width * mode.bands, width, packed);
        }
        return PixelImage.of(mode, width, height, out);
    }

    /**
     * The rows the resampler reads, upsampled and converted (YCC or GRAY only) into its planes
     * over the columns it reads, handed over one at a time; returns its kept window.
     */
    static PixelImage stream(JpegComponent[] comps, int width, Transform transform, RowResampler resampler) {
        ComponentRows rows = new ComponentRows(comps, width);
        byte[][] src = rows.src;
        int[] offsets = rows.offsets;
        int[][] planes = resampler.planes();
        int x0 = resampler.colLo(), x1 = resampler.colHi();
        for (int y = resampler.rowLo(); y < resampler.rowHi(); y++) {
            rows.load(y, x0, x1);
            if (transform == Transform.GRAY) {
                byte[] ys = src[0];
                int[] p = planes[0];
                for (int x = x0; x < x1; x++) {
                    p[x] = ys[offsets[0] + x] & 0xFF;
                }
            } else if (transform == Transform.YCC) {
                yccPlanes(src[0], offsets[0], src[1], offsets[1], src[2], offsets[2], planes, x0, x1);
            } else {
                throw new IllegalArgumentException("streamed output is YCbCr or gray, not " + transform);
            }
            resampler.acceptPlanes(y);
        }
        Mode mode = transform == Transform.GRAY ? Mode.L : Mode.RGB;
        return PixelImage.of(mode, resampler.keepWidth(), resampler.keepHeight(), resampler.finish());
    }

    /** YCbCr to R, G and B planes for columns {@code x0 .. x1-1} of one row. */
    private static void yccPlanes(byte[] ys, int oy, byte[] cbs, int ocb, byte[] crs, int ocr, int[][] planes,
                                  int x0, int x1) {
        int[] rs = planes[0], gs = planes[1], bs = planes[2];
        int step = BYTES.length();
        int x = x0;
        for (; x <= x1 - step; x += step) {
            ByteVector y8 = ByteVector.fromArray(BYTES, ys, oy + x);
            ByteVector cb8 = ByteVector.fromArray(BYTES, cbs, ocb + x);
            ByteVector cr8 = ByteVector.fromArray(BYTES, crs, ocr + x);
            for (int part = 0; part < PARTS; part++) {
                IntVector y = widen(y8, part);
                IntVector cb = widen(cb8, part).sub(128);
                IntVector cr = widen(cr8, part).sub(128);
                int o = x + part * INTS.length();
                y.add(cr.mul(CR_R).add(ONE_HALF).lanewise(VectorOperators.ASHR, SCALEBITS)).max(0).min(255)
                        .intoArray(rs, o);
                y.add(cb.mul(CB_G).add(cr.mul(CR_G)).add(ONE_HALF).lanewise(VectorOperators.ASHR, SCALEBITS))
                        .max(0).min(255).intoArray(gs, o);
                y.add(cb.mul(CB_B).add(ONE_HALF).lanewise(VectorOperators.ASHR, SCALEBITS)).max(0).min(255)
                        .intoArray(bs, o);
            }
        }
        for (; x < x1; x++) {
            int y = ys[oy + x] & 0xFF, cb = cbs[ocb + x] & 0xFF, cr = crs[ocr + x] & 0xFF;
            rs[x] = red(y, cr);
            gs[x] = green(y, cb, cr);
            bs[x] = blue(y, cb);
        }
    }

    /** jdsample.c's choice of method for a component enlarged hExp x vExp times. */
    private static Upsampling upsampling(JpegComponent c, int hExp, int vExp) {
        if (hExp == 1 && vExp == 1) {
            return Upsampling.FULL;
        }
        if (hExp == 1 && vExp == 2) {
            return Upsampling.H1V2_FANCY;
        }
        // The triangle filters need 3 samples; narrower components are replicated.
        if (hExp == 2 && vExp == 1 && c.width > 2) {
            return Upsampling.H2V1_FANCY;
        }
        if (hExp == 2 && vExp == 2 && c.width > 2) {
            return Upsampling.H2V2_FANCY;
        }
        return Upsampling.REPLICATE;
    }

    /**
     * Row {@code y} (full size) of component {@code c}, enlarged into {@code row}: at least columns
     * {@code x0 .. x1-1} (the fancy 2:1 filters compute only the input samples these read).
     */
    private static void upsampleRow(JpegComponent c, Upsampling kind, int hExp, int vExp, int y, int width,
                                    int x0, int x1, byte[] row) {
        byte[] p = c.plane;
        int w = c.width;
        int lo = x0 >> 1, hi = Math.min(((x1 - 1) >> 1) + 1, w);
        switch (kind) {
            case H2V1_FANCY -> h2v1(p, c.base + y * c.stride, w, lo, hi, row);
            case H1V2_FANCY -> {
                int near = y >> 1;
                // The farther row is the one above for even output rows, below for odd ones,
                // the edge row repeated at the top and bottom (libjpeg's context rows).
                boolean above = (y & 1) == 0;
                int far = above ? Math.max(near - 1, 0) : Math.min(near + 1, c.height - 1);
                int bias = above ? 1 : 2;
                int o0 = c.base + near * c.stride, o1 = c.base + far * c.stride;
                for (int x = 0; x < w; x++) {
                    row[x] = (byte) ((3 * (p[o0 + x] & 0xFF) + (p[o1 + x] & 0xFF) + bias) >> 2);
                }
            }
            case H2V2_FANCY -> {
                int near = y >> 1;
                boolean above = (y & 1) == 0;
                int far = above ? Math.max(near - 1, 0) : Math.min(near + 1, c.height - 1);
                h2v2(p, c.base + near * c.stride, c.base + far * c.stride, w, lo, hi, row);
            }
            case REPLICATE -> {
                int o = c.base + (y / vExp) * c.stride;
                for (int x = 0, ix = 0; x < width; ix++) {
                    byte s = p[o + ix];
                    for (int k = 0; k < hExp && x < width; k++) {
                        row[x++] = s;
                    }
                }
            }
            case FULL -> throw new IllegalStateException("a full-size component is read in place");
        }
    }

    /**
     * h2v1_fancy_upsample for input samples {@code lo .. hi-1} (outputs {@code 2 lo .. 2 hi - 1}):
     * each output sample is 3/4 of the nearer input and 1/4 of the farther one, rounded
     * alternately down and up; the edge samples are copied. Needs w > 2.
     */
    private static void h2v1(byte[] p, int o, int w, int lo, int hi, byte[] row) {
        int x = Math.max(lo, 1), end = Math.min(hi, w - 1);
        if (lo == 0) {
            int first = p[o] & 0xFF;
            row[0] = (byte) first;
            row[1] = (byte) ((3 * first + (p[o + 1] & 0xFF) + 2) >> 2);
        }
        if (WIDE) {
            for (; x <= end - IN_SHORTS.length(); x += IN_SHORTS.length()) {
                ShortVector near = widen(p, o + x).mul((short) 3);
                ShortVector even = near.add(widen(p, o + x - 1)).add((short) 1).lanewise(VectorOperators.ASHR, 2);
                ShortVector odd = near.add(widen(p, o + x + 1)).add((short) 2).lanewise(VectorOperators.ASHR, 2);
                pairs(even, odd).intoArray(row, 2 * x);
            }
        }
        for (; x < end; x++) {
            int near = 3 * (p[o + x] & 0xFF);
            row[2 * x] = (byte) ((near + (p[o + x - 1] & 0xFF) + 1) >> 2);
            row[2 * x + 1] = (byte) ((near + (p[o + x + 1] & 0xFF) + 2) >> 2);
        }
        if (hi == w) {
            int last = p[o + w - 1] & 0xFF;
            row[2 * w - 2] = (byte) ((3 * last + (p[o + w - 2] & 0xFF) + 1) >> 2);
            row[2 * w - 1] = (byte) last;
        }
    }

    /**
     * h2v2_fancy_upsample for input samples {@code lo .. hi-1}: column sums 3 * near row + far
     * row, then the same 3:1 weights across, rounded by 8 and 7; the edge columns weigh their
     * own sum 4 times. Needs w > 2.
     */
    private static void h2v2(byte[] p, int oNear, int oFar, int w, int lo, int hi, byte[] row) {
        int x = Math.max(lo, 1), end = Math.min(hi, w - 1);
        if (lo == 0) {
            int first = 3 * (p[oNear] & 0xFF) + (p[oFar] & 0xFF);
            int next = 3 * (p[oNear + 1] & 0xFF) + (p[oFar + 1] & 0xFF);
            row[0] = (byte) ((first * 4 + 8) >> 4);
            row[1] = (byte) ((first * 3 + next + 7) >> 4);
        }
        if (WIDE) {
            for (; x <= end - IN_SHORTS.length(); x += IN_SHORTS.length()) {
                ShortVector prev = widen(p, oNear + x - 1).mul((short) 3).add(widen(p, oFar + x - 1));
                ShortVector cur = widen(p, oNear + x).mul((short) 3).add(widen(p, oFar + x));
                ShortVector next = widen(p, oNear + x + 1).mul((short) 3).add(widen(p, oFar + x + 1));
                ShortVector near = cur.mul((short) 3);
                ShortVector even = near.add(prev).add((short) 8).lanewise(VectorOperators.ASHR, 4);
                ShortVector odd = near.add(next).add((short) 7).lanewise(VectorOperators.ASHR, 4);
                pairs(even, odd).intoArray(row, 2 * x);
            }
        }
        for (; x < end; x++) {
            int prev = 3 * (p[oNear + x - 1] & 0xFF) + (p[oFar + x - 1] & 0xFF);
            int cur = 3 * (p[oNear + x] & 0xFF) + (p[oFar + x] & 0xFF);
            int next = 3 * (p[oNear + x + 1] & 0xFF) + (p[oFar + x + 1] & 0xFF);
            row[2 * x] = (byte) ((cur * 3 + prev + 8) >> 4);
            row[2 * x + 1] = (byte) ((cur * 3 + next + 7) >> 4);
        }
        if (hi == w) {
            int prev = 3 * (p[oNear + w - 2] & 0xFF) + (p[oFar + w - 2] & 0xFF);
            int cur = 3 * (p[oNear + w - 1] & 0xFF) + (p[oFar + w - 1] & 0xFF);
            row[2 * w - 2] = (byte) ((cur * 3 + prev + 8) >> 4);
            row[2 * w - 1] = (byte) ((cur * 4 + 7) >> 4);
        }
    }

    /** Sixteen samples from {@code p[o]} as unsigned shorts. */
    private static ShortVector widen(byte[] p, int o) {
        return ((ShortVector) ByteVector.fromArray(IN_BYTES, p, o).convertShape(VectorOperators.B2S, IN_SHORTS, 0))
                .and((short) 0xFF);
    }

    /** Even and odd output samples (each below 256) interleaved: a short's low byte comes first in memory. */
    private static ByteVector pairs(ShortVector even, ShortVector odd) {
        return even.or(odd.lanewise(VectorOperators.LSHL, 8)).reinterpretAsBytes();
    }

    private static void convertRow(Transform t, byte[][] src, int[] offsets, byte[] out, int o, int width,
                                   int[] packed) {
        switch (t) {
            case GRAY -> System.arraycopy(src[0], offsets[0], out, o, width);
            case RGB -> {
                byte[] r = src[0], g = src[1], b = src[2];
                int or = offsets[0], og = offsets[1], ob = offsets[2];
                for (int x = 0; x < width; x++, o += 3) {
                    out[o] = r[or + x];
                    out[o + 1] = g[og + x];
                    out[o + 2] = b[ob + x];
                }
            }
            case YCC -> yccRow(src[0], offsets[0], src[1], offsets[1], src[2], offsets[2], out, o, width, packed);
            case CMYK -> {
                for (int x = 0; x < width; x++, o += 4) {
                    for (int i = 0; i < 4; i++) {
                        out[o + i] = (byte) ~src[i][offsets[i] + x];
                    }
                }
            }
            case YCCK -> {
                // libjpeg-turbo gives C = 255 - R (saturated) for the R of the YCbCr part, and K as
                // stored; Pillow inverts all four, so C, M, Y come out as R, G, B and K inverted.
                byte[] ys = src[0], cbs = src[1], crs = src[2], ks = src[3];
                int oy = offsets[0], ocb = offsets[1], ocr = offsets[2], ok = offsets[3];
                for (int x = 0; x < width; x++, o += 4) {
                    int y = ys[oy + x] & 0xFF, cb = cbs[ocb + x] & 0xFF, cr = crs[ocr + x] & 0xFF;
                    out[o] = (byte) red(y, cr);
                    out[o + 1] = (byte) green(y, cb, cr);
                    out[o + 2] = (byte) blue(y, cb);
                    out[o + 3] = (byte) ~ks[ok + x];
                }
            }
        }
    }
}
