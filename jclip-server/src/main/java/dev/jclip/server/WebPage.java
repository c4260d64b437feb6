package dev.jclip.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /}: the page for search and zero-shot classification, one self-contained HTML file
 * (styles and script inline, nothing loaded from elsewhere). It needs no API key: it holds no data
 * and asks for the key when an endpoint answers 401.
 */
final class WebPage {
    static final String PATH = "/";
    private final byte[] html;

    WebPage() {
        try (InputStream in = WebPage.class.getResourceAsStream("web/index.html")) {
            html = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("the jar lacks dev/jclip/server/web/index.html", e);
        }
    }

    void get(Context ctx) {
        ctx.header("Cache-Control", "no-cache").contentType("text/html; charset=utf-8").result(html);
    }
}
