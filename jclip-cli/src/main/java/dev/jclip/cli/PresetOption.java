package dev.jclip.cli;

import dev.jclip.model.ClipInit;
import dev.jclip.model.ClipPresets;
import dev.jclip.nn.Clip;
import picocli.CommandLine.Option;

/** {@code --preset}: the benchmarks' alternative to {@code --model}, random weights of a preset. */
final class PresetOption {
    @Option(names = "--preset", paramLabel = "NAME", description = "Random weights of a preset (e.g. ViT-B-32, RN50) instead of --model.")
    String preset;

    /** Checks that exactly one of {@code --model} (here {@code model}) and {@code --preset} was given. */
    void requireOneOf(Object model) {
        if ((preset == null) == (model == null)) {
            throw new IllegalArgumentException("give either --model or --preset NAME");
        }
    }

    /** The preset's random weights from {@code seed}, in inference mode; an unknown name fails before allocating. */
    Clip random(long seed) {
        Clip clip = ClipInit.random(ClipPresets.get(preset), seed);
        clip.train(false);
        return clip;
    }
}
