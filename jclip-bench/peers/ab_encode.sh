#!/usr/bin/env bash
# Two builds of jclip side by side: `jclip bench encode` from jar A and jar B in alternating rounds
# (A B, then B A, ...), so that both see the same machine load. Prints each run's items/s and its
# CPU seconds per batch (the median over its reps: on a shared machine the steadier figure), then
# per side the best items/s and the median CPU per batch, and the ratios B/A.
#
# Usage: jclip-bench/peers/ab_encode.sh A.jar B.jar [--rounds R] [--seconds S] [--threads T]
#            [--batch N] [--preset NAME] [--what text|image]
# Text runs at 77 tokens. A jar: jclip-cli/target/jclip.jar, copied aside before a change.
set -euo pipefail
a="$1" b="$2"; shift 2
rounds=3 seconds=10 threads=2 batch=32 preset=ViT-B-32 what=text
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --preset) preset="$2"; shift 2 ;;
    --what) what="$2"; shift 2 ;;
    *) echo "ab_encode.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../../.mvn/jdk.sh"
tok=(); [ "$what" = text ] && tok=(--tokens 77)
declare -A best cpus
run() {  # jar -> "items_per_s median_cpu_s"
  "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -XX:+UseG1GC -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=5 \
    -jar "$1" bench encode --preset "$preset" --what "$what" --batch "$batch" "${tok[@]}" --threads "$threads" \
    --seconds "$seconds" 2>/dev/null | python3 -c '
import re, statistics, sys
lines = sys.stdin.read().splitlines()
cpu = [float(m.group(1)) for l in lines for m in [re.search(r"cpu ([0-9.]+) s", l)] if m]
print(re.search(r"items_per_s=([0-9.]+)", lines[-1]).group(1), statistics.median(cpu))'
}
echo "load: $(uptime)"
for ((r = 0; r < rounds; r++)); do
  for side in $( ((r % 2 == 0)) && echo "A B" || echo "B A"); do
    jar=$a; [ "$side" = B ] && jar=$b
    read -r ips cpu < <(run "$jar")
    echo "round $((r + 1)) $side: items_per_s=$ips cpu_s_per_batch=$cpu"
    best[$side]=$(python3 -c "print(max(${best[$side]:-0}, $ips))")
    cpus[$side]="${cpus[$side]:-} $cpu"
  done
done
echo "load: $(uptime)"
med() { python3 -c "import statistics,sys; print(statistics.median(map(float, sys.argv[1:])))" $1; }
ma=$(med "${cpus[A]}") mb=$(med "${cpus[B]}")
printf '%s %s batch %d threads %d: best items/s A %.2f B %.2f (B/A %.3f); median cpu s/batch A %.3f B %.3f (A/B %.3f)\n' \
  "$preset" "$what" "$batch" "$threads" "${best[A]}" "${best[B]}" "$(python3 -c "print(${best[B]} / ${best[A]})")" \
  "$ma" "$mb" "$(python3 -c "print($ma / $mb)")"
