package dev.jclip.op;

import dev.jclip.compute.Parallel;
import dev.jclip.kernel.Epilogue;
import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import dev.jclip.kernel.PackedB;
import dev.jclip.kernel.Winograd;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * A 3×3 convolution with stride 1 and padding 1 for inference by Winograd's F(2×2, 3×3)
 * ({@link Winograd}): the same result as {@link Conv2d#infer} with 2.25 times fewer
 * multiplications, rounded differently (within a few units in the last place of the largest
 * output; the ResNets' 3×3 convolutions are all of this kind, and 60% of RN50's work). The output
 * is cut into 2×2 tiles, the tiles into chunks, one task each: transform the chunk's input tiles,
 * multiply each of the 16 planes by its transformed kernel on that thread, transform back through
 * the epilogue. Each output is computed by the same operations whatever the chunks, so the result
 * does not depend on the thread count.
 */
public final class WinogradConv2d {
    private WinogradConv2d() {}

    /**
     * Tiles of one task: about this many floats of transformed input and products (half an L2
     * cache), and at least one per this many products of a transformed kernel (C·O), so that a
     * large weight, which every task reads whole from beyond the L2 cache, is read for enough tiles
     * (RN50's last stage: 512×512 over 128 tiles).
     */
    private static final int CHUNK_FLOATS = 1 << 17, KERNEL_PER_TILE = 2048;
    /** Tile count bounds of a task, and the multiple it is rounded to (whole GEMM row panels). */
    private static final int MIN_CHUNK = 24, MAX_CHUNK = 384, CHUNK_ALIGN = 6;
    /** Each thread's transformed input tiles, products and border tile, grown on demand. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {
            new float[0], new float[0], new float[0]});

    /** Whether a convolution of this weight, stride and padding is one this class computes. */
    public static boolean applies(Tensor weight, int stride, int padding) {
        return weight.rank() == 4 && weight.dim(2) == 3 && weight.dim(3) == 3 && stride == 1 && padding == 1;
    }

    /** A weight {@code [O, C, 3, 3]} transformed and packed for {@link #infer}: one product's B per position of a tile. */
    public record Weight(int o, int c, PackedB[] planes) {
        /** The heap bytes {@link #packWeight} takes for a weight {@code [o, c, 3, 3]}. */
        public static long bytes(int o, int c) {
            return Winograd.POSITIONS * PackedB.bytes(c, o);
        }
    }

    /** {@code weight} {@code [O, C, 3, 3]} transformed ({@link Winograd#transformWeight}) and packed. */
    public static Weight packWeight(Tensor weight) {
        if (!applies(weight, 1, 1)) {
            throw new IllegalArgumentException("winograd: weight must be [O, C, 3, 3], got " + Arrays.toString(weight.shape()));
        }
        int o = weight.dim(0), c = weight.dim(1);
        float[] u = Winograd.transformWeight(Conv2d.onHeap(weight), o, c);
        PackedB[] planes = new PackedB[Winograd.POSITIONS];
        for (int xi = 0; xi < planes.length; xi++) {
            planes[xi] = Gemm.packB(true, c, o, u, xi * o * c, c);
        }
        return new Weight(o, c, planes);
    }

    /**
     * The convolution of channels-last {@code x} {@code [N, H, W, C]} by the weight {@code w}
     * ({@link #packWeight}), with padding 1: {@code [N, H, W, O]}, through {@code epilogue} (a
     * folded batch norm and ReLU, no other activation), {@code residual} (or null) added before
     * the ReLU and overwritten by the output, as {@link Conv2d#infer} does.
     *
     * @param allocate gives the output's array for its size when there is no residual
     * @throws IllegalStateException if an input needs a gradient
     */
    public static Tensor infer(Tensor x, Weight w, Epilogue epilogue, Tensor residual, IntFunction<float[]> allocate) {
        if (x.rank() != 4 || x.dim(3) != w.c()) {
            throw new IllegalArgumentException("winograd: input " + Arrays.toString(x.shape()) + " must be [N, H, W, C] with C "
                    + w.c() + " of the weight");
        }
        if (Tensor.needsGrad(x, residual)) {
            throw new IllegalStateException("winograd: inference needs no gradient; use Conv2d.forward to record one");
        }
        int n = x.dim(0), h = x.dim(1), wd = x.dim(2), c = w.c(), o = w.o();
        int[] shape = {n, h, wd, o};
        if (residual != null && !Arrays.equals(residual.shape(), shape)) {
            throw new IllegalArgumentException("winograd: residual " + Arrays.toString(residual.shape())
                    + " must be the output's shape " + Arrays.toString(shape));
        }
        if (epilogue != null && (epilogue.residual() != null || epilogue.gelu() != null)) {
            throw new IllegalArgumentException("winograd: the epilogue may scale, shift and apply ReLU only");
        }
        int th = Math.ceilDiv(h, 2), tw = Math.ceilDiv(wd, 2), perImage = th * tw, tiles = Math.multiplyExact(n, perImage);
        if (tiles == 0) {
            return Tensor.of(new float[0], shape);
        }
        float[] xd = x.data();
        float[] y = residual != null ? residual.data() : allocate.apply(Tensor.checkedNumel(shape));
        Epilogue base = epilogue != null ? epilogue : Epilogue.NONE;
        Epilogue e = residual != null ? base.withResidual(y, 0, o) : base;
        int target = (int) Math.clamp(Math.max(CHUNK_FLOATS / (Winograd.POSITIONS * (c + o)), (long) c * o / KERNEL_PER_TILE),
                MIN_CHUNK, MAX_CHUNK);
        int threads = Parallel.current().threads();
        int chunks = Math.ceilDiv(Math.ceilDiv(tiles, target), threads) * threads;
        int rows = Math.ceilDiv(Math.ceilDiv(tiles, chunks), CHUNK_ALIGN) * CHUNK_ALIGN;
        Parallel.forEach(Math.ceilDiv(tiles, rows), task -> {
            int t0 = task * rows, count = Math.min(tiles, t0 + rows) - t0;
            float[][] scratch = SCRATCH.get();
            float[] v = Conv2d.grow(scratch, 0, Winograd.POSITIONS * count * c);
            float[] m = Conv2d.grow(scratch, 1, Winograd.POSITIONS * count * o);
            float[] border = Conv2d.grow(scratch, 2, Winograd.POSITIONS * c);
            for (int t = 0; t < count; t++) {
                int img = (t0 + t) / perImage, q = (t0 + t) % perImage, iy = 2 * (q / tw) - 1, ix = 2 * (q % tw) - 1;
                if (iy >= 0 && ix >= 0 && iy + 4 <= h && ix + 4 <= wd) {
                    Winograd.inputTile(xd, ((img * h + iy) * wd + ix) * c, wd * c, c, v, t * c, count * c);
                } else {
                    borderTile(xd, img, iy, ix, h, wd, c, border);
                    Winograd.inputTile(border, 0, 4 * c, c, v, t * c, count * c);
                }
            }
            for (int xi = 0; xi < Winograd.POSITIONS; xi++) {
                Gemm.sgemm(count, o, c, Operand.of(v, xi * count * c, c), Operand.of(w.planes()[xi]),
                        m, xi * count * o, o, false, null);
            }
            for (int t = 0; t < count; t++) {
                int img = (t0 + t) / perImage, q = (t0 + t) % perImage, oy = 2 * (q / tw), ox = 2 * (q % tw);
                Winograd.outputTile(m, t * o, count * o, o, y, ((img * h + oy) * wd + ox) * o, wd * o,
                        Math.min(2, h - oy), Math.min(2, wd - ox), e);
            }
        });
        return Tensor.of(y, shape);
    }

    /** The 4×4 input tile at ({@code iy}, {@code ix}) of image {@code img} into {@code tile}, zero outside the image. */
    private static void borderTile(float[] x, int img, int iy, int ix, int h, int w, int c, float[] tile) {
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                int y = iy + i, xx = ix + j, to = (4 * i + j) * c;
                if (y < 0 || y >= h || xx < 0 || xx >= w) {
                    Arrays.fill(tile, to, to + c, 0f);
                } else {
                    System.arraycopy(x, ((img * h + y) * w + xx) * c, tile, to, c);
                }
            }
        }
    }
}
