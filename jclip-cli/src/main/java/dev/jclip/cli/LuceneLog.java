package dev.jclip.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Keeps Lucene's start-up notes (which vector instructions it uses) off the command line's stderr. */
final class LuceneLog {
    /** Held here: java.util.logging keeps only weak references, and a collected logger forgets its level. */
    private static final Logger LUCENE = Logger.getLogger("org.apache.lucene");

    private LuceneLog() {}

    /** Shows Lucene's warnings and errors only. */
    static void quiet() {
        LUCENE.setLevel(Level.WARNING);
    }
}
