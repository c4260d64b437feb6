package dev.jclip.op;

import dev.jclip.tensor.Tensor;
import dev.jclip.tensor.Workspace;
import java.util.Arrays;

/**
 * Layout operations with autograd: permute, transpose, slice, concat, select.
 * Every result is a fresh contiguous copy (tensors are always contiguous), and
 * backward adds the upstream gradient back into the positions it was copied
 * from. Negative dimensions count from the end, as in PyTorch.
 */
public final class Views {
    private Views() {}

    /** {@code x.permute(perm)} copied to contiguous storage: output dim i is input dim perm[i]. */
    public static Tensor permute(Tensor x, int... perm) {
        int[] in = x.shape();
        int rank = in.length;
        if (perm.length != rank) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " for a tensor of shape "
                    + Arrays.toString(in));
        }
        int[] p = new int[rank];
        boolean[] used = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = axis(perm[i], rank, "permute");
            if (used[p[i]]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " repeats a dimension");
            }
            used[p[i]] = true;
        }
        int[] inStride = strides(in);
        int[] outShape = new int[rank];
        int[] stride = new int[rank]; // input stride of each output dimension
        for (int i = 0; i < rank; i++) {
            outShape[i] = in[p[i]];
            stride[i] = inStride[p[i]];
        }
        float[] src = x.data();
        float[] out = Workspace.floats(src.length);
        int[] idx = new int[rank];
        int off = 0;
        for (int o = 0; o < out.length; o++) {
            out[o] = src[off];
            off = next(idx, outShape, stride, off);
        }
        return Tensor.result(out, outShape, r -> {
            float[] g = r.grad(), gx = x.gradForAccumulation();
            int[] j = new int[rank];
            int at = 0;
            for (int o = 0; o < g.length; o++) {
                gx[at] += g[o];
                at = next(j, outShape, stride, at);
            }
        }, x);
    }

    /** {@code x.transpose(d0, d1)} copied to contiguous storage. */
    public static Tensor transpose(Tensor x, int d0, int d1) {
        int rank = x.rank();
        int[] perm = new int[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i;
        }
        int a = axis(d0, rank, "transpose"), b = axis(d1, rank, "transpose");
        perm[a] = b;
        perm[b] = a;
        return permute(x, perm);
    }

    /** {@code x.narrow(dim, start, end - start)}, i.e. {@code x[..., start:end, ...]}; needs 0 ≤ start ≤ end ≤ size. */
    public static Tensor slice(Tensor x, int dim, int start, int end) {
        int[] shape = x.shape();
        int d = axis(dim, shape.length, "slice");
        int n = shape[d];
        if (start < 0 || start > end || end > n) {
            throw new IllegalArgumentException("slice [" + start + ", " + end + ") out of range for dimension " + dim
                    + " of size " + n + " in shape " + Arrays.toString(shape));
        }
        int inner = innerSize(shape, d), outer = outerSize(shape, d);
        int len = (end - start) * inner;
        shape[d] = end - start;
        float[] src = x.data();
        float[] out = Workspace.floats(Tensor.checkedNumel(shape));
        for (int o = 0; o < outer && len > 0; o++) {
            System.arraycopy(src, (o * n + start) * inner, out, o * len, len);
        }
        return Tensor.result(out, shape, r -> {
            float[] g = r.grad(), gx = x.gradForAccumulation();
            for (int o = 0; o < outer; o++) {
                int base = (o * n + start) * inner;
                for (int i = 0; i < len; i++) {
                    gx[base + i] += g[o * len + i];
                }
            }
        }, x);
    }

    /** {@code torch.cat(parts, dim)}: the parts must agree on every dimension but {@code dim}. */
    public static Tensor concat(int dim, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concat of no tensors");
        }
        int[] shape = parts[0].shape();
        int d = axis(dim, shape.length, "concat");
        int total = 0;
        for (Tensor t : parts) {
            int[] s = t.shape();
            boolean ok = s.length == shape.length;
            for (int i = 0; ok && i < s.length; i++) {
                ok = i == d || s[i] == shape[i];
            }
            if (!ok) {
                throw new IllegalArgumentException("concat along " + dim + ": shape " + Arrays.toString(s)
                        + " does not match " + Arrays.toString(shape));
            }
            total += s[d];
        }
        int inner = innerSize(shape, d), outer = outerSize(shape, d);
        shape[d] = total;
        int row = total * inner; // output elements per outer index
        float[] out = Workspace.floats(Tensor.checkedNumel(shape));
        int[] at = new int[parts.length]; // where each part starts within an output row
        for (int p = 0, pos = 0; p < parts.length; p++) {
            at[p] = pos;
            pos += parts[p].dim(d) * inner;
        }
        for (int p = 0; p < parts.length; p++) {
            float[] src = parts[p].data();
            int len = parts[p].dim(d) * inner;
            for (int o = 0; o < outer && len > 0; o++) {
                System.arraycopy(src, o * len, out, o * row + at[p], len);
            }
        }
        return Tensor.result(out, shape, r -> {
            float[] g = r.grad();
            for (int p = 0; p < parts.length; p++) {
                if (!parts[p].requiresGrad()) {
                    continue;
                }
                float[] gp = parts[p].gradForAccumulation();
                int len = parts[p].dim(d) * inner;
                for (int o = 0; o < outer; o++) {
                    for (int i = 0; i < len; i++) {
                        gp[o * len + i] += g[o * row + at[p] + i];
                    }
                }
            }
        }, parts);
    }

    /** {@code x.select(dim, index)}: the slice at {@code index}, without that dimension (e.g. {@code x[:, 0, :]}). */
    public static Tensor select(Tensor x, int dim, int index) {
        int d = axis(dim, x.rank(), "select");
        int[] shape = x.shape();
        int[] outShape = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != d) {
                outShape[j++] = shape[i];
            }
        }
        if (index < 0 || index >= shape[d]) {
            throw new IllegalArgumentException("select: index " + index + " out of range for dimension " + dim
                    + " of size " + shape[d] + " in shape " + Arrays.toString(shape));
        }
        return slice(x, d, index, index + 1).reshape(outShape);
    }

    /** The dimension {@code dim} of a rank-{@code rank} tensor, negative counting from the end. */
    static int axis(int dim, int rank, String op) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new IllegalArgumentException(op + ": dimension " + dim + " out of range for rank " + rank);
        }
        return d;
    }

    /** Product of the dimensions after {@code d}. */
    static int innerSize(int[] shape, int d) {
        int inner = 1;
        for (int i = d + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        return inner;
    }

    /** Product of the dimensions before {@code d}. */
    static int outerSize(int[] shape, int d) {
        int outer = 1;
        for (int i = 0; i < d; i++) {
            outer *= shape[i];
        }
        return outer;
    }

    private static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /**
     * Advances the multi-index {@code idx} over {@code shape} (last dimension
     * fastest) and returns the matching offset in a tensor with strides {@code stride}.
     */
    private static int next(int[] idx, int[] shape, int[] stride, int off) {
        for (int k = idx.length - 1; k >= 0; k--) {
            idx[k]++;
            off += stride[k];
            if (idx[k] < shape[k]) {
                return off;
            }
            off -= stride[k] * shape[k];
            idx[k] = 0;
        }
        return off;
    }
}
