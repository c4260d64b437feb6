package dev.jclip.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Shell-style brace expansion for shard lists, as WebDataset and OpenCLIP write them:
 * {@code shard-{000..009}.tar} (a numeric range, zero-padded to the wider end when either end has
 * a leading zero, ascending or descending) and {@code {train,val}.tar} (alternatives); several groups
 * expand to every combination, left group outermost. Groups do not nest.
 */
public final class Braces {
    /** Refuses patterns that would expand to absurdly many names. */
    private static final int MAX_NAMES = 1_000_000;

    private Braces() {}

    /** The names {@code pattern} stands for, in order. */
    public static List<String> expand(String pattern) {
        int open = pattern.indexOf('{');
        int close = pattern.indexOf('}');
        if (open < 0 && close < 0) {
            return List.of(pattern);
        }
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("unbalanced braces in '" + pattern + "'");
        }
        String body = pattern.substring(open + 1, close);
        if (body.indexOf('{') >= 0) {
            throw new IllegalArgumentException("nested braces are not supported: '" + pattern + "'");
        }
        List<String> alternatives = body.contains("..") && !body.contains(",") ? range(body, pattern) : List.of(body.split(",", -1));
        List<String> rest = expand(pattern.substring(close + 1));
        if ((long) alternatives.size() * rest.size() > MAX_NAMES) {
            throw new IllegalArgumentException("'" + pattern + "' expands to more than " + MAX_NAMES + " names");
        }
        String head = pattern.substring(0, open);
        List<String> out = new ArrayList<>(alternatives.size() * rest.size());
        for (String a : alternatives) {
            for (String r : rest) {
                out.add(head + a + r);
            }
        }
        return out;
    }

    private static List<String> range(String body, String pattern) {
        String[] ends = body.split("\\.\\.", -1);
        if (ends.length != 2 || !ends[0].matches("\\d{1,18}") || !ends[1].matches("\\d{1,18}")) {
            throw new IllegalArgumentException("bad range {" + body + "} in '" + pattern + "': expected {first..last} with digits");
        }
        long from = Long.parseLong(ends[0]);
        long to = Long.parseLong(ends[1]);
        if (Math.abs(to - from) >= MAX_NAMES) {
            throw new IllegalArgumentException("'" + pattern + "' expands to more than " + MAX_NAMES + " names");
        }
        boolean padded = (ends[0].length() > 1 && ends[0].charAt(0) == '0') || (ends[1].length() > 1 && ends[1].charAt(0) == '0');
        int width = padded ? Math.max(ends[0].length(), ends[1].length()) : 1;
        List<String> out = new ArrayList<>();
        long step = from <= to ? 1 : -1;
        for (long v = from; ; v += step) {
            String s = Long.toString(v);
            out.add("0".repeat(Math.max(0, width - s.length())) + s);
            if (v == to) {
                return out;
            }
        }
    }
}
