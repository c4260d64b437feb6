"""jclip's model presets: the architecture of every open_clip 3.3 config whose towers jclip builds.

Run:  /tmp/peers/venv/bin/python parity/make_presets.py
Writes jclip-core/src/main/resources/dev/jclip/model/presets.json: {name: model config}, for the
built-in-tower configs (no hf_model_name or CoCa decoder; a timm image tower only if it is one of
the SigLIP trunks in timm-towers.json, made by make_timm_towers.py, without projection; a text
tower with its projection) in
open_clip's model_configs, in name order; ClipPresets reads each with the same parser as a user's
config.
"""
import glob
import json
import os

import open_clip

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "jclip-core/src/main/resources/dev/jclip/model/presets.json")
TIMM = json.load(open(os.path.join(ROOT, "jclip-core/src/main/resources/dev/jclip/model/timm-towers.json")))


def main():
    presets = {}
    for f in sorted(glob.glob(os.path.join(os.path.dirname(open_clip.__file__), "model_configs", "*.json"))):
        cfg = json.load(open(f))
        v, t = cfg.get("vision_cfg", {}), cfg.get("text_cfg", {})
        if "hf_model_name" in t or "multimodal_cfg" in cfg:
            continue
        if "timm_model_name" in v and (v["timm_model_name"] not in TIMM or v.get("timm_proj") != "none"):
            continue
        if t.get("proj_type", "linear") != "linear":   # a text tower without projection (SigLIP i18n)
            continue
        presets[os.path.basename(f)[:-5]] = cfg
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("{\n" + ",\n".join(json.dumps(k) + ": " + json.dumps(v) for k, v in presets.items()) + "\n}\n")
    print(len(presets), "presets ->", OUT)


if __name__ == "__main__":
    main()
