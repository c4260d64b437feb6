package dev.jclip.demo;

import java.util.List;
import java.util.Locale;

/** Inline SVG line charts for the report: no scripts, no external resources. */
final class Svg {
    /** One line of a chart. */
    record Series(String name, String colour, double[] x, double[] y) {}

    private static final int W = 520, H = 270, LEFT = 56, RIGHT = 12, TOP = 40, BOTTOM = 40;

    private Svg() {}

    /**
     * A chart of {@code series} with a linear y axis over {@code [yMin, yMax]} (NaN: from the data),
     * x from the smallest to the largest x of all series.
     */
    static String lineChart(String title, String xLabel, List<Series> series, double yMin, double yMax) {
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    x0 = Math.min(x0, s.x()[i]);
                    x1 = Math.max(x1, s.x()[i]);
                    y0 = Math.min(y0, s.y()[i]);
                    y1 = Math.max(y1, s.y()[i]);
                }
            }
        }
        if (!Double.isFinite(x0)) {
            x0 = 0;
            x1 = 1;
            y0 = 0;
            y1 = 1;
        }
        y0 = Double.isNaN(yMin) ? y0 : yMin;
        y1 = Double.isNaN(yMax) ? y1 : yMax;
        if (y1 - y0 < 1e-9) {
            y1 = y0 + 1;
        }
        if (x1 - x0 < 1e-9) {
            x1 = x0 + 1;
        }
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">", W, H, W, H));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"bold\">%s</text>", LEFT, Report.esc(title)));
        int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" stroke=\"#999\"/>",
                LEFT, TOP, pw, ph));
        for (int t = 0; t <= 4; t++) {
            double v = y0 + (y1 - y0) * t / 4;
            double py = TOP + ph - ph * (double) t / 4;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>", LEFT, py, LEFT + pw, py));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>",
                    LEFT - 4, py + 3, tick(v)));
            double xv = x0 + (x1 - x0) * t / 4;
            double px = LEFT + pw * (double) t / 4;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
                    px, TOP + ph + 14, x1 - x0 >= 8 ? String.format(Locale.ROOT, "%.0f", xv) : tick(xv)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
                LEFT + pw / 2, H - 6, Report.esc(xLabel)));
        int legendX = LEFT + 8;
        for (Series se : series) {
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < se.x().length; i++) {
                if (!Double.isFinite(se.y()[i])) {
                    continue;
                }
                double px = LEFT + pw * (se.x()[i] - x0) / (x1 - x0);
                double py = TOP + ph - ph * (Math.clamp(se.y()[i], y0, y1) - y0) / (y1 - y0);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                // Sparse series (evaluations) get dots too, so that even one point shows.
                if (se.x().length <= 60) {
                    s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.8\" fill=\"%s\"/>", px, py, se.colour()));
                }
            }
            s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>",
                    se.colour(), pts.toString().strip()));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>", legendX, TOP - 10, se.colour(), legendX + 13, TOP - 6,
                    Report.esc(se.name())));
            legendX += 22 + 6 * se.name().length();
        }
        return s.append("</svg>").toString();
    }

    private static String tick(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e5 || a < 1e-3)) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        return a >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
