package dev.jclip.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load generator for {@code jclip serve}: N clients, each on its own keep-alive
 * connection, send the same request back to back for a while; the last line gives requests per
 * second and latency percentiles of the timed part.
 *
 * <pre>
 * java -cp jclip-benchmarks.jar dev.jclip.bench.ServeLoad --url http://127.0.0.1:8080/ \
 *     (--text TEXT | --image FILE) [--clients 8] [--seconds 20] [--warmup 5] [--pid PID]
 * </pre>
 *
 * {@code --text} posts {@code {"texts": [TEXT]}} to {@code /embed/texts}; {@code --image} posts the
 * file's bytes to {@code /embed/image}. A request that is not answered 200 counts as an error (and
 * its answer is printed once). With the server's process id, the CPU time it used in the timed part
 * is measured too ({@code /proc/PID/stat}): on a machine shared with other work, requests per CPU
 * second show the server's efficiency where requests per second show its share of the machine.
 * Last line: {@code serve-load: what=text clients=8 seconds=20.0 requests=N rps=R p50_ms=A p99_ms=B
 * max_ms=C errors=E server_cpu_s=S per_cpu_s=Q} (the last two NaN without {@code --pid}).
 */
public final class ServeLoad {
    private ServeLoad() {}

    /** Linux's unit of {@code /proc/PID/stat} times (USER_HZ), 100 on every common architecture. */
    private static final double TICKS_PER_SECOND = 100;

    public static void main(String[] args) throws Exception {
        URI base = URI.create("http://127.0.0.1:8080/");
        String text = null;
        Path image = null;
        int clients = 8;
        double seconds = 20, warmup = 5;
        long pid = -1;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--url" -> base = URI.create(value.endsWith("/") ? value : value + "/");
                case "--text" -> text = value;
                case "--image" -> image = Path.of(value);
                case "--clients" -> clients = Integer.parseInt(value);
                case "--seconds" -> seconds = Double.parseDouble(value);
                case "--warmup" -> warmup = Double.parseDouble(value);
                case "--pid" -> pid = Long.parseLong(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: --url URL (--text TEXT | --image FILE) [--clients 8] [--seconds 20] [--warmup 5] [--pid PID]");
            }
            i++;
        }
        if ((text == null) == (image == null)) {
            throw new IllegalArgumentException("give either --text TEXT or --image FILE");
        }
        if (clients < 1 || !(seconds > 0) || !(warmup >= 0)) {
            throw new IllegalArgumentException("--clients must be at least 1, --seconds positive, --warmup not negative");
        }
        HttpRequest request = image == null
                ? HttpRequest.newBuilder(base.resolve("embed/texts")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"texts\": [" + quote(text) + "]}")).build()
                : HttpRequest.newBuilder(base.resolve("embed/image")).header("Content-Type", imageType(image))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(image))).build();

        long start = System.nanoTime();
        long timedFrom = start + (long) (warmup * 1e9), end = timedFrom + (long) (seconds * 1e9);
        AtomicLong errors = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            long[][] mine = {new long[1024]};
            int[] count = {0};
            Thread t = Thread.ofPlatform().name("serve-load-" + c).start(() -> {
                try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                    while (true) {
                        long sent = System.nanoTime();
                        if (sent >= end) {
                            break;
                        }
                        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                        long answered = System.nanoTime();
                        if (r.statusCode() != 200) {
                            if (errors.getAndIncrement() == 0) {
                                System.err.println("serve-load: answer " + r.statusCode() + ": " + r.body());
                            }
                        } else if (sent >= timedFrom && answered <= end) {
                            if (count[0] == mine[0].length) {
                                mine[0] = Arrays.copyOf(mine[0], 2 * count[0]);
                            }
                            mine[0][count[0]++] = answered - sent;
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    errors.incrementAndGet();
                    System.err.println("serve-load: " + e);
                }
                synchronized (latencies) {
                    latencies.add(Arrays.copyOf(mine[0], count[0]));
                }
            });
            threads.add(t);
        }
        double cpu = Double.NaN;
        if (pid > 0) {
            Thread.sleep(Math.max(0, (timedFrom - System.nanoTime()) / 1_000_000));
            double cpu0 = cpuSeconds(pid);
            Thread.sleep(Math.max(0, (end - System.nanoTime()) / 1_000_000));
            cpu = cpuSeconds(pid) - cpu0;
        }
        for (Thread t : threads) {
            t.join();
        }
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.println(String.format(Locale.ROOT,
                "serve-load: what=%s clients=%d seconds=%.1f requests=%d rps=%.2f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f errors=%d"
                        + " server_cpu_s=%.2f per_cpu_s=%.2f",
                image == null ? "text" : "image", clients, seconds, all.length, all.length / seconds, percentile(all, 0.50),
                percentile(all, 0.99), all.length == 0 ? Double.NaN : all[all.length - 1] / 1e6, errors.get(), cpu, all.length / cpu));
    }

    /** User and system CPU time of process {@code pid}, all its threads. */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // Fields after the command name (in parentheses, which may hold spaces): utime and stime are the 12th and 13th.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }

    /** The nearest-rank percentile {@code q} of sorted nanoseconds, in milliseconds. */
    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    private static String imageType(Path image) {
        String name = image.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") ? "image/png" : name.endsWith(".webp") ? "image/webp" : "image/jpeg";
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> out.append(ch < ' ' ? String.format(Locale.ROOT, "\\u%04x", (int) ch) : String.valueOf(ch));
            }
        }
        return out.append('"').toString();
    }
}
