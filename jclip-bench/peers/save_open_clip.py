"""Writes an open_clip model with open_clip's random initialisation as safetensors, in float32,
float16 and bfloat16 (original/OpenCLIP tensor names, which `jclip bench encode --model` maps), for
the 16-bit weights' memory and speed against float32. The files are large: never commit them.

usage: /tmp/peers/venv/bin/python save_open_clip.py [--model ViT-B-32] [--out /tmp/jclip-peers]
Writes OUT/MODEL.f32.safetensors, OUT/MODEL.f16.safetensors, OUT/MODEL.bf16.safetensors.
"""
import argparse
import os

import open_clip
import torch
from safetensors.torch import save_file


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="ViT-B-32")
    ap.add_argument("--out", default="/tmp/jclip-peers")
    a = ap.parse_args()
    torch.manual_seed(0)
    sd = open_clip.create_model(a.model, pretrained=None).state_dict()
    os.makedirs(a.out, exist_ok=True)
    for suffix, dtype in (("f32", torch.float32), ("f16", torch.float16), ("bf16", torch.bfloat16)):
        path = os.path.join(a.out, f"{a.model}.{suffix}.safetensors")
        save_file({k: v.to(dtype).contiguous() for k, v in sd.items()}, path)
        print(f"{path} bytes={os.path.getsize(path)}")


if __name__ == "__main__":
    main()
