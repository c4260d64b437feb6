package dev.jclip.train;

import dev.jclip.io.JsonWriter;

/**
 * What one optimizer step reports.
 *
 * @param step             steps completed, this one included (1 after the first)
 * @param epoch            the epoch the batch came from (0-based)
 * @param loss             the batch's loss before the update
 * @param lr               the learning rate used
 * @param logitScale       {@code logit_scale} after the update and its clamp
 * @param logitBias        SigLIP's {@code logit_bias} after the update; null for a model without one
 * @param gradNorm         the global L2 norm of the trainable gradients, before clipping
 * @param samplesPerSecond pairs per second of wall time for this step
 * @param skipped          true when a non-finite loss or gradient made the step skip its update
 */
public record StepLog(long step, int epoch, float loss, double lr, float logitScale, Float logitBias, double gradNorm,
                      double samplesPerSecond, boolean skipped) {

    /** One JSON object on one line (non-finite numbers as {@code null}), for a JSONL log. */
    public String toJson() {
        return writeMembers(new JsonWriter().beginObject()).endObject().toString();
    }

    /**
     * Writes this step's members, as {@link #toJson} has them, into an object the caller has opened
     * and closes (adding members of its own, if it likes).
     */
    public JsonWriter writeMembers(JsonWriter json) {
        json.name("step").value(step).name("epoch").value(epoch);
        number(json.name("loss"), loss).name("lr");
        number(json, lr).name("logit_scale");
        number(json, logitScale);
        if (logitBias != null) {
            number(json.name("logit_bias"), logitBias.floatValue());
        }
        number(json.name("grad_norm"), gradNorm).name("samples_per_s");
        return number(json, samplesPerSecond).name("skipped").value(skipped);
    }

    private static JsonWriter number(JsonWriter json, float x) {
        return Float.isFinite(x) ? json.value(x) : json.nullValue();
    }

    private static JsonWriter number(JsonWriter json, double x) {
        return Double.isFinite(x) ? json.value(x) : json.nullValue();
    }
}
