#!/usr/bin/env bash
# The overhead of Spark: `jclip spark embed --master local[2]` against `jclip embed` on the same
# images, run alternately (ROUNDS times each) so that both see the same machine load.
# usage: jclip-bench/peers/spark_overhead.sh MODEL VOCAB IMAGE_DIR WORK_DIR [ROUNDS]
# Prints one line per run (wall seconds, and Spark's job seconds), then the load average.
set -euo pipefail
model=$1 vocab=$2 images=$3 work=$4 rounds=${5:-2}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n=$(find "$images" -type f | wc -l)
mkdir -p "$work"
uptime
for r in $(seq 1 "$rounds"); do
  rm -rf "$work/emb.npy" "$work/emb.txt" "$work/spark"
  t0=$(date +%s.%N)
  "$here/jclip" embed --model "$model" --vocab "$vocab" --images "$images" --output "$work/emb.npy" >/dev/null 2>&1
  t1=$(date +%s.%N)
  echo "round $r jclip embed: $n images in $(echo "$t1 - $t0" | bc) s wall"
  t0=$(date +%s.%N)
  job=$("$here/jclip" spark embed --master 'local[2]' --model "$model" --vocab "$vocab" --images "$images" \
    --output "$work/spark" 2>/dev/null | sed -n 's/.* in \([0-9.]*\) s.*/\1/p')
  t1=$(date +%s.%N)
  echo "round $r jclip spark embed local[2]: $n images in $(echo "$t1 - $t0" | bc) s wall, $job s job"
done
uptime
