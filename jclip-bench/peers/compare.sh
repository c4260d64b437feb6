#!/usr/bin/env bash
# jclip against open_clip 3.3 / PyTorch 2.13 (eager, torch.inference_mode), side by side: for each
# workload, rounds of one jclip run and one open_clip run, the order alternating between rounds, so
# that both see the same machine load. Prints each run, then per workload the best items/s of each,
# their ratio (above 1: jclip is faster) and the fraction of the machine's float32 peak each reaches
# (multiply-adds per item counted by PyTorch's FlopCounterMode; the peak measured first by
# `jclip bench peak` on the same threads: wall-clock, so on a shared machine it is the share this
# run gets, like the encoders'). RN50's count is that of direct convolutions: jclip computes its 3×3
# ones by Winograd's algorithm, with 2.25 times fewer multiplications, so its share there is of
# the same work done the direct way and can pass 100%. Random weights of each preset on both sides
# (speed does not depend on the values).
#
# With --paired, each workload is instead one run of dev.jclip.bench.PairedOpenClipBench: one process
# of each side, batch for batch (R rounds, each side's turn an untimed batch then a timed one, the
# order alternating), its ratio the median of the per-round ratios, each side's items/s that of its
# median batch: many more paired samples in the same time than separate runs of S seconds give.
#
# Usage: jclip-bench/peers/compare.sh [--threads T] [--rounds R] [--seconds S] [--batch B]
#            [--paired] [--train] [WORKLOAD ...]
# WORKLOADs: vit-b-32 vit-b-16 vit-l-14 rn50 (images, batch B, default 32) and text (77 tokens,
# batch B, ViT-B-32's text tower); default all five. --train also runs compare_train.sh
# (jclip bench train against train_open_clip.py on train-bench.json).
# Python: $PEERS_PYTHON (default /tmp/peers/venv/bin/python), with torch and open_clip installed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
py="${PEERS_PYTHON:-/tmp/peers/venv/bin/python}"
threads=2 rounds=2 seconds=10 batch=32 train=0 paired=0 workloads=()
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --paired) paired=1; shift ;;
    --train) train=1; shift ;;
    vit-b-32|vit-b-16|vit-l-14|rn50|text) workloads+=("$1"); shift ;;
    *) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#workloads[@]} -gt 0 ] || workloads=(vit-b-32 vit-b-16 vit-l-14 rn50 text)

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
calc() { python3 -c "print($1)"; }

echo "load: $(uptime)"
peak_line=$("$root/jclip" bench peak --threads "$threads" 2>/dev/null | tail -n 1)
peak=$(field gflops "$peak_line")
echo "$peak_line"

summary=()
for w in "${workloads[@]}"; do
  case "$w" in
    vit-b-32) model=ViT-B-32 what=image ;;
    vit-b-16) model=ViT-B-16 what=image ;;
    vit-l-14) model=ViT-L-14 what=image ;;
    rn50) model=RN50 what=image ;;
    text) model=ViT-B-32 what=text ;;
  esac
  tok=() ; [ "$what" = text ] && tok=(--tokens 77)
  jbest=0 pbest=0 gflop=0
  if [ "$paired" = 1 ]; then
    bjar="$root/jclip-bench/target/jclip-benchmarks.jar"
    if [ ! -f "$bjar" ] || [ -n "$(find "$root" -path '*/src/main/*' -newer "$bjar" -print -quit)" ]; then
      (cd "$root" && ./mvnw -q -B -ntp -DskipTests -pl jclip-bench -am package) >&2
    fi
    . "$root/.mvn/jdk.sh"
    line=$(cd "$root" && PEERS_PYTHON="$py" "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -XX:+UseG1GC \
      -cp "$bjar" dev.jclip.bench.PairedOpenClipBench --preset "$model" --what "$what" \
      --batch "$batch" "${tok[@]}" --threads "$threads" --rounds "$rounds" 2>/dev/null | tee /dev/stderr | tail -n 1)
    jbest=$(field jclip_items_per_s "$line") pbest=$(field open_clip_items_per_s "$line") gflop=$(field gflop_per_item "$line")
    summary+=("$(printf '%-9s jclip %7.2f/s (%4.1f%% of peak)  open_clip %7.2f/s (%4.1f%%)  paired ratio %.3f  [%.2f GFLOP/item]' "$w" \
      "$jbest" "$(calc "100 * $jbest * $gflop / $peak")" "$pbest" "$(calc "100 * $pbest * $gflop / $peak")" \
      "$(field ratio "$line")" "$gflop")")
    continue
  fi
  for ((r = 0; r < rounds; r++)); do
    for side in $( ((r % 2 == 0)) && echo "jclip open_clip" || echo "open_clip jclip"); do
      if [ "$side" = jclip ]; then
        line=$("$root/jclip" bench encode --preset "$model" --what "$what" --batch "$batch" "${tok[@]}" \
          --threads "$threads" --seconds "$seconds" 2>/dev/null | tail -n 1)
        jbest=$(calc "max($jbest, $(field items_per_s "$line"))")
      else
        line=$("$py" "$here/encode_open_clip.py" --model "$model" --what "$what" --batch "$batch" "${tok[@]}" \
          --threads "$threads" --seconds "$seconds" 2>/dev/null | tail -n 1)
        pbest=$(calc "max($pbest, $(field items_per_s "$line"))")
        gflop=$(field gflop_per_item "$line")
      fi
      echo "$w round $((r + 1)) $side: $line"
    done
  done
  summary+=("$(printf '%-9s jclip %7.2f/s (%4.1f%% of peak)  open_clip %7.2f/s (%4.1f%%)  ratio %.2f  [%.2f GFLOP/item]' "$w" \
    "$jbest" "$(calc "100 * $jbest * $gflop / $peak")" "$pbest" "$(calc "100 * $pbest * $gflop / $peak")" \
    "$(calc "$jbest / $pbest")" "$gflop")$([ "$w" = rn50 ] && echo ' (direct-convolution count)' || true)")
done

if [ "$train" = 1 ]; then
  PYTHON="$py" "$here/compare_train.sh" "$here/train-bench.json" 128 10 "$rounds" "$threads"
fi

echo "load: $(uptime)"
echo "peak (wall-clock, $threads threads): $peak GFLOP/s"
printf '%s\n' "${summary[@]}"
