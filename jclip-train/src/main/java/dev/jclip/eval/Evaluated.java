package dev.jclip.eval;

import dev.jclip.api.ClipModel;
import dev.jclip.nn.Clip;
import dev.jclip.text.ClipTokenizer;

/** The library's inference API over a model that may be in training: switched to evaluation mode first. */
final class Evaluated {
    /** Inputs per forward pass. */
    static final int BATCH = 256;

    private Evaluated() {}

    /**
     * {@code model} for inference. A training run may evaluate between steps: the next
     * {@code Trainer.step} switches the model back to training mode.
     */
    static ClipModel of(Clip model, ClipTokenizer tokenizer) {
        model.train(false);
        return ClipModel.of(model, tokenizer, "evaluated").withBatchSize(BATCH);
    }
}
