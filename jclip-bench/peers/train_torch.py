"""The PyTorch peer of `jclip bench train`: CLIP training steps on random data, on the CPU.

Model: the OpenCLIP-style config train-bench.json (beside this file), built by
the independent reference /work/shared/reference/clipref.py (imported by path):
weights from clipref.init_state_dict as nn.Parameters, forward by
clipref.encode_image / encode_text / logits, symmetric loss clipref.clip_loss.
Optimizer: AdamW(lr 5e-4, betas (0.9, 0.98), eps 1e-6, weight decay 0.2), with
OpenCLIP's grouping (no decay on 1-d tensors, LayerNorm gains, biases and
logit_scale), and logit_scale clamped to ln(100) after each step as OpenCLIP does.
Data: new random images [B,3,R,R] and tokens [B,ctx] (start token, random ids,
end token = the highest id at a random position, zero padding) each step.

usage: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 train_torch.py [--batch 128] [--steps S] [--threads 2]
Last line: train batch=B samples_per_s=X peak_rss_mb=Y peer=pytorch
"""
import argparse
import json
import math
import os
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_weights import load_clipref  # noqa: E402

R = load_clipref()
WARMUP_STEPS = 2


def config(path):
    """OpenCLIP model config -> clipref config (clipref's towers use heads = width // 64)."""
    c = json.load(open(path))
    v, t = c["vision_cfg"], c["text_cfg"]
    if t.get("heads", t["width"] // 64) != t["width"] // 64:
        sys.exit(f"{path}: text heads must be width // 64 for clipref")
    return dict(vision="vit", embed_dim=c["embed_dim"], image_size=v["image_size"], patch=v["patch_size"],
                vision_width=v["width"], vision_layers=v["layers"], context_length=t["context_length"],
                vocab_size=t["vocab_size"], text_width=t["width"], text_layers=t["layers"])


def batch(cfg, b, g):
    images = torch.randn(b, 3, cfg["image_size"], cfg["image_size"], generator=g)
    V, ctx = cfg["vocab_size"], cfg["context_length"]
    tokens = torch.zeros(b, ctx, dtype=torch.int64)
    for i in range(b):
        n = int(torch.randint(0, ctx - 1, (1,), generator=g))       # ordinary tokens between start and end
        tokens[i, 0] = V - 2
        tokens[i, 1:n + 1] = torch.randint(1, V - 2, (n,), generator=g)
        tokens[i, n + 1] = V - 1
    return images, tokens


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "train-bench.json"))
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=10, help="timed steps, after %d warm-up steps" % WARMUP_STEPS)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if var in os.environ:
            print(f"note: {var}={os.environ[var]} is set", file=sys.stderr)

    cfg = config(a.config)
    params = {k: torch.nn.Parameter(v) for k, v in R.init_state_dict(cfg, 6).items()}
    no_decay = lambda k, p: p.ndim < 2 or "ln" in k or "bias" in k or k == "logit_scale"
    groups = [{"params": [p for k, p in params.items() if no_decay(k, p)], "weight_decay": 0.0},
              {"params": [p for k, p in params.items() if not no_decay(k, p)], "weight_decay": 0.2}]
    opt = torch.optim.AdamW(groups, lr=5e-4, betas=(0.9, 0.98), eps=1e-6)
    g = torch.Generator().manual_seed(1)

    def step():
        images, tokens = batch(cfg, a.batch, g)
        lpi, _ = R.logits(params, R.encode_image(params, images), R.encode_text(params, tokens))
        loss = R.clip_loss(lpi)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        with torch.no_grad():
            params["logit_scale"].clamp_(0, math.log(100))
        return float(loss)

    for _ in range(WARMUP_STEPS):
        step()
    times = []
    cpu0 = time.process_time()
    for i in range(a.steps):
        t0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t0)
        print(f"step {i} loss={loss:.4f} seconds={times[-1]:.3f}", flush=True)
    # A busy machine shows as cores_used well below the thread count: such a run is not representative.
    cores = (time.process_time() - cpu0) / sum(times)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"torch={torch.__version__} threads={torch.get_num_threads()} best_step_s={min(times):.3f} "
          f"median_step_s={sorted(times)[len(times) // 2]:.3f} cores_used={cores:.2f}")
    print(f"train batch={a.batch} samples_per_s={a.batch * len(times) / sum(times):.2f} "
          f"peak_rss_mb={peak:.0f} peer=pytorch")


if __name__ == "__main__":
    main()
