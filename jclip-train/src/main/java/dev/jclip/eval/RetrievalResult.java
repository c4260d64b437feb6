package dev.jclip.eval;

import java.util.Locale;

/**
 * Retrieval recall at {@link Retrieval#KS} (1, 5, 10).
 *
 * @param imageToText recall of image queries over the texts
 * @param textToImage recall of text queries over the images
 * @param images      image count
 * @param texts       text count
 */
public record RetrievalResult(double[] imageToText, double[] textToImage, int images, int texts) {

    /** Image-to-text recall@1. */
    public double imageToTextR1() {
        return imageToText[0];
    }

    /** Text-to-image recall@1. */
    public double textToImageR1() {
        return textToImage[0];
    }

    /** Two lines of text: image-to-text and text-to-image recall. */
    public String format() {
        return String.format(Locale.ROOT, "image->text recall@1=%.4f @5=%.4f @10=%.4f (%d images)%n"
                + "text->image recall@1=%.4f @5=%.4f @10=%.4f (%d texts)%n", imageToText[0], imageToText[1], imageToText[2],
                images, textToImage[0], textToImage[1], textToImage[2], texts);
    }
}
