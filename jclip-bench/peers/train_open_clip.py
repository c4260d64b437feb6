"""The open_clip / PyTorch 2 peer of `jclip bench train`: CLIP training steps on random data, on the CPU.

Model: open_clip's own CLIP built from an OpenCLIP model config, the same value that
`jclip bench train --model-config` takes: a JSON file (default train-bench.json beside this
file) or a preset name of open_clip (ViT-B-32, ...), with open_clip's random initialisation
and its default activation (exact GELU unless the config says quick_gelu).
Loss: open_clip.ClipLoss (symmetric InfoNCE on the normalised features, logits scaled by
exp(logit_scale)). Optimizer: torch.optim.AdamW(lr 5e-4, betas (0.9, 0.98), eps 1e-6,
weight decay 0.2) with open_clip's grouping (no decay on tensors of rank < 2, norms,
biases and logit_scale), logit_scale clamped to [0, ln 100] after each step, as
open_clip's training loop does. Data: new random images [B,3,R,R] (standard normal) and
tokens [B,ctx] (start token, random ids, end token, zero padding) every step.
`torch.set_num_threads(--threads)`, eager mode, --warmup-steps untimed steps first.

usage: /tmp/peers/venv/bin/python train_open_clip.py [--model-config train-bench.json] [--batch 128]
           [--steps 10] [--warmup-steps 2] [--threads 2]
Last line: train batch=B samples_per_s=X peak_rss_mb=Y peer=open_clip
"""
import argparse
import json
import math
import os
import resource
import sys
import time

import open_clip
import torch


def model_config(value):
    """A JSON file or an open_clip preset name -> (config dict, label)."""
    if os.path.isfile(value):
        with open(value) as f:
            return json.load(f)
    cfg = open_clip.get_model_config(value)
    if cfg is None:
        sys.exit(f"--model-config {value}: neither a file nor an open_clip model name")
    return cfg


def batch(cfg, b, g):
    v, t = cfg["vision_cfg"], cfg["text_cfg"]
    size = v["image_size"]
    images = torch.randn(b, 3, size, size, generator=g)
    vocab, ctx = t.get("vocab_size", 49408), t.get("context_length", 77)
    tokens = torch.zeros(b, ctx, dtype=torch.int64)
    for i in range(b):
        n = int(torch.randint(0, ctx - 1, (1,), generator=g))  # ordinary tokens between start and end
        tokens[i, 0] = vocab - 2
        tokens[i, 1:n + 1] = torch.randint(1, vocab - 2, (n,), generator=g)
        tokens[i, n + 1] = vocab - 1
    return images, tokens


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-config", default=os.path.join(here, "train-bench.json"))
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup-steps", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)

    cfg = model_config(a.model_config)
    model = open_clip.CLIP(**cfg)
    model.train()
    no_decay = lambda n, p: p.ndim < 2 or "bn" in n or "ln" in n or "bias" in n or "logit_scale" in n
    named = list(model.named_parameters())
    groups = [{"params": [p for n, p in named if no_decay(n, p)], "weight_decay": 0.0},
              {"params": [p for n, p in named if not no_decay(n, p)], "weight_decay": 0.2}]
    opt = torch.optim.AdamW(groups, lr=5e-4, betas=(0.9, 0.98), eps=1e-6)
    loss_fn = open_clip.ClipLoss()
    g = torch.Generator().manual_seed(1)

    def step():
        images, tokens = batch(cfg, a.batch, g)
        image_features, text_features, logit_scale = model(images, tokens)
        loss = loss_fn(image_features, text_features, logit_scale)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        with torch.no_grad():
            model.logit_scale.clamp_(0, math.log(100))
        return float(loss)

    for i in range(a.warmup_steps):
        t0 = time.perf_counter()
        loss = step()
        print(f"warmup {i} loss={loss:.4f} seconds={time.perf_counter() - t0:.3f}", flush=True)
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
    print(f"open_clip={open_clip.__version__} torch={torch.__version__} threads={torch.get_num_threads()} "
          f"best_step_s={min(times):.3f} median_step_s={sorted(times)[len(times) // 2]:.3f} cores_used={cores:.2f}")
    print(f"train batch={a.batch} samples_per_s={a.batch * len(times) / sum(times):.2f} "
          f"peak_rss_mb={peak:.0f} peer=open_clip")


if __name__ == "__main__":
    main()
