import dev.jclip.image.ImagePreprocessor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * jclip's side of preprocess_cpu_pillow.py: CPU milliseconds of this thread per photo for
 * CLIP's 224-pixel evaluation transform from the file's bytes (already in memory) to the
 * normalized tensor, per file kind (JPEG, PNG), best and median of the rounds after a warm-up.
 *
 *     java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *         -cp jclip-core/target/jclip-core-*.jar jclip-bench/peers/preprocess_cpu_jclip.java DIR [ROUNDS]
 *
 * <p>With native access, PNG and JPEG go through libdeflate and TurboJPEG where installed (as in
 * the CLI); {@code -Djclip.nativeCodecs=false}, or no native access, measures the pure-Java decoders.
 */
public class preprocess_cpu_jclip {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        ImagePreprocessor clip = ImagePreprocessor.clip(224);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (String kind : List.of("jpg", "png")) {
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.toString().toLowerCase(Locale.ROOT).endsWith("." + kind)).sorted().toList();
            }
            if (files.isEmpty()) {
                continue;
            }
            List<byte[]> bytes = new ArrayList<>();
            for (Path f : files) {
                bytes.add(Files.readAllBytes(f));
            }
            double[] ms = new double[rounds];
            for (int r = -1; r < rounds; r++) {
                long t = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < bytes.size(); i++) {
                    clip.preprocess(bytes.get(i), files.get(i).toString());
                }
                if (r >= 0) {
                    ms[r] = (mx.getCurrentThreadCpuTime() - t) / 1e6 / bytes.size();
                }
            }
            Arrays.sort(ms);
            System.out.printf(Locale.ROOT, "jclip %s: %d files, cpu ms/photo best %.1f median %.1f%n", kind,
                    files.size(), ms[0], ms[rounds / 2]);
        }
    }
}
