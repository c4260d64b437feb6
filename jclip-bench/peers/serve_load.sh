#!/usr/bin/env bash
# Single-input requests from concurrent clients to `jclip serve` (dev.jclip.bench.ServeLoad), side
# by side with the encoder's own rate at batch 8 (`jclip bench encode`) on the same model and text
# length, alternating, for texts and images. Prints each run's last line, then the ratios.
#
#   jclip-bench/peers/serve_load.sh WEIGHTS VOCAB IMAGE [ROUNDS]
#
# WEIGHTS: a full-size model (make_weights.py writes random-init ViT-B-32); VOCAB: CLIP's BPE
# vocabulary; IMAGE: the image each request sends. Environment: JCLIP_JAR (default the built
# jclip.jar), SERVE_ARGS (more `jclip serve` options), TEXT and TOKENS (the text each request
# sends and its length in tokens, start and end included), CLIENTS (8), SECONDS (20), PORT (18080).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
weights=$1 vocab=$2 image=$3 rounds=${4:-2}
jar=${JCLIP_JAR:-$here/jclip-cli/target/jclip.jar}
load_jar=$here/jclip-bench/target/jclip-benchmarks.jar
text=${TEXT:-a photo of a cat on a red sofa}
tokens=${TOKENS:-11}
clients=${CLIENTS:-8} seconds=${SECONDS_TIMED:-20} port=${PORT:-18080}
java="$JAVA_HOME/bin/java"
flags=(--add-modules jdk.incubator.vector -XX:+UseG1GC -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=5)
log=$(mktemp -d)

encode() {
  "$java" "${flags[@]}" -jar "$jar" bench encode --model "$weights" --what "$1" --batch 8 --tokens "$tokens" \
    --seconds "$seconds" 2>/dev/null | tail -1
}

serve() {
  "$java" "${flags[@]}" -jar "$jar" serve --model "$weights" --vocab "$vocab" --port "$port" ${SERVE_ARGS:-} \
    >"$log/serve.out" 2>&1 &
  local pid=$!
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do
    kill -0 $pid 2>/dev/null || { cat "$log/serve.out" >&2; exit 1; }
    sleep 0.5
  done
  local what=(--text "$text")
  [ "$1" = image ] && what=(--image "$image")
  "$java" -cp "$load_jar" dev.jclip.bench.ServeLoad --url "http://127.0.0.1:$port/" "${what[@]}" --clients "$clients" \
    --seconds "$seconds" --warmup 5 2>&1 | tail -1
  kill $pid
  wait $pid 2>/dev/null || true
}

uptime
for r in $(seq "$rounds"); do
  for what in text image; do
    e=$(encode $what); echo "$e"
    s=$(serve $what); echo "$s"
    rate=$(sed -E 's/.*items_per_s=([0-9.]+).*/\1/' <<<"$e")
    rps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$s")
    echo "round $r $what: serve/encode = $(awk -v a="$rps" -v b="$rate" 'BEGIN { printf "%.2f", a / b }')"
  done
done
uptime
