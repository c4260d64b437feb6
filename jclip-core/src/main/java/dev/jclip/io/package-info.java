/**
 * File formats the core reads and writes without a dependency: memory-mapped
 * {@link dev.jclip.io.SafeTensors} files and their {@link dev.jclip.io.SafeTensorsWriter}, a strict
 * {@link dev.jclip.io.Json} reader for headers and configs, and {@link dev.jclip.io.AtomicWriter},
 * which never leaves a partial file under the final name.
 *
 * <p>Knows nothing of CLIP: {@code model} maps these files onto modules, jclip-train writes its
 * checkpoints with them.
 */
package dev.jclip.io;
