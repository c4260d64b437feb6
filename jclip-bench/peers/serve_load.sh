#!/usr/bin/env bash
# Single-input requests from concurrent clients to `jclip serve` (dev.jclip.bench.ServeLoad), side
# by side with the encoder's own rate at batch 8 (`jclip bench encode`) on the same model and text
# length, alternating, for texts and images. Prints each run's last line, then the ratios of items
# per second and, since a busy machine gives each process a varying share, of items per CPU second.
#
#   jclip-bench/peers/serve_load.sh WEIGHTS VOCAB IMAGE [ROUNDS]
#
# WEIGHTS: a full-size model (make_weights.py writes random-init ViT-B-32); VOCAB: CLIP's BPE
# vocabulary; IMAGE: the image each request sends. Environment: JCLIP_JAR (default the built
# jclip.jar), LOAD_JAR (default the built jclip-benchmarks.jar), BASELINE_JAR (another build
# whose server is measured too, each round: before/after), SERVE_ARGS (more `jclip serve` options
# of JCLIP_JAR), TEXT and TOKENS (the text each request sends and its length in tokens, start and
# end included), CLIENTS (8), SECONDS_TIMED (20), WARMUP (30: a fresh server under load needs that
# long to compile its hot code), PORT (18080).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
weights=$1 vocab=$2 image=$3 rounds=${4:-2}
jar=${JCLIP_JAR:-$here/jclip-cli/target/jclip.jar}
load_jar=${LOAD_JAR:-$here/jclip-bench/target/jclip-benchmarks.jar}
text=${TEXT:-a photo of a cat on a red sofa}
tokens=${TOKENS:-11}
clients=${CLIENTS:-8} seconds=${SECONDS_TIMED:-20} warmup=${WARMUP:-30} port=${PORT:-18080}
java="$JAVA_HOME/bin/java"
flags=(--add-modules jdk.incubator.vector -XX:+UseG1GC -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=5)
log=$(mktemp -d)

encode() {
  local length=()
  [ "$1" = text ] && length=(--tokens "$tokens")
  "$java" "${flags[@]}" -jar "$jar" bench encode --model "$weights" --what "$1" --batch 8 "${length[@]}" \
    --seconds "$seconds" --warmup "$warmup" >"$log/encode.out"
  # Items per CPU second of the process, from the timed repetitions' CPU times.
  local per_cpu
  per_cpu=$(awk '/^rep [0-9]+:/ { n++; cpu += $(NF - 1) } END { printf "%.2f", 8 * n / cpu }' "$log/encode.out")
  echo "$(tail -1 "$log/encode.out") per_cpu_s=$per_cpu"
}

# serve JAR WHAT [OPTIONS...]
serve() {
  local server_jar=$1 kind=$2
  shift 2
  "$java" "${flags[@]}" -jar "$server_jar" serve --model "$weights" --vocab "$vocab" --port "$port" "$@" \
    >"$log/serve.out" 2>&1 &
  local pid=$!
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do
    kill -0 $pid 2>/dev/null || { cat "$log/serve.out" >&2; exit 1; }
    sleep 0.5
  done
  local what=(--text "$text")
  [ "$kind" = image ] && what=(--image "$image")
  "$java" -cp "$load_jar" dev.jclip.bench.ServeLoad --url "http://127.0.0.1:$port/" "${what[@]}" --clients "$clients" \
    --seconds "$seconds" --warmup "$warmup" --pid $pid 2>&1 | tail -1
  kill $pid
  wait $pid 2>/dev/null || true
}

# ratios LABEL: of the last serve line ($s) to the last encode line (rate, erate)
ratios() {
  local rps scpu
  rps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$s")
  scpu=$(sed -E 's/.*per_cpu_s=([0-9.NaN]+).*/\1/' <<<"$s")
  echo "$1 = $(awk -v a="$rps" -v b="$rate" 'BEGIN { printf "%.2f", a / b }') per second," \
    "$(awk -v a="$scpu" -v b="$erate" 'BEGIN { printf "%.2f", a / b }') per CPU second"
}

uptime
for r in $(seq "$rounds"); do
  for what in text image; do
    e=$(encode $what); echo "$e"
    rate=$(sed -E 's/.*items_per_s=([0-9.]+).*/\1/' <<<"$e")
    erate=$(sed -E 's/.*per_cpu_s=([0-9.]+).*/\1/' <<<"$e")
    if [ -n "${BASELINE_JAR:-}" ]; then
      s=$(serve "$BASELINE_JAR" $what); echo "baseline $s"
      ratios "round $r $what: baseline serve/encode"
    fi
    # shellcheck disable=SC2086
    s=$(serve "$jar" $what ${SERVE_ARGS:-}); echo "$s"
    ratios "round $r $what: serve/encode"
  done
done
uptime
