package dev.jclip.op;

import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Parallel;
import dev.jclip.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

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
        if (x.rank() != 4 || weight.rank() != 4 || x.dim(1) != weight.dim(1)) {
            throw new IllegalArgumentException("conv2d: input " + Arrays.toString(x.shape()) + " must be [N, C, H, W] and weight "
                    + Arrays.toString(weight.shape()) + " [O, C, kh, kw] with the same C");
        }
        if (stride < 1 || padding < 0) {
            throw new IllegalArgumentException("conv2d: stride " + stride + " must be >= 1 and padding " + padding + " >= 0");
        }
        Geometry geo = new Geometry(x.shape(), weight.shape(), stride, padding);
        if (geo.ho < 1 || geo.wo < 1) {
            throw new IllegalArgumentException("conv2d: kernel " + geo.kh + "x" + geo.kw + " does not fit input "
                    + Arrays.toString(x.shape()) + " with padding " + padding);
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != geo.o)) {
            throw new IllegalArgumentException("conv2d: bias must be [" + geo.o + "], got " + Arrays.toString(bias.shape()));
        }
        int[] shape = {geo.n, geo.o, geo.ho, geo.wo};
        float[] y = new float[Tensor.checkedNumel(shape)];
        float[] xd = x.data();
        MemorySegment w = weight.storage();   // a mapped weight is read in place
        int o = geo.o, p = geo.p, k = geo.k;
        float[] col = geo.direct ? null : new float[Tensor.checkedNumel(k, p)];
        for (int img = 0; img < geo.n; img++) {
            float[] cols = geo.direct ? xd : geo.im2col(xd, img, col);
            int colOff = geo.direct ? img * geo.imageSize : 0;
            // y[img] [O × P] = W [O × K] · col [K × P]
            Gemm.sgemm(false, false, o, p, k, w, 0, k, cols, colOff, p, y, img * o * p, p, false, null);
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
            float[] g = out.grad(), wd = weight.data();
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

    /** Sizes of one convolution, and the unfold / fold between an image and its column matrix. */
    private static final class Geometry {
        final int n, c, h, w, o, kh, kw, stride, padding, ho, wo;
        /** Rows of the column matrix ({@code C·kh·kw}) and its columns ({@code Ho·Wo}). */
        final int k, p;
        final int imageSize;
        /** True when the image already is its column matrix (1×1 kernel, stride 1, no padding). */
        final boolean direct;

        Geometry(int[] xs, int[] ws, int stride, int padding) {
            n = xs[0];
            c = xs[1];
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
            direct = kh == 1 && kw == 1 && stride == 1 && padding == 0;
        }

        /**
         * Fills {@code col[(ch·kh + i)·kw + j][oy·Wo + ox] = x[img, ch, oy·s − pad + i, ox·s − pad + j]}
         * (zero outside), rows of the column matrix in parallel.
         */
        float[] im2col(float[] x, int img, float[] col) {
            int base = img * imageSize;
            Parallel.forRows(k, p, (from, to) -> {
                for (int row = from; row < to; row++) {
                    int ch = row / (kh * kw), i = row / kw % kh, j = row % kw;
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
