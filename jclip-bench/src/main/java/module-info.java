/**
 * JMH benchmarks of the kernels, decoders, preprocessing and tokenizer, and programs that compare
 * jclip with its peers. Open: JMH's generated code and harness reach the benchmark state by reflection.
 */
@SuppressWarnings("requires-automatic") // JMH and ONNX Runtime ship no module descriptor
open module dev.jclip.bench {
    requires dev.jclip.core;
    requires dev.jclip.index;
    requires com.microsoft.onnxruntime;
    requires java.desktop;
    requires java.net.http;
    requires jdk.incubator.vector;
    requires jdk.management;
    requires jmh.core;
}
