#!/usr/bin/env bash
# Runs `jclip bench gemm` and the OpenBLAS peer (numpy) back to back on CLIP ViT-B/32 shapes
# (32 images × 50 tokens, width 768), so that both see the same machine load.
# Usage: jclip-bench/peers/compare_gemm.sh [threads] [rounds]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
threads="${1:-$(nproc)}"
rounds="${2:-1}"
shapes=(
  "--m 1600 --n 768 --k 3072 --trans-b"   # MLP c_proj forward (x·Wᵀ)
  "--m 1600 --n 3072 --k 768 --trans-b"   # MLP c_fc forward
  "--m 1600 --n 2304 --k 768 --trans-b"   # attention in-projection forward
  "--m 1600 --n 768 --k 3072"             # plain A·B
  "--m 1600 --n 3072 --k 768"             # c_proj backward, input gradient (g·W)
  "--m 768 --n 3072 --k 1600 --trans-a"   # c_proj backward, weight gradient (gᵀ·x)
  "--m 50 --n 50 --k 64 --batch 384 --trans-b"  # attention scores q·kᵀ, 12 heads × 32 images
  "--m 50 --n 64 --k 50 --batch 384"            # attention output p·v
)
for ((r = 0; r < rounds; r++)); do
  for s in "${shapes[@]}"; do
    # shellcheck disable=SC2086
    j=$("$root/jclip" bench gemm $s --threads "$threads" 2>/dev/null | tail -n 1)
    # shellcheck disable=SC2086
    p=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$here/gemm_numpy.py" $s --threads "$threads" 2>/dev/null | tail -n 1)
    jg=${j##*gflops=}
    pg=$(echo "$p" | sed 's/.*gflops=\([0-9.]*\).*/\1/')
    printf '%-48s jclip %7s  openblas %7s  ratio %s\n' "$s" "$jg" "$pg" "$(python3 -c "print(f'{$jg/$pg:.2f}')")"
  done
done
