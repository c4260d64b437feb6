/**
 * A small HTTP/JSON server ({@link dev.jclip.server.ClipServer}, on Javalin and Jetty) for a
 * jclip-core {@link dev.jclip.api.ClipModel} and optionally a jclip-index
 * {@link dev.jclip.index.VectorIndex}: embedding, zero-shot classification and search, within the
 * limits of a {@link dev.jclip.server.ServerConfig}. {@code jclip serve} starts it.
 */
package dev.jclip.server;
