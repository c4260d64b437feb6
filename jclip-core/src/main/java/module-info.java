/**
 * CLIP in pure Java with no dependencies: tensors with autograd, Vector API kernels, the CLIP
 * modules, weight loading (from files or the Hugging Face hub), the tokenizer and image preprocessing. {@link dev.jclip.api.ClipModel}
 * is the entry point for inference; training uses {@link dev.jclip.nn.Clip} and
 * {@link dev.jclip.tensor.Tensor} directly.
 *
 * <p>The operations ({@code dev.jclip.op}) are internal, exported only to jclip-bench (its
 * convolution benchmark). The kernels ({@code dev.jclip.kernel}) and the inference plan
 * ({@code dev.jclip.plan}) are exported only to the benchmarks: jclip-bench and the command line's
 * {@code bench} commands.
 */
@SuppressWarnings("module") // the modules named in qualified exports are built after this one
module dev.jclip.core {
    requires jdk.incubator.vector;
    // ClipModel and ImagePreprocessor take BufferedImage; javax.imageio decodes what the built-in decoders do not.
    requires transitive java.desktop;
    // Downloads from the Hugging Face hub.
    requires java.net.http;
    // Only the tests' local hub server; they run patched into this module, so it must read jdk.httpserver.
    requires static jdk.httpserver;

    exports dev.jclip.api;
    exports dev.jclip.compute;
    exports dev.jclip.hub;
    exports dev.jclip.image;
    exports dev.jclip.io;
    exports dev.jclip.model;
    exports dev.jclip.nn;
    exports dev.jclip.tensor;
    exports dev.jclip.text;
    exports dev.jclip.text.hf;
    exports dev.jclip.kernel to dev.jclip.cli, dev.jclip.bench;
    exports dev.jclip.op to dev.jclip.bench;
    exports dev.jclip.plan to dev.jclip.cli, dev.jclip.bench;
}
