package dev.jclip.index;

/**
 * What the index remembers about one item besides its vector: the path (or text) it was stored
 * under, and the file's size and last-modified time when it was embedded (any values the caller
 * chooses, e.g. bytes and milliseconds since the epoch; 0 for a text), so a later run can tell
 * whether the file changed.
 */
public record IndexEntry(String path, long size, long mtime) {}
