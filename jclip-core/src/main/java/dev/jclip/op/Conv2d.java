package dev.jclip.op;

import dev.jclip.kernel.Epilogue;
import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Parallel;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * 2-D convolution (cross-correlation) with zero padding, as PyTorch's {@code F.conv2d}
 * with one group and no dilation.
 *
 * <p>Each image is unfolded into a column matrix {@code col[C·kh·kw × Ho·Wo]} (im2col) so
 * the convolution is one GEMM {@code W[O × C·kh·kw] · col}. Backward re-unfolds the image
 * rather than keeping every column matrix alive. A 1×1 kernel with stride 1 and no
 * padding (most of ResNet's convolutions) needs no unfolding: the image is its own column matrix.
 */
public final class Conv2d {
    private Conv2d() {}

    /**
     * @param x       {@code [N, C, H, W]}
     * @param weight  {@code [O, C, kh, kw]}
     * @param bias    {@code [O]}, or null for none
     * @param stride  step between windows, at least 1
     * @param padding zeros added on each side of H and W
     * @return {@code [N, O, Ho, Wo]} with {@code Ho = (H + 2·padding − kh) / stride + 1}
     */
    public static Tensor forward(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        Geometry geo = geometry(x, false, weight, stride, padding);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != geo.o)) {
            throw new IllegalArgumentException("conv2d: bias must be [" + geo.o + "], got " + Arrays.toString(bias.shape()));
        }
        int[] shape = {geo.n, geo.o, geo.ho, geo.wo};
        float[] y = new float[Tensor.checkedNumel(shape)];
        float[] xd = x.data(), wd = weight.data();
        int o = geo.o, p = geo.p, k = geo.k;
        float[] col = geo.direct ? null : new float[Tensor.checkedNumel(k, p)];
        for (int img = 0; img < geo.n; img++) {
            float[] cols = geo.direct ? xd : geo.im2col(xd, img, col);
            int colOff = geo.direct ? img * geo.imageSize : 0;
            // y[img] [O × P] = W [O × K] · col [K × P]
            Gemm.sgemm(false, false, o, p, k, wd, 0, k, cols, colOff, p, y, img * o * p, p, false);
        }
        if (bias != null) {
            float[] bd = bias.data();
            for (int img = 0; img < geo.n; img++) {
                for (int c = 0; c < o; c++) {
                    int base = (img * o + c) * p;
                    for (int i = 0; i < p; i++) {
                        y[base + i] += bd[c];
                    }
                }
            }
        }
        return Tensor.result(y, shape, out -> {
            float[] g = out.grad();
            boolean needX = x.requiresGrad(), needW = weight.requiresGrad();
            float[] colBuf = needW && !geo.direct ? new float[k * p] : null;
            float[] dcol = needX && !geo.direct ? new float[k * p] : null;
            for (int img = 0; img < geo.n; img++) {
                int gOff = img * o * p;
                if (needW) {
                    float[] cols = geo.direct ? xd : geo.im2col(xd, img, colBuf);
                    int colOff = geo.direct ? img * geo.imageSize : 0;
                    // dW [O × K] += g[img] [O × P] · colᵀ
                    Gemm.sgemm(false, true, o, k, p, g, gOff, p, cols, colOff, p, weight.gradForAccumulation(), 0, k, true);
                }
                if (needX) {
                    float[] gx = x.gradForAccumulation();
                    if (geo.direct) {
                        // dx[img] [C × H·W] += Wᵀ · g[img]
                        Gemm.sgemm(true, false, k, p, o, wd, 0, k, g, gOff, p, gx, img * geo.imageSize, p, true);
                    } else {
                        // dcol [K × P] = Wᵀ · g[img], then fold the columns back onto the image
                        Gemm.sgemm(true, false, k, p, o, wd, 0, k, g, gOff, p, dcol, 0, p, false);
                        geo.col2im(dcol, gx, img);
                    }
                }
            }
            if (bias != null && bias.requiresGrad()) {
                float[] gb = bias.gradForAccumulation();
                for (int c = 0; c < o; c++) {
                    double acc = 0;
                    for (int img = 0; img < geo.n; img++) {
                        int base = (img * o + c) * p;
                        for (int i = 0; i < p; i++) {
                            acc += g[base + i];
                        }
                    }
                    gb[c] += (float) acc;
                }
            }
        }, x, weight, bias);
    }

    /** Columns of one task's column matrix, about this many floats (a quarter of an L2 cache) when the rows allow. */
    private static final int CHUNK_FLOATS = 1 << 16;
    /** Column count bounds of a task, and the multiple it is rounded to (whole GEMM column panels). */
    private static final int MIN_CHUNK = 128, MAX_CHUNK = 2048, CHUNK_ALIGN = 64;
    /** Each thread's column matrix, grown on demand. */
    private static final ThreadLocal<float[][]> COLUMNS = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    /**
     * The convolution for inference, writing channel-major activations: the output is
     * {@code [O, N, Ho, Wo]}, so that it is one {@code [O × N·Ho·Wo]} matrix, the product
     * {@code W [O × C·kh·kw] · col [C·kh·kw × N·Ho·Wo]}; a 1×1 kernel with stride 1 and no padding
     * reads a channel-major input as its own column matrix. {@code epilogue} is applied to that
     * matrix as the product writes it: a folded batch norm ({@link Epilogue#rowAffine}, rows being
     * output channels), a residual laid out like the output (offset and row stride in that matrix)
     * and ReLU. The columns are cut into chunks, one task each: unfold the chunk's columns into a
     * per-thread buffer about L2-sized, then multiply on that thread. Each output element is the
     * same sum whatever the chunks, so the result does not depend on the thread count.
     *
     * @param x           {@code [C, N, H, W]} (channel-major), or {@code [N, C, H, W]} when {@code imagesFirst}
     * @param imagesFirst whether {@code x} is laid out {@code [N, C, H, W]} (the input images)
     * @param weight      {@code [O, C, kh, kw]}
     * @param epilogue    work fused into the product (no per-column bias), or null
     * @param allocate    gives the output's array for its size (all of it is overwritten): a new
     *                    one or a recycled one
     * @return {@code [O, N, Ho, Wo]}, without gradient
     * @throws IllegalStateException if an input needs a gradient (use {@link #forward})
     */
    public static Tensor infer(Tensor x, boolean imagesFirst, Tensor weight, int stride, int padding, Epilogue epilogue,
                               IntFunction<float[]> allocate) {
        Geometry geo = geometry(x, !imagesFirst, weight, stride, padding);
        if (Tensor.needsGrad(x, weight)) {
            throw new IllegalStateException("conv2d: inference needs no gradient; use forward to record one");
        }
        if (epilogue != null && epilogue.bias() != null) {
            throw new IllegalArgumentException("conv2d: a per-column bias does not fit channel-major output; use a per-row shift");
        }
        int o = geo.o, k = geo.k, columns = Math.multiplyExact(geo.n, geo.p);
        int[] shape = {o, geo.n, geo.ho, geo.wo};
        float[] y = allocate.apply(Tensor.checkedNumel(shape));
        float[] xd = x.data();
        float[] wd = weight.data();
        boolean direct = geo.direct && !imagesFirst;
        // Chunks of about CHUNK_FLOATS, as many for every thread.
        int target = Math.clamp(CHUNK_FLOATS / Math.max(1, k), MIN_CHUNK, MAX_CHUNK);
        int threads = Parallel.threads();
        int chunks = Math.ceilDiv(Math.ceilDiv(columns, target), threads) * threads;
        int width = Math.ceilDiv(Math.ceilDiv(columns, chunks), CHUNK_ALIGN) * CHUNK_ALIGN;
        Parallel.forEach(Math.ceilDiv(columns, width), t -> {
            int c0 = t * width, c1 = Math.min(columns, c0 + width), cols = c1 - c0;
            Epilogue e = epilogue == null || epilogue.residual() == null ? epilogue
                    : epilogue.withResidual(epilogue.residual(), epilogue.residualOff() + c0, epilogue.ldr());
            if (direct) {
                Gemm.sgemm(false, false, o, cols, k, wd, 0, k, xd, c0, columns, y, c0, columns, false, e);
            } else {
                float[][] buffer = COLUMNS.get();
                if (buffer[0].length < k * cols) {
                    buffer[0] = new float[k * cols];
                }
                geo.im2col(xd, 0, k, c0, c1, buffer[0]);
                Gemm.sgemm(false, false, o, cols, k, wd, 0, k, buffer[0], 0, cols, y, c0, columns, false, e);
            }
        });
        return Tensor.of(y, shape);
    }

    /** Checks the arguments of a convolution; {@code channelMajor} says x is {@code [C, N, H, W]}. */
    private static Geometry geometry(Tensor x, boolean channelMajor, Tensor weight, int stride, int padding) {
        int channelDim = channelMajor ? 0 : 1;
        String layout = channelMajor ? "[C, N, H, W]" : "[N, C, H, W]";
        if (x.rank() != 4 || weight.rank() != 4 || x.dim(channelDim) != weight.dim(1)) {
            throw new IllegalArgumentException("conv2d: input " + Arrays.toString(x.shape()) + " must be " + layout
                    + " and weight " + Arrays.toString(weight.shape()) + " [O, C, kh, kw] with the same C");
        }
        if (stride < 1 || padding < 0) {
            throw new IllegalArgumentException("conv2d: stride " + stride + " must be >= 1 and padding " + padding + " >= 0");
        }
        Geometry geo = new Geometry(x.shape(), channelMajor, weight.shape(), stride, padding);
        if (geo.ho < 1 || geo.wo < 1) {
            throw new IllegalArgumentException("conv2d: kernel " + geo.kh + "x" + geo.kw + " does not fit input "
                    + Arrays.toString(x.shape()) + " with padding " + padding);
        }
        return geo;
    }

    /** Sizes of one convolution, and the unfold / fold between images and their column matrix. */
    private static final class Geometry {
        final int n, c, h, w, o, kh, kw, stride, padding, ho, wo;
        /** Rows of the column matrix ({@code C·kh·kw}) and its columns per image ({@code Ho·Wo}). */
        final int k, p;
        final int imageSize;
        /** Distances between an input's images and between its channels: its layout. */
        final int imageStride, channelStride;
        /** True when an image already is its column matrix (1×1 kernel, stride 1, no padding). */
        final boolean direct;

        Geometry(int[] xs, boolean channelMajor, int[] ws, int stride, int padding) {
            n = xs[channelMajor ? 1 : 0];
            c = xs[channelMajor ? 0 : 1];
            h = xs[2];
            w = xs[3];
            o = ws[0];
            kh = ws[2];
            kw = ws[3];
            this.stride = stride;
            this.padding = padding;
            ho = Math.floorDiv(h + 2 * padding - kh, stride) + 1;
            wo = Math.floorDiv(w + 2 * padding - kw, stride) + 1;
            k = c * kh * kw;
            p = ho * wo;
            imageSize = c * h * w;
            imageStride = channelMajor ? h * w : imageSize;
            channelStride = channelMajor ? n * h * w : h * w;
            direct = kh == 1 && kw == 1 && stride == 1 && padding == 0;
        }

        /** The column matrix {@code [K × P]} of one image, rows in parallel. */
        float[] im2col(float[] x, int img, float[] col) {
            Parallel.forRows(k, p, (from, to) -> im2col(x, from, to, img * p, (img + 1) * p, col));
            return col;
        }

        /**
         * Rows {@code [rowFrom, rowTo)} and columns {@code [c0, c1)} of the column matrix of all
         * images, column {@code img·P + oy·Wo + ox} being output pixel (oy, ox) of image img:
         * {@code col[row·(c1 − c0) + column − c0] = x[img, ch, oy·s − pad + i, ox·s − pad + j]} for
         * {@code row = (ch·kh + i)·kw + j}, zero outside the image.
         */
        void im2col(float[] x, int rowFrom, int rowTo, int c0, int c1, float[] col) {
            int width = c1 - c0;
            for (int row = rowFrom; row < rowTo; row++) {
                int ch = row / (kh * kw), i = row / kw % kh, j = row % kw;
                // Output columns [lo, hi) of a row read inside the image row; the rest is padding.
                int lo = Math.min(wo, Math.max(0, Math.ceilDiv(padding - j, stride)));
                int hi = Math.max(lo, Math.min(wo, Math.floorDiv(w - 1 + padding - j, stride) + 1));
                int img = c0 / p, pix = c0 % p, oy = pix / wo, ox = pix % wo;
                for (int column = c0; column < c1; ) {
                    // This output row's columns [ox, end) go to col[d + ox ...].
                    int end = Math.min(wo, ox + c1 - column), d = row * width + column - c0 - ox;
                    int iy = oy * stride - padding + i;
                    if (iy < 0 || iy >= h) {
                        Arrays.fill(col, d + ox, d + end, 0f);
                    } else {
                        int src = img * imageStride + ch * channelStride + iy * w - padding + j;   // + ox·stride
                        int a = Math.clamp(lo, ox, end), b = Math.clamp(hi, a, end);
                        Arrays.fill(col, d + ox, d + a, 0f);
                        if (stride == 1) {
                            System.arraycopy(x, src + a, col, d + a, b - a);
                        } else {
                            for (int q = a; q < b; q++) {
                                col[d + q] = x[src + q * stride];
                            }
                        }
                        Arrays.fill(col, d + b, d + end, 0f);
                    }
                    column += end - ox;
                    ox = 0;
                    if (++oy == ho) {
                        oy = 0;
                        img++;
                    }
                }
            }
        }

        /** Adds each column-matrix entry back onto the image element it was read from (the adjoint of {@link #im2col}). */
        void col2im(float[] col, float[] gx, int img) {
            int base = img * imageSize;
            int row = 0;
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++, row++) {
                        int src = row * p;
                        for (int oy = 0; oy < ho; oy++) {
                            int iy = oy * stride - padding + i;
                            for (int ox = 0; ox < wo; ox++, src++) {
                                int ix = ox * stride - padding + j;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    gx[base + (ch * h + iy) * w + ix] += col[src];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
