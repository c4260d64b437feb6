package dev.jclip.op;

import dev.jclip.compute.Parallel;
import dev.jclip.kernel.Epilogue;
import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import dev.jclip.kernel.PackedB;
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
 * {@link #infer} is the inference-only variant on channels-last activations.
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
        float[] xd = x.data();
        int o = geo.o, p = geo.p, k = geo.k;
        // A 1×1 weight is read in place (mapped or not); a larger one in the column matrix's tap-major order.
        float[] wTaps = geo.direct ? null : tapsMajor(weight);
        float[] col = geo.direct ? null : new float[Tensor.checkedNumel(k, p)];
        for (int img = 0; img < geo.n; img++) {
            if (geo.direct) {
                // y[img] [O × P] = W [O × C] · x[img] [C × P]
                Gemm.sgemm(o, p, k, Operand.of(weight.storage(), 0, k), Operand.of(xd, img * geo.imageSize, p),
                        y, img * o * p, p, false, null);
            } else {
                // y[img] [O × P] = W [O × K] · col [K × P]
                Gemm.sgemm(o, p, k, Operand.of(wTaps, 0, k), Operand.of(geo.im2col(xd, img, col), 0, p),
                        y, img * o * p, p, false, null);
            }
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
            float[] wd = geo.direct ? weight.data() : wTaps;
            float[] colBuf = needW && !geo.direct ? new float[k * p] : null;
            float[] dcol = needX && !geo.direct ? new float[k * p] : null;
            // The weight's gradient in the order of wd: its own for a 1×1 kernel, else tap-major, added back at the end.
            float[] dw = !needW ? null : geo.direct ? weight.gradForAccumulation() : new float[o * k];
            for (int img = 0; img < geo.n; img++) {
                int gOff = img * o * p;
                if (needW) {
                    float[] cols = geo.direct ? xd : geo.im2col(xd, img, colBuf);
                    int colOff = geo.direct ? img * geo.imageSize : 0;
                    // dW [O × K] += g[img] [O × P] · colᵀ
                    Gemm.sgemm(o, k, p, Operand.of(g, gOff, p), Operand.of(cols, colOff, p).t(), dw, 0, k, true, null);
                }
                if (needX) {
                    float[] gx = x.gradForAccumulation();
                    if (geo.direct) {
                        // dx[img] [C × H·W] += Wᵀ · g[img]
                        Gemm.sgemm(k, p, o, Operand.of(wd, 0, k).t(), Operand.of(g, gOff, p),
                                gx, img * geo.imageSize, p, true, null);
                    } else {
                        // dcol [K × P] = Wᵀ · g[img], then fold the columns back onto the image
                        Gemm.sgemm(k, p, o, Operand.of(wd, 0, k).t(), Operand.of(g, gOff, p), dcol, 0, p, false, null);
                        geo.col2im(dcol, gx, img);
                    }
                }
            }
            if (needW && !geo.direct) {
                addChannelsMajor(dw, weight.gradForAccumulation(), o, geo.c, geo.kh * geo.kw);
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

    /** Pixels of one task: about this many floats of image rows and residual (a quarter of an L2 cache) when K allows. */
    private static final int CHUNK_FLOATS = 1 << 16;
    /** Pixel count bounds of a task, and the multiple it is rounded to (whole GEMM row panels). */
    private static final int MIN_CHUNK = 96, MAX_CHUNK = 1536, CHUNK_ALIGN = 6;
    /** Each thread's image-row matrix and saved residual, grown on demand. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

    /**
     * The convolution for inference, on channels-last activations: the output {@code [N, Ho, Wo, O]}
     * is one {@code [N·Ho·Wo × O]} matrix, the product {@code rows [N·Ho·Wo × K] · Wᵀ [K × O]}, where
     * row r of {@code rows} holds the {@code kh×kw×C} input values under output pixel r (im2row; a
     * channels-last input is its own row matrix for a 1×1 kernel with stride 1 and no padding; the
     * images, channels first, are laid out channels-last first).
     * The weight is packed for the product ({@link #packWeight}, its K in the order (i, j, c) of the
     * rows) once per call, or once by the caller for several calls.
     * {@code epilogue} is applied as the product writes the output: a folded batch norm
     * ({@link Epilogue#affine}, columns being output channels) and ReLU, with {@code residual}
     * added before the ReLU. The pixels are cut into chunks, one task each: gather the chunk's rows
     * into a per-thread buffer, then multiply on that thread. Each output element is the same sum
     * whatever the chunks, so the result does not depend on the thread count.
     *
     * <p>With a residual, the output is written over the residual's array. Where K is one k block
     * of the product ({@link Gemm#residualMayBeC}) the epilogue reads each residual element just
     * before it writes the output there; a deeper K would overwrite the residual with partial sums
     * first, so each chunk's part of it is copied to a per-thread buffer before. (Reading it in
     * place, RN50's 1×1 convolutions with a residual ran 3–8% faster than with the copy.)
     *
     * @param x             {@code [N, H, W, C]} (channels-last), or {@code [N, C, H, W]} when {@code channelsFirst}
     * @param channelsFirst whether {@code x} is laid out {@code [N, C, H, W]} (the input images)
     * @param weight        {@code [O, C, kh, kw]}
     * @param epilogue      work fused into the product without a residual, or null
     * @param residual      {@code [N, Ho, Wo, O]}, added before the epilogue's ReLU and overwritten by the
     *                      output, or null
     * @param allocate      gives the output's array for its size when there is no residual (all of it is
     *                      overwritten): a new one or a recycled one
     * @return {@code [N, Ho, Wo, O]}, without gradient
     * @throws IllegalStateException if an input needs a gradient (use {@link #forward})
     */
    public static Tensor infer(Tensor x, boolean channelsFirst, Tensor weight, int stride, int padding, Epilogue epilogue,
                               Tensor residual, IntFunction<float[]> allocate) {
        return infer(x, channelsFirst, weight, null, stride, padding, epilogue, residual, allocate);
    }

    /**
     * {@link #infer(Tensor, boolean, Tensor, int, int, Epilogue, Tensor, IntFunction)} with the weight
     * packed beforehand by {@link #packWeight} ({@code packed}; null packs it here): for a weight that
     * several calls of one pass use, such as the layers that run one group of images at a time.
     */
    public static Tensor infer(Tensor x, boolean channelsFirst, Tensor weight, PackedB packed, int stride, int padding,
                               Epilogue epilogue, Tensor residual, IntFunction<float[]> allocate) {
        Geometry geo = geometry(x, !channelsFirst, weight, stride, padding);
        if (packed != null && (packed.k() != geo.k || packed.n() != geo.o)) {
            throw new IllegalArgumentException("conv2d: the packed weight is " + packed.k() + "×" + packed.n()
                    + ", the weight " + Arrays.toString(weight.shape()) + " needs " + geo.k + "×" + geo.o);
        }
        if (Tensor.needsGrad(x, weight, residual)) {
            throw new IllegalStateException("conv2d: inference needs no gradient; use forward to record one");
        }
        int o = geo.o, k = geo.k, pixels = Math.multiplyExact(geo.n, geo.p);
        int[] shape = {geo.n, geo.ho, geo.wo, o};
        if (residual != null && !Arrays.equals(residual.shape(), shape)) {
            throw new IllegalArgumentException("conv2d: residual " + Arrays.toString(residual.shape())
                    + " must be the output's shape " + Arrays.toString(shape));
        }
        if (epilogue != null && epilogue.residual() != null) {
            throw new IllegalArgumentException("conv2d: pass the residual as a tensor, not in the epilogue");
        }
        if (pixels == 0) {
            return Tensor.of(new float[0], shape);
        }
        float[] y = residual != null ? residual.data() : allocate.apply(Tensor.checkedNumel(shape));
        float[] xd = channelsFirst ? channelsLast(x) : x.data();
        PackedB w = packed != null ? packed : packWeight(weight);
        Epilogue base = epilogue != null ? epilogue : Epilogue.NONE;
        // Chunks of about CHUNK_FLOATS of rows and residual, as many for every thread.
        int target = Math.clamp(CHUNK_FLOATS / (k + (residual != null ? o : 0)), MIN_CHUNK, MAX_CHUNK);
        int threads = Parallel.current().threads();
        int chunks = Math.ceilDiv(Math.ceilDiv(pixels, target), threads) * threads;
        int rows = Math.ceilDiv(Math.ceilDiv(pixels, chunks), CHUNK_ALIGN) * CHUNK_ALIGN;
        Parallel.forEach(Math.ceilDiv(pixels, rows), t -> {
            int r0 = t * rows, r1 = Math.min(pixels, r0 + rows);
            float[][] buffers = SCRATCH.get();
            Epilogue e = epilogue;
            if (residual != null && Gemm.residualMayBeC(k)) {
                e = base.withResidual(y, r0 * o, o);
            } else if (residual != null) {
                // The output overwrites the residual before the last k block adds it: a copy first.
                float[] saved = grow(buffers, 1, rows * o);
                System.arraycopy(y, r0 * o, saved, 0, (r1 - r0) * o);
                e = base.withResidual(saved, 0, o);
            }
            if (geo.direct) {
                Gemm.sgemm(r1 - r0, w.n(), w.k(), Operand.of(xd, r0 * k, k), Operand.of(w), y, r0 * o, o, false, e);
            } else {
                float[] gathered = grow(buffers, 0, rows * k);
                geo.im2row(xd, r0, r1, gathered);
                Gemm.sgemm(r1 - r0, w.n(), w.k(), Operand.of(gathered, 0, k), Operand.of(w), y, r0 * o, o, false, e);
            }
        });
        return Tensor.of(y, shape);
    }

    /** The data of {@code x} {@code [N, C, H, W]} laid out {@code [N, H, W, C]}, a plane of all channels at a time. */
    private static float[] channelsLast(Tensor x) {
        int n = x.dim(0), c = x.dim(1), plane = x.dim(2) * x.dim(3);
        float[] src = x.data(), dst = new float[src.length];
        Parallel.forRows(n, c * plane, (from, to) -> {
            for (int img = from; img < to; img++) {
                int base = img * c * plane;
                for (int ch = 0; ch < c; ch++) {
                    for (int q = 0; q < plane; q++) {
                        dst[base + q * c + ch] = src[base + ch * plane + q];
                    }
                }
            }
        });
        return dst;
    }

    /** {@code buffers[which]}, replaced by a new array first when shorter than {@code size}. */
    static float[] grow(float[][] buffers, int which, int size) {
        if (buffers[which].length < size) {
            buffers[which] = new float[size];
        }
        return buffers[which];
    }

    /**
     * A weight {@code [O, C, kh, kw]} as {@code Wᵀ [K × O]} packed for {@link Gemm}, K in the order
     * (i, j, c) of {@link Geometry#im2row}, as {@link #infer} multiplies it: the weight as stored for
     * a 1×1 kernel, else reordered from (c, i, j) first. A mapped weight is copied out of its file in
     * bulk first (a transient copy, quicker to pack than the mapping read float by float); a heap
     * one is read in place.
     */
    public static PackedB packWeight(Tensor weight) {
        if (weight.rank() != 4) {
            throw new IllegalArgumentException("conv2d: weight must be [O, C, kh, kw], got " + Arrays.toString(weight.shape()));
        }
        int o = weight.dim(0), k = Math.multiplyExact(weight.dim(1), weight.dim(2) * weight.dim(3));
        if (weight.halfStorage() != null && k == weight.dim(1)) {
            // A 1×1 weight in 16 bits is its own [O × C] matrix: packing widens it in place, no copy.
            return Gemm.packB(Linear.stored(weight, 0, k).transposed(true), k, o);
        }
        return Gemm.packB(true, k, o, tapsMajor(weight), 0, k);
    }

    /**
     * A weight {@code [O, C, kh, kw]} as {@code [O, kh·kw·C]}: each output channel's taps in the
     * order (i, j, c) of the row and column matrices. A 1×1 weight as stored; a mapped weight is
     * copied out of its file in bulk first (quicker to reorder than the mapping read float by float).
     */
    private static float[] tapsMajor(Tensor weight) {
        int o = weight.dim(0), c = weight.dim(1), taps = weight.dim(2) * weight.dim(3);
        int k = Math.multiplyExact(c, taps), size = Tensor.checkedNumel(o, k);
        float[] wd = onHeap(weight);
        if (taps == 1) {
            return wd;
        }
        float[] src = wd, reordered = new float[size];
        Parallel.forRows(o, k, (from, to) -> {
            for (int row = from * k; row < to * k; row += k) {
                for (int ch = 0; ch < c; ch++) {
                    for (int tap = 0; tap < taps; tap++) {
                        reordered[row + tap * c + ch] = src[row + ch * taps + tap];
                    }
                }
            }
        });
        return reordered;
    }

    /**
     * The elements of {@code weight}: its array, or for a mapped weight a copy out of its file in
     * bulk, or for one kept in 16 bits a widened copy ({@link Tensor#copy}: it stays in 16 bits).
     */
    static float[] onHeap(Tensor weight) {
        return weight.isMapped() ? weight.copy().data() : weight.data();
    }

    /** Adds a tap-major gradient {@code [O, taps·C]} ({@link #tapsMajor}'s order) into a weight's {@code [O, C, kh, kw]} one. */
    private static void addChannelsMajor(float[] tapMajor, float[] into, int o, int c, int taps) {
        int k = c * taps;
        for (int row = 0; row < o * k; row += k) {
            for (int ch = 0; ch < c; ch++) {
                for (int tap = 0; tap < taps; tap++) {
                    into[row + ch * taps + tap] += tapMajor[row + tap * c + ch];
                }
            }
        }
    }

    /** Checks the arguments of a convolution; {@code channelsLast} says x is {@code [N, H, W, C]}. */
    private static Geometry geometry(Tensor x, boolean channelsLast, Tensor weight, int stride, int padding) {
        int channelDim = channelsLast ? 3 : 1;
        String layout = channelsLast ? "[N, H, W, C]" : "[N, C, H, W]";
        if (x.rank() != 4 || weight.rank() != 4 || x.dim(channelDim) != weight.dim(1)) {
            throw new IllegalArgumentException("conv2d: input " + Arrays.toString(x.shape()) + " must be " + layout
                    + " and weight " + Arrays.toString(weight.shape()) + " [O, C, kh, kw] with the same C");
        }
        if (stride < 1 || padding < 0) {
            throw new IllegalArgumentException("conv2d: stride " + stride + " must be >= 1 and padding " + padding + " >= 0");
        }
        Geometry geo = new Geometry(x.shape(), channelsLast, weight.shape(), stride, padding);
        if (geo.ho < 1 || geo.wo < 1) {
            throw new IllegalArgumentException("conv2d: kernel " + geo.kh + "x" + geo.kw + " does not fit input "
                    + Arrays.toString(x.shape()) + " with padding " + padding);
        }
        return geo;
    }

    /** Sizes of one convolution, and the unfold / fold between images and their column or row matrix. */
    private static final class Geometry {
        final int n, c, h, w, o, kh, kw, stride, padding, ho, wo;
        /** Rows of the column matrix ({@code C·kh·kw}) and its columns per image ({@code Ho·Wo}). */
        final int k, p;
        final int imageSize;
        /** True when an image already is its column matrix (1×1 kernel, stride 1, no padding). */
        final boolean direct;

        Geometry(int[] xs, boolean channelsLast, int[] ws, int stride, int padding) {
            n = xs[0];
            c = xs[channelsLast ? 3 : 1];
            h = xs[channelsLast ? 1 : 2];
            w = xs[channelsLast ? 2 : 3];
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
            direct = kh == 1 && kw == 1 && stride == 1 && padding == 0;
        }

        /**
         * Rows {@code [r0, r1)} of the row matrix of all images of a channels-last input into
         * {@code rows}, row r being output pixel {@code r = img·P + oy·Wo + ox}:
         * {@code rows[(r − r0)·K + (i·kw + j)·C + ch] = x[img, oy·s − pad + i, ox·s − pad + j, ch]},
         * zero outside the image. The kw taps of a kernel row are kw neighbouring input pixels, so
         * away from the border each kernel row is one contiguous copy of {@code kw·C} floats.
         */
        void im2row(float[] x, int r0, int r1, float[] rows) {
            int img = r0 / p, oy = r0 % p / wo, ox = r0 % wo, run = kw * c;
            for (int r = r0, d = 0; r < r1; r++) {
                int ix0 = ox * stride - padding;
                for (int i = 0; i < kh; i++, d += run) {
                    int iy = oy * stride - padding + i;
                    if (iy < 0 || iy >= h) {
                        Arrays.fill(rows, d, d + run, 0f);
                    } else if (ix0 >= 0 && ix0 + kw <= w) {
                        copy(x, ((img * h + iy) * w + ix0) * c, rows, d, run);
                    } else {
                        for (int j = 0; j < kw; j++) {
                            int ix = ix0 + j;
                            if (ix < 0 || ix >= w) {
                                Arrays.fill(rows, d + j * c, d + (j + 1) * c, 0f);
                            } else {
                                copy(x, ((img * h + iy) * w + ix) * c, rows, d + j * c, c);
                            }
                        }
                    }
                }
                if (++ox == wo) {
                    ox = 0;
                    if (++oy == ho) {
                        oy = 0;
                        img++;
                    }
                }
            }
        }

        /** {@code System.arraycopy}, with a plain loop for the few floats of the RGB images' taps. */
        private static void copy(float[] src, int from, float[] dst, int to, int count) {
            if (count >= 16) {
                System.arraycopy(src, from, dst, to, count);
            } else {
                for (int q = 0; q < count; q++) {
                    dst[to + q] = src[from + q];
                }
            }
        }

        /**
         * Fills {@code col[(i·kw + j)·C + ch][oy·Wo + ox] = x[img, ch, oy·s − pad + i, ox·s − pad + j]}
         * (zero outside), rows of the column matrix in parallel: K in the order (i, j, c) of
         * {@link #im2row}, so that both sum every output in the same order.
         */
        float[] im2col(float[] x, int img, float[] col) {
            int base = img * imageSize;
            Parallel.forRows(k, p, (from, to) -> {
                for (int row = from; row < to; row++) {
                    int tap = row / c, ch = row % c, i = tap / kw, j = tap % kw;
                    // Output columns [lo, hi) read inside the image row; the rest is padding.
                    int lo = Math.min(wo, Math.max(0, Math.ceilDiv(padding - j, stride)));
                    int hi = Math.max(lo, Math.min(wo, Math.floorDiv(w - 1 + padding - j, stride) + 1));
                    for (int oy = 0, dst = row * p; oy < ho; oy++, dst += wo) {
                        int iy = oy * stride - padding + i;
                        if (iy < 0 || iy >= h) {
                            Arrays.fill(col, dst, dst + wo, 0f);
                            continue;
                        }
                        int src = base + (ch * h + iy) * w - padding + j;   // + ox·stride
                        Arrays.fill(col, dst, dst + lo, 0f);
                        if (stride == 1) {
                            System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                        } else {
                            for (int ox = lo; ox < hi; ox++) {
                                col[dst + ox] = x[src + ox * stride];
                            }
                        }
                        Arrays.fill(col, dst + hi, dst + wo, 0f);
                    }
                }
            });
            return col;
        }

        /** Adds each column-matrix entry back onto the image element it was read from (the adjoint of {@link #im2col}). */
        void col2im(float[] col, float[] gx, int img) {
            int base = img * imageSize;
            int row = 0;
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    for (int ch = 0; ch < c; ch++, row++) {
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
