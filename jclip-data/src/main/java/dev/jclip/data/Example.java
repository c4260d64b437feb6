package dev.jclip.data;

/**
 * One image-caption pair.
 *
 * @param key     a stable identifier (relative path, WebDataset key, split and index), for error messages and logs
 * @param image   the image, decoded lazily by {@link ExampleImage#decode()} (so a pipeline can do it on worker threads)
 * @param caption the text paired with the image
 * @param label   a class index into the source's class names, or {@link #NO_LABEL}
 */
public record Example(String key, ExampleImage image, String caption, int label) {
    /** The label of an example without a class. */
    public static final int NO_LABEL = -1;

    public Example {
        if (key == null || image == null || caption == null) {
            throw new IllegalArgumentException("an example needs a key, an image and a caption (key " + key + ")");
        }
        if (label < NO_LABEL) {
            throw new IllegalArgumentException("label " + label + " of " + key + " is negative");
        }
    }
}
