/** The HTTP server for embedding, zero-shot classification and index search; see {@link dev.jclip.server.ClipServer}. */
module dev.jclip.server {
    requires transitive dev.jclip.core;
    requires transitive dev.jclip.index;
    requires com.fasterxml.jackson.databind;
    requires io.javalin;
    // A request's failure (its connection idled out or broke) cancels its place in a batch.
    requires org.eclipse.jetty.ee10.servlet;
    requires java.logging;
    // Only the tests' HTTP client; they run patched into this module, so it must read java.net.http.
    requires static java.net.http;

    exports dev.jclip.server;
    // Jackson writes the (package-private) response records by reflection.
    opens dev.jclip.server to com.fasterxml.jackson.databind;
}
