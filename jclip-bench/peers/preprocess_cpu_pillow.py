"""Pillow + torchvision's side of preprocess_cpu_jclip.java: CPU milliseconds of this thread per
photo for open_clip's ViT-B-32 evaluation transform (Image.open from bytes in memory, Resize(224,
bicubic), CenterCrop, convert RGB, ToTensor, Normalize), per file kind, best and median of the
rounds after a warm-up.

    /tmp/peers/venv/bin/python jclip-bench/peers/preprocess_cpu_pillow.py DIR [ROUNDS]
"""

import io
import os
import statistics
import sys
import time

import open_clip
import torch
from PIL import Image


def main():
    folder = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    torch.set_num_threads(1)
    _, _, preprocess = open_clip.create_model_and_transforms("ViT-B-32", pretrained=None)
    for kind in ("jpg", "png"):
        files = sorted(f for f in os.listdir(folder) if f.lower().endswith("." + kind))
        if not files:
            continue
        data = [open(os.path.join(folder, f), "rb").read() for f in files]
        ms = []
        for r in range(-1, rounds):
            t = time.thread_time()
            for b in data:
                with Image.open(io.BytesIO(b)) as im:
                    preprocess(im)
            if r >= 0:
                ms.append((time.thread_time() - t) * 1e3 / len(data))
        print(f"pillow {kind}: {len(files)} files, cpu ms/photo best {min(ms):.1f} median {statistics.median(ms):.1f}",
              flush=True)


if __name__ == "__main__":
    main()
