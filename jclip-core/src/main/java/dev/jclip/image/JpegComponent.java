package dev.jclip.image;

import java.util.Arrays;

/**
 * One component of a JPEG frame with its sizes as libjpeg computes them, its coefficients (for
 * files of several scans) and its samples after the inverse DCT, at its own resolution.
 */
final class JpegComponent {
    final int id;
    final int h;
    final int v;
    final int quantIndex;
    /** Samples wide and high at the component's resolution: ceil(image size * factor / max factor). */
    final int width;
    final int height;
    /** Blocks that hold samples of the image. */
    final int widthInBlocks;
    final int heightInBlocks;
    /** Blocks of the whole MCUs of an interleaved scan, a multiple of h and v. */
    final int blocksWide;
    final int blocksHigh;
    /** Samples after the inverse DCT, from {@link #base}, {@link #stride} per row ({@code blocksWide * 8} unless given). */
    final byte[] plane;
    final int base;
    final int stride;
    /** Dequantization table in natural order, latched when the component's first scan starts. */
    int[] quant;
    /** Coefficients in natural order, 64 per block, blocks in raster order; null for a single-scan file. */
    short[] coefs;
    /**
     * Per block (raster order), the highest zigzag position of an AC coefficient made nonzero so
     * far (progressive files): refinement passes in an end-of-band run stop there, as every
     * coefficient after it is zero and reads no correction bit.
     */
    byte[] lastAc;
    /** Per zigzag position, the Al of the last scan that coded it; -1 before any (progressive files). */
    final int[] coefBits = new int[64];
    /** The blocks whose samples are used, {@code [bx0, bx1) x [by0, by1)}; the others may stay untransformed. */
    int bx0;
    int bx1;
    int by0;
    int by1;
    JpegHuffmanTable dc;
    JpegHuffmanTable ac;
    int dcPred;

    JpegComponent(int id, int h, int v, int quantIndex, int imageWidth, int imageHeight, int maxH, int maxV) {
        this(id, h, v, quantIndex, imageWidth, imageHeight, maxH, maxV, null, 0, 0);
    }

    /**
     * A component whose samples are already in {@code plane} (which several components may
     * share) from {@code base}, {@code stride} per row; with a null plane, a plane of its own.
     */
    JpegComponent(int id, int h, int v, int quantIndex, int imageWidth, int imageHeight, int maxH, int maxV,
                  byte[] plane, int base, int stride) {
        this.id = id;
        this.h = h;
        this.v = v;
        this.quantIndex = quantIndex;
        width = ceilDiv(imageWidth * h, maxH);
        height = ceilDiv(imageHeight * v, maxV);
        widthInBlocks = ceilDiv(width, 8);
        heightInBlocks = ceilDiv(height, 8);
        blocksWide = ceilDiv(imageWidth, 8 * maxH) * h;
        blocksHigh = ceilDiv(imageHeight, 8 * maxV) * v;
        this.stride = plane == null ? blocksWide * 8 : stride;
        this.plane = plane == null ? new byte[Math.multiplyExact(this.stride, blocksHigh * 8)] : plane;
        this.base = base;
        Arrays.fill(coefBits, -1);
        bx1 = blocksWide;
        by1 = blocksHigh;
    }

    /**
     * Keeps only the blocks that image columns {@code x0 .. x1-1} and rows {@code y0 .. y1-1} read
     * after upsampling by {@code hExp x vExp}, with one sample of margin for the fancy upsampling's neighbours.
     */
    void keepOnly(int x0, int x1, int y0, int y1, int hExp, int vExp) {
        bx0 = Math.max(x0 / hExp - 1, 0) / 8;
        bx1 = Math.min(ceilDiv(Math.min((x1 - 1) / hExp + 2, width), 8), blocksWide);
        by0 = Math.max(y0 / vExp - 1, 0) / 8;
        by1 = Math.min(ceilDiv(Math.min((y1 - 1) / vExp + 2, height), 8), blocksHigh);
    }

    /** Whether block (bx, by) is used. */
    boolean kept(int bx, int by) {
        return bx >= bx0 && bx < bx1 && by >= by0 && by < by1;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Where block (bx, by) starts in {@link #coefs}. */
    int coefOffset(int bx, int by) {
        return (by * blocksWide + bx) * 64;
    }

    /** Where block (bx, by) starts in {@link #plane}. */
    int planeOffset(int bx, int by) {
        return base + by * 8 * stride + bx * 8;
    }
}
