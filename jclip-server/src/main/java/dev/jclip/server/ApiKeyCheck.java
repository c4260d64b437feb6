package dev.jclip.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Refuses (401) a request to anything but {@code /health} and the {@link WebPage} that does not carry the API key as
 * {@code Authorization: Bearer <key>}, before its body is read: a stranger's upload costs nothing.
 * The comparison takes the same time wherever the first difference is.
 */
final class ApiKeyCheck extends Handler.Wrapper {
    private final byte[] expected;

    ApiKeyCheck(String apiKey, Handler next) {
        super(next);
        this.expected = ("Bearer " + apiKey).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (path.equals("/health") || path.equals(WebPage.PATH) && request.getMethod().equals("GET")) {
            return super.handle(request, response, callback);
        }
        String given = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.US_ASCII))) {
            return super.handle(request, response, callback);
        }
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
        Response.writeError(request, response, callback, HttpStatus.UNAUTHORIZED_401,
                given == null ? "this server needs an API key: send 'Authorization: Bearer <key>'" : "wrong API key");
        return true;
    }
}
