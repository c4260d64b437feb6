package dev.jclip.eval;

import dev.jclip.api.ClipModel;
import dev.jclip.io.JsonWriter;
import dev.jclip.nn.Clip;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.train.StepLog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs evaluations every {@code every} steps of a training run, as the trainer's step callback
 * ({@code TrainConfig.Builder.onStep}), and writes each result as one JSON line, e.g.
 * <pre>{@code {"step":200,"eval":"zeroshot","name":"shapes","top1":0.912,...,"seconds":1.8}}</pre>
 * which a JSONL training log takes beside the step lines. Every result is also kept in
 * {@link #history()}.
 */
public final class PeriodicEval implements Consumer<StepLog> {
    /** One evaluation of one task at one step. */
    public record Point(long step, String kind, String name, Map<String, Double> metrics, double seconds) {
        /** One JSON object on one line; numbers rounded to 6 decimals, non-finite ones (NaN: no images) as {@code null}. */
        public String toJson() {
            JsonWriter json = new JsonWriter().beginObject().name("step").value(step).name("eval").value(kind).name("name").value(name);
            metrics.forEach((k, v) -> number(json.name(k), v));
            return number(json.name("seconds"), seconds).endObject().toString();
        }

        private static JsonWriter number(JsonWriter json, double x) {
            return Double.isFinite(x) ? json.value(Math.rint(x * 1e6) / 1e6) : json.nullValue();
        }
    }

    /** Inputs per forward pass while evaluating. */
    public static final int BATCH = 256;

    private final Clip model;
    private final ClipTokenizer tokenizer;
    private final long every;
    private final List<EvalTask> tasks;
    private final Consumer<String> out;
    private final List<Point> history = new ArrayList<>();

    /**
     * @param model     the model being trained
     * @param tokenizer its tokenizer
     * @param every     evaluate after every this many steps (the step count a multiple of it)
     * @param out       receives each result's JSON line
     */
    public PeriodicEval(Clip model, ClipTokenizer tokenizer, long every, List<EvalTask> tasks, Consumer<String> out) {
        if (every < 1) {
            throw new IllegalArgumentException("evaluation interval must be >= 1 step, got " + every);
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.every = every;
        this.tasks = List.copyOf(tasks);
        this.out = out;
    }

    @Override
    public void accept(StepLog log) {
        if (log.step() % every == 0) {
            evaluate(log.step());
        }
    }

    /** Evaluates every task now, as of {@code step} (once per step: a second call for the same step does nothing). */
    public void evaluate(long step) {
        if (!history.isEmpty() && history.getLast().step() == step) {
            return;
        }
        ClipModel inference = inference(model, tokenizer);
        for (EvalTask t : tasks) {
            long t0 = System.nanoTime();
            Map<String, Double> m = t.metrics(inference);
            Point p = new Point(step, t.kind(), t.name(), m, (System.nanoTime() - t0) / 1e9);
            history.add(p);
            out.accept(p.toJson());
        }
    }

    /**
     * A model being trained, for inference now: switched to evaluation mode (the next
     * {@code Trainer.step} switches it back), encoding {@link #BATCH} inputs at a time.
     */
    public static ClipModel inference(Clip model, ClipTokenizer tokenizer) {
        model.train(false);
        return ClipModel.of(model, tokenizer, "training").withBatchSize(BATCH);
    }

    /** Every result so far, in order. */
    public List<Point> history() {
        return Collections.unmodifiableList(history);
    }
}
