package dev.jclip.api;

/** One class of a zero-shot classification and its probability. */
public record Prediction(String label, float probability) {}
