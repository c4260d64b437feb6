"""open_clip's pretrained tags for jclip's presets: where each tag's weights live on the hub.

Run:  /tmp/peers/venv/bin/python parity/make_pretrained.py
Writes jclip-core/src/main/resources/dev/jclip/hub/pretrained.json:
{model: {tag: {"hf_hub": "org/name/[file]", "quick_gelu": bool, "mean": [...], "std": [...],
"interpolation": ..., "resize_mode": ...}}} for every open_clip 3.3 model name that jclip has a
preset for (presets.json) and every tag with a hub location. Read by dev.jclip.hub.Pretrained,
which resolves `ClipModel.pretrained("ViT-B-32", "laion2b_s34b_b79k")` as open_clip's
create_model_and_transforms does: the built-in config by name, the weights from the tag's hub
repository, the tag's preprocessing.
"""
import json
import os

import open_clip.pretrained as pretrained

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRESETS = os.path.join(ROOT, "jclip-core/src/main/resources/dev/jclip/model/presets.json")
OUT = os.path.join(ROOT, "jclip-core/src/main/resources/dev/jclip/hub/pretrained.json")
KEYS = ("hf_hub", "quick_gelu", "mean", "std", "interpolation", "resize_mode")


def main():
    presets = json.load(open(PRESETS))
    table = {}
    for model, tags in pretrained._PRETRAINED.items():
        if model not in presets:
            continue
        entries = {}
        for tag, cfg in tags.items():
            if not cfg.get("hf_hub"):
                continue
            entry = {k: cfg[k] for k in KEYS if k in cfg}
            entry["quick_gelu"] = bool(cfg.get("quick_gelu", False))
            entries[tag] = entry
        if entries:
            table[model] = entries
    with open(OUT, "w") as f:
        f.write("{\n" + ",\n".join(json.dumps(k) + ": " + json.dumps(v) for k, v in table.items()) + "\n}\n")
    print(sum(len(v) for v in table.values()), "tags of", len(table), "models ->", OUT)


if __name__ == "__main__":
    main()
