#!/usr/bin/env bash
# Training throughput of jclip and of open_clip on PyTorch 2 (train_open_clip.py), alternating
# run by run so that both see the same machine load; prints every run, then the ratio of the
# medians and of the bests (above 1: jclip is faster), with the load average before each run.
# Usage: jclip-bench/peers/compare_train.sh [model-config] [batch] [steps] [rounds] [threads]
#   defaults: train-bench.json 128 10 3 2; e.g. compare_train.sh ViT-B-32 64 3 2
# PYTHON names the peer's interpreter (default /tmp/peers/venv/bin/python, with open_clip 3.3
# and torch 2.13); JCLIP the jclip launcher (default ./jclip at the repository's root).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
config="${1:-$here/train-bench.json}"
batch="${2:-128}"
steps="${3:-10}"
rounds="${4:-3}"
threads="${5:-2}"
python="${PYTHON:-/tmp/peers/venv/bin/python}"
jclip="${JCLIP:-$root/jclip}"
value() { sed -n 's/.*samples_per_s=\([0-9.]*\).*/\1/p' | tail -n 1; }
rss() { sed -n 's/.*peak_rss_mb=\([0-9]*\).*/\1/p' | tail -n 1; }
js=() ps=()
for ((r = 0; r < rounds; r++)); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  j=$("$jclip" bench train --model-config "$config" --batch "$batch" --steps "$steps" --threads "$threads" 2>/dev/null)
  js+=("$(echo "$j" | value)")
  printf 'round %d load %-6s jclip     %8s samples/s  peak rss %5s MB\n' "$r" "$load" "${js[-1]}" "$(echo "$j" | rss)"
  load=$(cut -d' ' -f1 /proc/loadavg)
  p=$(env -u OMP_NUM_THREADS -u MKL_NUM_THREADS "$python" "$here/train_open_clip.py" --model-config "$config" \
      --batch "$batch" --steps "$steps" --threads "$threads" 2>/dev/null)
  ps+=("$(echo "$p" | value)")
  printf 'round %d load %-6s open_clip %8s samples/s  peak rss %5s MB\n' "$r" "$load" "${ps[-1]}" "$(echo "$p" | rss)"
done
python3 - "${js[*]}" "${ps[*]}" <<'PY'
import statistics, sys
j = [float(x) for x in sys.argv[1].split()]
p = [float(x) for x in sys.argv[2].split()]
print(f"train jclip_median={statistics.median(j):.2f} open_clip_median={statistics.median(p):.2f} "
      f"ratio_median={statistics.median(j) / statistics.median(p):.2f} ratio_best={max(j) / max(p):.2f}")
PY
