"""The open_clip / PyTorch 2 peer of `jclip bench encode`: one tower's throughput on random inputs, on the CPU.

Model: open_clip.create_model(NAME) with open_clip's random initialisation (speed does not depend
on the weight values), evaluation mode, eager, under torch.inference_mode(), torch.set_num_threads
(--threads), one inter-op thread. Inputs: standard-normal images [B,3,R,R], or texts of --tokens
tokens (start token, random ids, end token: the vocabulary's last two ids, CLIP's 49406 and 49407
as its tokenizer writes them; zero padding to the context length; open_clip computes every
position whatever their length). --warmup seconds untimed, then batches until --seconds have
passed (at least one). With --paired (PairedOpenClipBench's peer), after the warm-up it prints
"ready gflop_per_item=G", then runs one batch for each line "run" read from stdin and prints
"seconds=S" (that batch's time), until the end of stdin; --inputs FILE gives the batch as the Java
side wrote it (little-endian float32 images or int64 token ids, row-major). The multiply-adds of
one item are counted by PyTorch's own FlopCounterMode (matrix products and convolutions, 2 flops
each), for the fraction of peak; in training mode, where attention is not fused (a batch norm's
running statistics then move, which does not change the speed).

usage: /tmp/peers/venv/bin/python encode_open_clip.py --model ViT-B-32 --what image|text
           [--batch 32] [--tokens 77] [--threads 2] [--seconds 10] [--warmup 3] [--paired [--inputs FILE]]
Last line: encode what=W model=M batch=B tokens=N items_per_s=X peak_rss_mb=Y gflop_per_item=G peer=open_clip
"""
import argparse
import resource
import sys
import time

import numpy as np

import open_clip
import torch
from torch.utils.flop_counter import FlopCounterMode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, help="open_clip model name, e.g. ViT-B-32, RN50, ViT-L-14")
    ap.add_argument("--what", choices=["image", "text"], required=True)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--tokens", type=int, help="text length, start and end included (default: the context)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--warmup", type=float, default=3)
    ap.add_argument("--paired", action="store_true", help="after the warm-up, one batch per line 'run' on stdin")
    ap.add_argument("--inputs", help="the batch as raw little-endian values (float32 images, int64 tokens)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    model = open_clip.create_model(a.model, pretrained=None).eval()
    if a.what == "image":
        size = model.visual.image_size
        size = size[0] if isinstance(size, (tuple, list)) else size
        inputs = torch.randn(a.batch, 3, size, size)
        encode, tokens = model.encode_image, 0
    else:
        context = model.context_length
        tokens = a.tokens or context
        if not 2 <= tokens <= context:
            raise SystemExit(f"--tokens must be in [2, {context}]")
        inputs = torch.zeros(a.batch, context, dtype=torch.long)
        embedding = model.token_embedding if hasattr(model, "token_embedding") else model.text.token_embedding
        vocab = embedding.num_embeddings
        inputs[:, 0] = vocab - 2
        inputs[:, 1:tokens - 1] = torch.randint(1, vocab - 2, (a.batch, tokens - 2))
        inputs[:, tokens - 1] = vocab - 1
        encode = model.encode_text
    if a.inputs:
        dtype = np.float32 if a.what == "image" else np.int64
        given = np.fromfile(a.inputs, dtype=np.dtype(dtype).newbyteorder("<"))
        if given.size != inputs.numel():
            raise SystemExit(f"--inputs holds {given.size} values, the batch has {inputs.numel()}")
        inputs = torch.from_numpy(given.astype(dtype)).reshape(inputs.shape)
    # Counted in training mode: in evaluation mode nn.MultiheadAttention takes its fused fast path,
    # whose projections FlopCounterMode does not see (open_clip has no dropout at inference anyway).
    # No parameter needs a gradient here: with them, FlopCounterMode's module tracker fails on timm's
    # towers (SigLIP's), hooking tensors that have no gradient function under no_grad.
    model.requires_grad_(False)
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        model.train()
        encode(inputs[:1])
        model.eval()
    gflop = counter.get_total_flops() / 1e9
    with torch.inference_mode():
        start = time.perf_counter()
        while True:
            encode(inputs)
            if time.perf_counter() - start >= a.warmup:
                break
        if a.paired:
            serve(encode, inputs, gflop)
            return
        times = []
        start = time.perf_counter()
        while not times or time.perf_counter() - start < a.seconds:
            t0 = time.perf_counter()
            encode(inputs)
            times.append(time.perf_counter() - t0)
            print(f"rep {len(times)}: {times[-1]:.3f} s", flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"open_clip={open_clip.__version__} torch={torch.__version__} threads={torch.get_num_threads()}")
    print(f"encode what={a.what} model={a.model} batch={a.batch} tokens={tokens} "
          f"items_per_s={a.batch * len(times) / sum(times):.2f} peak_rss_mb={rss} gflop_per_item={gflop:.3f} peer=open_clip")


def serve(encode, inputs, gflop):
    """One batch per line "run" on stdin, its time printed as "seconds=S"; ends with stdin."""
    print(f"ready gflop_per_item={gflop:.3f}", flush=True)
    for line in sys.stdin:
        if line.strip() != "run":
            raise SystemExit(f"unknown request {line.strip()!r}: expected 'run'")
        t0 = time.perf_counter()
        encode(inputs)
        print(f"seconds={time.perf_counter() - t0:.6f}", flush=True)


if __name__ == "__main__":
    main()
