package dev.jclip.demo;

import dev.jclip.api.Similarity;
import dev.jclip.eval.PeriodicEval;
import dev.jclip.eval.RetrievalResult;
import dev.jclip.eval.ZeroShotResult;
import dev.jclip.train.Loss;
import dev.jclip.train.StepLog;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * {@code report.html} of a demo run: one self-contained page (inline CSS, SVG plots and base64 PNG
 * thumbnails; no scripts, no links to anything outside it) with the final metrics, the training
 * curves (loss, logit scale, learning rate, zero-shot accuracy and retrieval recall over steps), the
 * confusion matrix, per-class accuracy and example text-to-image searches.
 */
final class Report {
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    private static final int SEARCH_TOP = 6, THUMB = 64;

    private Report() {}

    /** Writes the report of {@code r} to {@code file}; {@code machine} describes where it ran. */
    static void write(DemoRun.Result r, String machine, Path file) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>jclip demo: ").append(esc(r.data()))
                .append("</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:1em auto;padding:0 1em;color:#222}"
                        + "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;font-size:12px}"
                        + "th{background:#f0f0f0}.num{text-align:right}.cm td{text-align:center;min-width:22px}"
                        + ".plots{display:flex;flex-wrap:wrap;gap:8px}.hit{border:3px solid #2ca02c}.miss{border:3px solid #d62728}"
                        + "img{image-rendering:pixelated;margin:2px}.q{margin:.4em 0}.small{color:#666;font-size:12px}</style>\n</head><body>\n");
        h.append("<h1>jclip demo: ").append(esc(r.data())).append("</h1>\n");
        h.append("<p>A CLIP model trained from scratch in pure Java on ").append(esc(r.data()))
                .append(", then evaluated zero-shot: the class prompts (").append(esc(String.join(" | ", r.templates())))
                .append(") are not how any training caption is made.</p>\n");
        summary(h, r, machine);
        plots(h, r);
        confusion(h, r.zeroShot(), r.displayNames(), heldOut(r));
        searches(h, r);
        h.append("<p class=\"small\">Model and tokenizer: <code>").append(esc(r.load()))
                .append("</code>. Log: <code>log.jsonl</code> beside this file.</p>\n</body></html>\n");
        Files.writeString(file, h, StandardCharsets.UTF_8);
    }

    private static void summary(StringBuilder h, DemoRun.Result r, String machine) {
        h.append("<h2>Results</h2>\n<table>");
        row(h, "zero-shot top-1 (" + r.zeroShot().count() + " images, " + r.displayNames().size() + " classes)", pct(r.zeroShot().top1()));
        r.zeroShotMetrics().forEach((k, v) -> {
            if (k.startsWith("top1_")) {
                row(h, "zero-shot top-1, " + k.substring(5) + " classes", pct(v));
            }
        });
        row(h, "zero-shot top-5", pct(r.zeroShot().top5()));
        row(h, "mean per-class accuracy", pct(r.zeroShot().meanPerClass()));
        RetrievalResult ret = r.retrieval();
        row(h, "text→image recall@1/5/10 (" + ret.texts() + " captions)", pct(ret.textToImage()[0]) + " / "
                + pct(ret.textToImage()[1]) + " / " + pct(ret.textToImage()[2]));
        row(h, "image→text recall@1/5/10 (" + ret.images() + " images)", pct(ret.imageToText()[0]) + " / "
                + pct(ret.imageToText()[1]) + " / " + pct(ret.imageToText()[2]));
        row(h, "training", String.format(Locale.ROOT, "%d steps of %d pairs (%,d pairs) in %.1f s", r.steps(), r.recipe().batch(),
                r.steps() * r.recipe().batch(), r.trainSeconds()));
        row(h, "end to end", String.format(Locale.ROOT, "%.2f minutes", r.minutes()));
        row(h, "model", String.format(Locale.ROOT, "%,d parameters; %d-token BPE vocabulary learned from the training captions",
                r.parameters(), r.vocabSize()));
        row(h, "recipe", r.recipe().describe());
        row(h, "machine", machine);
        h.append("</table>\n");
    }

    private static void plots(StringBuilder h, DemoRun.Result r) {
        List<StepLog> logs = r.stepLogs();
        double[] steps = logs.stream().mapToDouble(StepLog::step).toArray();
        h.append("<h2>Training</h2>\n<div class=\"plots\">");
        h.append(Svg.lineChart(r.recipe().loss() == Loss.SIGLIP ? "sigmoid loss" : "contrastive loss", "step", List.of(new Svg.Series("loss", COLOURS[0], steps,
                logs.stream().mapToDouble(StepLog::loss).toArray())), 0, Double.NaN));
        h.append(Svg.lineChart("logit scale exp(t) (inverse temperature)", "step", List.of(new Svg.Series("exp(logit_scale)",
                COLOURS[1], steps, logs.stream().mapToDouble(s -> Math.exp(s.logitScale())).toArray())), 0, Double.NaN));
        List<Svg.Series> acc = new ArrayList<>();
        List<Svg.Series> rec = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (PeriodicEval.Point p : r.evals()) {
            for (String k : p.metrics().keySet()) {
                if (!keys.contains(k) && (k.startsWith("top1") || k.equals("t2i_r1") || k.equals("i2t_r1"))) {
                    keys.add(k);
                }
            }
        }
        for (String k : keys) {
            List<PeriodicEval.Point> pts = r.evals().stream().filter(p -> p.metrics().containsKey(k)).toList();
            Svg.Series s = new Svg.Series(k, COLOURS[(acc.size() + rec.size()) % COLOURS.length],
                    pts.stream().mapToDouble(PeriodicEval.Point::step).toArray(), pts.stream().mapToDouble(p -> p.metrics().get(k)).toArray());
            (k.startsWith("top1") ? acc : rec).add(s);
        }
        h.append(Svg.lineChart("zero-shot accuracy (evaluation subset)", "step", acc, 0, 1));
        h.append(Svg.lineChart("retrieval recall@1 (evaluation subset)", "step", rec, 0, 1));
        h.append(Svg.lineChart("learning rate", "step", List.of(new Svg.Series("lr", COLOURS[2], steps,
                logs.stream().mapToDouble(StepLog::lr).toArray())), 0, Double.NaN));
        h.append("</div>\n");
    }

    /** Whether each class is held out of training (the "heldout" subset, if the data has one). */
    private static boolean[] heldOut(DemoRun.Result r) {
        boolean[] held = new boolean[r.displayNames().size()];
        for (int c : r.subsets().getOrDefault("heldout", new int[0])) {
            held[c] = true;
        }
        return held;
    }

    private static void confusion(StringBuilder h, ZeroShotResult z, List<String> names, boolean[] held) {
        h.append("<h2>Confusion matrix</h2>\n<p class=\"small\">Rows: true class; columns: predicted class; "
                + "the shade is the fraction of the row.").append(anyHeld(held) ? " * marks the classes held out of training: "
                + "no training image or caption has that colour with that shape." : "")
                .append("</p>\n<table class=\"cm\"><tr><th>true \\ predicted</th>");
        for (int c = 0; c < names.size(); c++) {
            h.append("<th title=\"").append(esc(names.get(c))).append("\">").append(c).append("</th>");
        }
        h.append("<th>accuracy</th></tr>\n");
        int[][] m = z.confusion();
        for (int t = 0; t < names.size(); t++) {
            h.append("<tr><th style=\"text-align:left\">").append(t).append(' ').append(esc(names.get(t)))
                    .append(held[t] ? " *" : "").append("</th>");
            int n = z.classCount(t);
            for (int p = 0; p < names.size(); p++) {
                double f = n == 0 ? 0 : (double) m[t][p] / n;
                String bg = t == p ? String.format(Locale.ROOT, "rgba(44,160,44,%.2f)", f)
                        : String.format(Locale.ROOT, "rgba(214,39,40,%.2f)", f);
                h.append("<td style=\"background:").append(bg).append("\">").append(m[t][p] == 0 ? "" : m[t][p]).append("</td>");
            }
            h.append("<td class=\"num\">").append(pct(z.classAccuracy(t))).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** For each class, the prompt "first template + class name" ranks the zero-shot images; the best few are shown. */
    private static void searches(StringBuilder h, DemoRun.Result r) {
        h.append("<h2>Text → image search</h2>\n<p class=\"small\">Each query is the first prompt template with a class name; "
                + "the ").append(SEARCH_TOP).append(" best of the ").append(r.zeroShotSet().images().size())
                .append(" evaluation images, best first; green: an image of that class, red: another class.</p>\n");
        List<String> classNames = classPrompts(r);
        boolean[] held = heldOut(r);
        float[][] img = r.zeroShotEmbeddings();
        float[][] q = r.model().embedTexts(classNames);
        int[] labels = r.zeroShotSet().labels();
        float[][] scores = Similarity.matrix(q, img);
        for (int c = 0; c < classNames.size(); c++) {
            float[] sc = scores[c];
            List<Integer> order = IntStream.range(0, img.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -sc[i]).thenComparingInt(i -> i)).limit(SEARCH_TOP).toList();
            h.append("<div class=\"q\"><b>").append(esc(classNames.get(c))).append("</b>")
                    .append(held[c] ? " (held out: never seen in training)" : "").append("<br>");
            for (int i : order) {
                h.append("<img class=\"").append(labels[i] == c ? "hit" : "miss").append("\" width=\"").append(THUMB)
                        .append("\" height=\"").append(THUMB).append("\" alt=\"").append(esc(r.displayNames().get(labels[i])))
                        .append("\" title=\"").append(esc(r.displayNames().get(labels[i]))).append("\" src=\"data:image/png;base64,")
                        .append(png(r.zeroShotSet().images().get(i))).append("\">");
            }
            h.append("</div>\n");
        }
    }

    private static boolean anyHeld(boolean[] held) {
        for (boolean b : held) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    private static List<String> classPrompts(DemoRun.Result r) {
        String t = r.templates().getFirst();
        List<String> out = new ArrayList<>();
        for (String name : r.classNames()) {
            out.add(t.replace("{}", name));
        }
        return out;
    }

    /** The image as PNG, enlarged to {@link #THUMB} pixels with nearest-neighbour sampling, in base64. */
    static String png(BufferedImage image) {
        BufferedImage big = new BufferedImage(THUMB, THUMB, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = big.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(image, 0, 0, THUMB, THUMB, null);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(big, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a thumbnail", e);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private static void row(StringBuilder h, String k, String v) {
        h.append("<tr><th style=\"text-align:left\">").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>\n");
    }

    private static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : "–";
    }

    /** Text for HTML. */
    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
