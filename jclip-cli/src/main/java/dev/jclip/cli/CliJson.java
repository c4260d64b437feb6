package dev.jclip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The CLI's one Jackson mapper (thread-safe once configured), for JSON files and JSON output lines. */
final class CliJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private CliJson() {
    }
}
