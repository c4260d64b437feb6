/**
 * JMH benchmarks of the GEMM, JPEG decoding, preprocessing and the tokenizer, and programs that
 * measure jclip against its peers in one process (ONNX Runtime) or the index's recall. Speed is
 * shown here only; the tests never time anything.
 */
package dev.jclip.bench;
