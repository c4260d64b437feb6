"""Writes random-init, full-size CLIP models for the peer benchmarks.

Each model is a safetensors file in the original OpenAI layout (the names
jclip, OpenCLIP and clipref read), made by the independent reference
/work/shared/reference/clipref.py (imported by path, not copied).

usage: PYTHON make_weights.py [OUTDIR] [NAME ...]   (a Python with PyTorch: the peers venv, or /usr/bin/python3)
       OUTDIR defaults to /tmp/jclip-peers; NAMEs default to all models below.
Writes OUTDIR/NAME.safetensors. The files are large: never commit them.
"""
import json
import os
import sys
import importlib.util

SHARED = os.environ.get("JCLIP_SHARED", "/work/shared")


def load_clipref():
    path = os.path.join(SHARED, "reference", "clipref.py")
    if not os.path.isfile(path):
        sys.exit(f"clipref.py not found at {path} (set JCLIP_SHARED to the shared/ folder)")
    spec = importlib.util.spec_from_file_location("clipref", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# The text tower of the released B-size models; clipref uses heads = width // 64.
TEXT_B = dict(text_width=512, text_layers=12, vocab_size=49408, context_length=77)

MODELS = {
    "ViT-B-32": dict(vision="vit", image_size=224, patch=32, vision_width=768, vision_layers=12, embed_dim=512, **TEXT_B),
    "ViT-B-16": dict(vision="vit", image_size=224, patch=16, vision_width=768, vision_layers=12, embed_dim=512, **TEXT_B),
    "ViT-L-14": dict(vision="vit", image_size=224, patch=14, vision_width=1024, vision_layers=24, embed_dim=768,
                     text_width=768, text_layers=12, vocab_size=49408, context_length=77),
    "RN50": dict(vision="rn", image_size=224, vision_width=64, vision_layers=[3, 4, 6, 3], embed_dim=1024, **TEXT_B),
    # The training benchmark of issue 6, same as train-bench.json (OpenCLIP model-config form).
    "train-bench": dict(vision="vit", image_size=64, patch=8, vision_width=256, vision_layers=4, embed_dim=256,
                        text_width=256, text_layers=4, vocab_size=49408, context_length=32),
}

SEEDS = {"ViT-B-32": 32, "ViT-B-16": 16, "ViT-L-14": 14, "RN50": 50, "train-bench": 6}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/jclip-peers"
    names = sys.argv[2:] or list(MODELS)
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        sys.exit(f"unknown model(s) {unknown}; known: {list(MODELS)}")
    R = load_clipref()
    os.makedirs(out, exist_ok=True)
    for name in names:
        cfg = MODELS[name]
        sd = R.init_state_dict(cfg, SEEDS[name])
        path = os.path.join(out, name + ".safetensors")
        R.save_safetensors(path, sd, {"format": "openai", "config": json.dumps(cfg)})
        n = sum(v.numel() for v in sd.values())
        print(f"{path} params={n} bytes={os.path.getsize(path)}")


if __name__ == "__main__":
    main()
