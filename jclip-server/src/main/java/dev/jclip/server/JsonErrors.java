package dev.jclip.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.server.Responses.Error;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a malformed request, headers over the limit, a timeout, the server busy)
 * as the endpoints' are: {@code {"error": "..."}}, whatever the method and {@code Accept} header.
 */
final class JsonErrors extends ErrorHandler {
    private final ObjectMapper json;
    private final int maxHeaderBytes;

    JsonErrors(ObjectMapper json, int maxHeaderBytes) {
        this.json = json;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback)
            throws IOException {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(json.writeValueAsBytes(new Error(describe(code, message, cause)))), callback);
    }

    /** The message: ours as given; the HTTP parser's (a terse reason) said to be about the request; never an exception's class name. */
    private String describe(int code, String message, Throwable cause) {
        return switch (code) {
            case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431 ->
                    "the request headers are larger than this server's limit of " + maxHeaderBytes + " bytes";
            case HttpStatus.URI_TOO_LONG_414 ->
                    "the request URI is longer than this server's limit of " + maxHeaderBytes + " bytes";
            default -> {
                if (cause instanceof HttpException) {
                    yield "malformed request: " + message;
                }
                // Jetty's stand-in for a missing message is the cause's toString(), which names its class.
                yield cause != null && message.equals(cause.toString()) ? HttpStatus.getMessage(code) : message;
            }
        };
    }
}
