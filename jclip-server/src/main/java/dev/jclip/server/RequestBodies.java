package dev.jclip.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads request bodies (already read in full and within the size limit by {@link BodyLoader}): JSON,
 * a raw image, or the files and fields of a multipart form. Malformed input becomes a 4xx answer
 * whose message names what was wrong.
 */
final class RequestBodies {
    /** An encoded image from a request, and how its errors name it. */
    record EncodedImage(String name, byte[] bytes) {}

    /** The part of Jackson's messages that points into its (unrecorded) source: only noise here. */
    private static final Pattern START_MARKER = Pattern.compile("\\s*\\(start marker at \\[Source:.*?]\\)");

    private final ObjectMapper json;

    RequestBodies(ObjectMapper json) {
        this.json = json;
    }

    /** The whole body, in memory already. */
    byte[] bytes(Context ctx) throws IOException {
        try (InputStream in = ctx.bodyInputStream()) {
            return in.readAllBytes();
        }
    }

    /** The body as a JSON object; {@code usage} says what the endpoint takes, {@code expected} the object. */
    JsonNode jsonObject(Context ctx, String usage, String expected) throws IOException {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).matches("application/json\\s*(;.*)?")) {
            throw new HttpResponseException(HttpStatus.UNSUPPORTED_MEDIA_TYPE.getCode(), usage + " takes Content-Type application/json "
                    + expected + ", got " + (type == null ? "no Content-Type" : "Content-Type " + type));
        }
        byte[] body = bytes(ctx);
        if (body.length == 0) {
            throw new BadRequestResponse("the request body is empty; expected JSON " + expected);
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() != null ? " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() : "";
            throw new BadRequestResponse("the request body is not valid JSON" + where + " ("
                    + START_MARKER.matcher(e.getOriginalMessage()).replaceAll("") + "); expected " + expected);
        } catch (CharConversionException e) {
            // Jackson takes a body starting with zero bytes for UTF-16 or UTF-32; one that is neither is the client's error.
            throw new BadRequestResponse("the request body is not valid JSON (" + e.getMessage() + "); expected " + expected);
        }
        if (root == null || !root.isObject()) {
            throw new BadRequestResponse("the request body must be a JSON object " + expected + ", got "
                    + (root == null ? "nothing" : root.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        return root;
    }

    /**
     * The images of a request: the body itself when its Content-Type is {@code image/*}, or every
     * file part of a multipart form, in order. {@code usage} says what the endpoint takes.
     */
    List<EncodedImage> images(Context ctx, String usage) throws IOException {
        String type = ctx.contentType();
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("image/")) {
            return List.of(new EncodedImage("request body (" + type + ")", bytes(ctx)));
        }
        if (!ctx.isMultipartFormData()) {
            throw new HttpResponseException(HttpStatus.UNSUPPORTED_MEDIA_TYPE.getCode(), usage + ", got Content-Type "
                    + (type == null ? "none" : type));
        }
        List<UploadedFile> files = multipart(ctx::uploadedFiles);
        if (files.isEmpty()) {
            throw new BadRequestResponse("the multipart form has no file part; " + usage);
        }
        List<EncodedImage> out = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            out.add(read(files.get(i), "file part " + (i + 1) + " (" + files.get(i).filename() + ")"));
        }
        return out;
    }

    /** The one file part named {@code field} of a multipart form. */
    EncodedImage file(Context ctx, String field, String what) throws IOException {
        List<UploadedFile> files = multipart(() -> ctx.uploadedFiles(field));
        if (files.size() != 1) {
            throw new BadRequestResponse(files.isEmpty() ? "the multipart form has no file part '" + field + "' (" + what + ")"
                    : "the multipart form has " + files.size() + " file parts '" + field + "', expected one");
        }
        return read(files.get(0), "file part '" + field + "' (" + files.get(0).filename() + ")");
    }

    /** The values of the text fields named {@code field} of a multipart form, in order. */
    List<String> fields(Context ctx, String field) {
        return multipart(() -> ctx.formParams(field));
    }

    private static EncodedImage read(UploadedFile file, String name) throws IOException {
        try (InputStream in = file.content()) {
            return new EncodedImage(name, in.readAllBytes());
        }
    }

    /**
     * Parses the multipart form (once: Jetty keeps the parts) through {@code parts}. Jetty's parser
     * fails with a ServletException (not declared by Javalin's Kotlin signatures) whose root cause
     * says what was wrong.
     */
    private static <T> T multipart(Supplier<T> parts) {
        try {
            return parts.get();
        } catch (HttpResponseException e) {
            throw e;
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new BadRequestResponse("the multipart form cannot be read: " + root.getMessage());
        }
    }
}
