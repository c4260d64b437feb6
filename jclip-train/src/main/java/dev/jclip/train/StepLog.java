package dev.jclip.train;

/**
 * What one optimizer step reports.
 *
 * @param step             steps completed, this one included (1 after the first)
 * @param epoch            the epoch the batch came from (0-based)
 * @param loss             the batch's contrastive loss before the update
 * @param lr               the learning rate used
 * @param logitScale       {@code logit_scale} after the update and its clamp
 * @param gradNorm         the global L2 norm of the trainable gradients, before clipping
 * @param samplesPerSecond pairs per second of wall time for this step
 * @param skipped          true when a non-finite loss or gradient made the step skip its update
 */
public record StepLog(long step, int epoch, float loss, double lr, float logitScale, double gradNorm,
                      double samplesPerSecond, boolean skipped) {

    /** One JSON object on one line (non-finite numbers as {@code null}), for a JSONL log. */
    public String toJson() {
        return "{\"step\":" + step + ",\"epoch\":" + epoch + ",\"loss\":" + number(loss) + ",\"lr\":" + number(lr)
                + ",\"logit_scale\":" + number(logitScale) + ",\"grad_norm\":" + number(gradNorm)
                + ",\"samples_per_s\":" + number(samplesPerSecond) + ",\"skipped\":" + skipped + "}";
    }

    private static String number(float x) {
        return Float.isFinite(x) ? Float.toString(x) : "null";
    }

    private static String number(double x) {
        return Double.isFinite(x) ? Double.toString(x) : "null";
    }
}
