package dev.jclip.eval;

import dev.jclip.api.ClipModel;
import java.util.Map;

/** An evaluation that a training run repeats ({@link PeriodicEval}): a named set of metrics of the current model. */
public interface EvalTask {

    /** What is evaluated, e.g. {@code "shapes"}. */
    String name();

    /** The kind of evaluation: {@code "zeroshot"} or {@code "retrieval"}. */
    String kind();

    /** The metrics of {@code model}, by name, in a fixed order. */
    Map<String, Double> metrics(ClipModel model);
}
