package dev.jclip.cli;

import dev.jclip.compute.Gelu;
import picocli.CommandLine.ITypeConverter;

/**
 * The value of {@code --activation}: the GELU of both towers' MLPs, overriding what the model's
 * files say ({@code quick_gelu} for OpenAI's weights, {@code gelu} for LAION, DataComp and
 * MetaCLIP's, {@code gelu_tanh}).
 */
final class ActivationConverter implements ITypeConverter<Gelu> {
    /** The option's help text, shared by every command that loads weights. */
    static final String HELP = "MLP activation of both towers: quick_gelu (OpenAI), gelu (LAION, DataComp, MetaCLIP) or "
            + "gelu_tanh; default: as the model's config says (open_clip_config.json, config.json), else quick_gelu.";

    @Override
    public Gelu convert(String value) {
        return Gelu.byName(value);
    }
}
