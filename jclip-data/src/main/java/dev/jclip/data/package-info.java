/**
 * Image-caption data sets read as lazy, seeded streams in bounded memory
 * ({@link dev.jclip.data.ImageTextSource}): CSV/TSV lists ({@link dev.jclip.data.CsvSource}), caption
 * folders ({@link dev.jclip.data.FolderSource}), WebDataset tar shards
 * ({@link dev.jclip.data.WebDatasetSource}), Fashion-MNIST and generated {@link dev.jclip.data.Shapes}.
 * A bad item is reported as a {@link dev.jclip.data.DataError} and the rest of the data goes on;
 * {@link dev.jclip.data.Prefetcher} maps a stream on worker threads in order.
 *
 * <p>Uses jclip-core only for its image file extensions and JSON reader; jclip-train makes batches
 * of these examples, the CLI's {@code train} and {@code eval} name them.
 */
package dev.jclip.data;
