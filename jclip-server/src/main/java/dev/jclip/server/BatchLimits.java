package dev.jclip.server;

import java.time.Duration;

/**
 * How the server coalesces the inputs of concurrent requests into batches ({@link Batcher}): texts
 * and images separately, each batch at most {@code maxTexts} or {@code maxImages} inputs, after
 * waiting at most {@code maxWait} for requests to join the oldest one waiting (and only until as many
 * wait as the larger of the last two batches took: a lone client does not wait). A single request's
 * answer is the same bits whichever requests share its batches.
 *
 * @param maxWait the longest a request waits for others to join its batch; 0: a batch takes only the
 *     requests already waiting when the encoder is free
 * @param maxTexts the most texts in one forward pass of the text tower
 * @param maxImages the most images in one forward pass of the image tower
 */
public record BatchLimits(Duration maxWait, int maxTexts, int maxImages) {
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(20);
    public static final int DEFAULT_MAX_TEXTS = 32;
    /** Fewer than texts: an image costs more, and a full batch of ViT-B/32 images already takes half a second on two cores. */
    public static final int DEFAULT_MAX_IMAGES = 8;

    public BatchLimits {
        if (maxWait == null || maxWait.isNegative()) {
            throw new IllegalArgumentException("the batch wait must not be negative, got " + maxWait);
        }
        if (maxTexts < 1) {
            throw new IllegalArgumentException("the largest text batch must be at least 1, got " + maxTexts);
        }
        if (maxImages < 1) {
            throw new IllegalArgumentException("the largest image batch must be at least 1, got " + maxImages);
        }
    }

    /** A {@value #DEFAULT_MAX_TEXTS}-text and {@value #DEFAULT_MAX_IMAGES}-image batch at most, after a wait of at most 20 ms. */
    public static BatchLimits defaults() {
        return new BatchLimits(DEFAULT_MAX_WAIT, DEFAULT_MAX_TEXTS, DEFAULT_MAX_IMAGES);
    }
}
