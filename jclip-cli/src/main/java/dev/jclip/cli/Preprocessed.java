package dev.jclip.cli;

import dev.jclip.image.BadImageException;
import dev.jclip.image.ImagePreprocessor;
import dev.jclip.tensor.Tensor;
import java.nio.file.Path;

/** One image file preprocessed, or why it could not be ({@code image} null, {@code error} the report). */
record Preprocessed(Path file, Tensor image, String error) {
    /**
     * Preprocesses {@code file}; a bad image, or any other failure of the decoder on this one file,
     * becomes an error to report and skip, never the end of the run.
     */
    static Preprocessed of(ImagePreprocessor preprocessor, Path file) {
        try {
            return new Preprocessed(file, preprocessor.preprocess(file), null);
        } catch (BadImageException e) {
            return new Preprocessed(file, null, e.getMessage());
        } catch (RuntimeException e) {
            return new Preprocessed(file, null, file + ": " + e);
        }
    }
}
