package dev.jclip.image;

/**
 * VP8's in-loop deblocking filters (RFC 6386 section 15) on a decoded plane, in
 * libwebp's arithmetic. {@code p} is the first pixel past the edge, {@code step}
 * crosses the edge (1 for a vertical edge, the stride for a horizontal one) and
 * {@code along} moves along it.
 */
final class Vp8LoopFilter {
    private Vp8LoopFilter() {}

    /** The simple filter over {@code n} pixels of one edge. */
    static void simple(byte[] b, int p, int step, int along, int n, int thresh) {
        int thresh2 = 2 * thresh + 1;
        for (int i = 0; i < n; i++, p += along) {
            int p1 = b[p - 2 * step] & 0xFF, p0 = b[p - step] & 0xFF, q0 = b[p] & 0xFF, q1 = b[p + step] & 0xFF;
            if (4 * Math.abs(p0 - q0) + Math.abs(p1 - q1) <= thresh2) {
                filter2(b, p, step, p1, p0, q0, q1);
            }
        }
    }

    /**
     * The normal filter over {@code n} pixels of one edge: a macroblock edge ({@code mbEdge},
     * changing up to three pixels each side) or an inner edge (up to two).
     */
    static void normal(byte[] b, int p, int step, int along, int n, int thresh, int ithresh, int hevThresh,
            boolean mbEdge) {
        int thresh2 = 2 * thresh + 1;
        for (int i = 0; i < n; i++, p += along) {
            int p1 = b[p - 2 * step] & 0xFF, p0 = b[p - step] & 0xFF, q0 = b[p] & 0xFF, q1 = b[p + step] & 0xFF;
            if (4 * Math.abs(p0 - q0) + Math.abs(p1 - q1) > thresh2) {
                continue;
            }
            int p3 = b[p - 4 * step] & 0xFF, p2 = b[p - 3 * step] & 0xFF;
            int q2 = b[p + 2 * step] & 0xFF, q3 = b[p + 3 * step] & 0xFF;
            if (Math.abs(p3 - p2) > ithresh || Math.abs(p2 - p1) > ithresh || Math.abs(p1 - p0) > ithresh
                    || Math.abs(q3 - q2) > ithresh || Math.abs(q2 - q1) > ithresh || Math.abs(q1 - q0) > ithresh) {
                continue;
            }
            if (Math.abs(p1 - p0) > hevThresh || Math.abs(q1 - q0) > hevThresh) { // high edge variance
                filter2(b, p, step, p1, p0, q0, q1);
            } else if (mbEdge) {
                filter6(b, p, step, p2, p1, p0, q0, q1, q2);
            } else {
                filter4(b, p, step, p1, p0, q0, q1);
            }
        }
    }

    private static int sclip1(int v) { // [-1020, 1020] to [-128, 127]
        return Math.clamp(v, -128, 127);
    }

    private static int sclip2(int v) { // [-112, 112] to [-16, 15]
        return Math.clamp(v, -16, 15);
    }

    private static byte clip1(int v) { // [-255, 511] to [0, 255]
        return (byte) Math.clamp(v, 0, 255);
    }

    /** Two pixels in, the one each side of the edge changed. */
    private static void filter2(byte[] b, int p, int step, int p1, int p0, int q0, int q1) {
        int a = 3 * (q0 - p0) + sclip1(p1 - q1);
        int a1 = sclip2((a + 4) >> 3);
        int a2 = sclip2((a + 3) >> 3);
        b[p - step] = clip1(p0 + a2);
        b[p] = clip1(q0 - a1);
    }

    /** Four pixels in, two each side changed (inner edges). */
    private static void filter4(byte[] b, int p, int step, int p1, int p0, int q0, int q1) {
        int a = 3 * (q0 - p0);
        int a1 = sclip2((a + 4) >> 3);
        int a2 = sclip2((a + 3) >> 3);
        int a3 = (a1 + 1) >> 1;
        b[p - 2 * step] = clip1(p1 + a3);
        b[p - step] = clip1(p0 + a2);
        b[p] = clip1(q0 - a1);
        b[p + step] = clip1(q1 - a3);
    }

    /** Six pixels in, three each side changed (macroblock edges). */
    private static void filter6(byte[] b, int p, int step, int p2, int p1, int p0, int q0, int q1, int q2) {
        int a = sclip1(3 * (q0 - p0) + sclip1(p1 - q1));
        int a1 = (27 * a + 63) >> 7;
        int a2 = (18 * a + 63) >> 7;
        int a3 = (9 * a + 63) >> 7;
        b[p - 3 * step] = clip1(p2 + a3);
        b[p - 2 * step] = clip1(p1 + a2);
        b[p - step] = clip1(p0 + a1);
        b[p] = clip1(q0 - a1);
        b[p + step] = clip1(q1 - a2);
        b[p + 2 * step] = clip1(q2 - a3);
    }
}
