/** Contrastive training ({@link dev.jclip.train.Trainer}) and zero-shot and retrieval evaluation. */
module dev.jclip.train {
    requires transitive dev.jclip.core;
    requires transitive dev.jclip.data;

    exports dev.jclip.eval;
    exports dev.jclip.train;
}
