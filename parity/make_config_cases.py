"""Model-config parity cases: every built-in open_clip 3.3 config and a few Hugging Face CLIP configs.

Run:  /tmp/peers/venv/bin/python parity/make_config_cases.py
      (a venv from ../shared/tools/python-peers.sh: PyTorch 2.13, open_clip 3.3, transformers 5)
Writes jclip-core/src/test/resources/parity/configs/cases.json.

For each of the 55 open_clip configs whose towers are the built-in ones (no timm_model_name, no
hf_model_name, no CoCa decoder) the config is shrunk — fewer layers, narrower towers, every
structural key kept (quick_gelu, mlp_ratio, head_width, ls_init_value, no_ln_pre, pool_type,
final_ln_after_pool, text pool_type / eos_id / no_causal_mask, image and patch size, context
length) — and built with open_clip's own CLIP class. Its weights are not stored: every tensor is
filled from a SplitMix64 stream seeded by the FNV-1a hash of its name (see `fill`), which the Java
test reproduces bit for bit; so are the input images. Stored per case: the original and the shrunk
config, the token ids (real captions through open_clip's tokenizer for CLIP-BPE towers), and
the state dict's names and shapes, and open_clip's encode_image / encode_text outputs in float32.

The Hugging Face cases build transformers' CLIPModel from a config.json (exact GELU, MLP widths that
are not 4x, other LayerNorm epsilons, new and legacy eos_token_id) and store its
get_image_features / get_text_features outputs in the same way; the single-tower cases do the same
for CLIPVisionModelWithProjection and CLIPTextModelWithProjection (image_embeds, text_embeds).
For a few configs (GRAD_CASES) the contrastive loss's gradients are stored too (see grad_cases).
"""
import copy
import glob
import json
import os

import numpy as np
import open_clip
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "jclip-core/src/test/resources/parity/configs")
CONFIGS = os.path.join(os.path.dirname(open_clip.__file__), "model_configs")

M64 = (1 << 64) - 1
CAPTIONS = ["a photo of a cat sitting on a red sofa", "Two dogs run across the beach at sunset, waves behind them!"]


def fnv1a(name):
    h = 0xCBF29CE484222325
    for b in name.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & M64
    return h


def splitmix_units(seed, n):
    """n floats u in [0, 1): the top 24 bits of successive SplitMix64 outputs, times 2^-24."""
    i = np.arange(1, n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + i * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(40)).astype(np.float32) * np.float32(2.0 ** -24)


def fill(name, shape):
    """The values every test derives from a tensor's name and shape (mirrored by the Java test)."""
    n = int(np.prod(shape)) if len(shape) else 1
    u = splitmix_units(fnv1a(name), n)
    w = np.float32(2) * u - np.float32(1)
    if name == "logit_scale":
        v = np.full(n, np.float32(4.6052), dtype=np.float32)
    elif name.endswith("running_var"):
        v = np.float32(0.5) + u
    elif len(shape) == 1 and name.endswith(".weight"):        # LayerNorm and BatchNorm scales
        v = np.float32(1) + np.float32(0.25) * w
    elif len(shape) >= 2:
        v = w * np.float32(1 / np.sqrt(np.prod(shape[1:])))
    else:                                                    # biases, class embedding, LayerScale gammas
        v = w * np.float32(0.5)
    return torch.from_numpy(v.astype(np.float32).reshape(shape))


def fill_model(model):
    sd = model.state_dict()
    new = {}
    for k, t in sd.items():
        if k.endswith("num_batches_tracked") or k.endswith("position_ids"):
            new[k] = t
        else:
            new[k] = fill(k, list(t.shape))
    model.load_state_dict(new)


def images(size, batch=2):
    return fill("input.images", [batch, 3, size, size]) * 4   # values in [-2, 2]


def shrink(cfg):
    c = copy.deepcopy(cfg)
    c["embed_dim"] = 48
    v, t = c["vision_cfg"], c["text_cfg"]
    if isinstance(v["layers"], list):
        v["layers"] = [1, 1, 1, 1]
        v["width"] = 8
    else:
        v["layers"] = 2
        v["width"] = 2 * v.get("head_width", 64)
    t["layers"] = 2
    t["width"] = 8 * t["heads"]
    if "hf_tokenizer_name" in t:
        t["vocab_size"] = 1000
    return c


def tokens_for(text_cfg, rng):
    ctx = text_cfg.get("context_length", 77)
    vocab = text_cfg["vocab_size"]
    pool = text_cfg.get("pool_type", "argmax")
    if "hf_tokenizer_name" not in text_cfg:
        return open_clip.get_tokenizer("ViT-B-32", context_length=ctx)(CAPTIONS).tolist()
    rows = []
    for length in (5, ctx - 2):
        ids = [int(x) for x in rng.integers(3, vocab, size=length)]
        if pool == "eos":            # XLM-V / mT5 style: <s>=0 ... </s>=eos_id, padding 1
            eos = text_cfg.get("eos_id", 2)
            row = [0] + [i if i != eos else 3 for i in ids][: ctx - 2] + [eos]
            row += [1] * (ctx - len(row))
        else:                        # BERT style: [CLS]=101 ... [SEP]=102, padding 0
            row = [101] + ids[: ctx - 2] + [102]
            row += [0] * (ctx - len(row))
        rows.append(row[:ctx])
    return rows


def f32(x):
    """A float32 as the shortest decimal that reads back as the same float32 (at most 9 digits)."""
    return float(f"{float(x):.9g}")


def floats(t):
    return [[f32(x) for x in row] for row in t.detach().numpy().astype(np.float32)]


def open_clip_cases():
    names = []
    for f in sorted(glob.glob(os.path.join(CONFIGS, "*.json"))):
        cfg = json.load(open(f))
        v, t = cfg.get("vision_cfg", {}), cfg.get("text_cfg", {})
        if "timm_model_name" in v or "hf_model_name" in t or "multimodal_cfg" in cfg:
            continue
        names.append((os.path.basename(f)[:-5], cfg))
    assert len(names) == 55, len(names)
    rng = np.random.default_rng(0)
    cases = []
    for name, cfg in names:
        small = shrink(cfg)
        model = open_clip.model.CLIP(**small).eval()
        fill_model(model)
        size = small["vision_cfg"]["image_size"]
        toks = tokens_for(small["text_cfg"], rng)
        with torch.no_grad():
            img = model.encode_image(images(size))
            txt = model.encode_text(torch.tensor(toks, dtype=torch.long))
        tensors = {k: list(t.shape) for k, t in model.state_dict().items() if not k.endswith("num_batches_tracked")}
        cases.append({"name": name, "config": cfg, "shrunk": small, "image_size": size, "tokens": toks, "tensors": tensors,
                      "image_features": floats(img), "text_features": floats(txt)})
        print(name, "ok", flush=True)
    return cases


def hf_cases():
    from transformers import CLIPConfig, CLIPModel
    variants = {
        "hf-gelu-mlp3": dict(
            text_config=dict(hidden_size=64, intermediate_size=200, num_hidden_layers=2, num_attention_heads=4,
                             hidden_act="gelu", layer_norm_eps=1e-6, eos_token_id=49407, max_position_embeddings=77),
            vision_config=dict(hidden_size=96, intermediate_size=300, num_hidden_layers=2, num_attention_heads=3,
                               image_size=64, patch_size=16, hidden_act="gelu", layer_norm_eps=1e-6),
            projection_dim=40),
        "hf-quickgelu-legacy-eos": dict(
            text_config=dict(hidden_size=64, intermediate_size=256, num_hidden_layers=2, num_attention_heads=2,
                             eos_token_id=2, max_position_embeddings=77),
            vision_config=dict(hidden_size=64, intermediate_size=256, num_hidden_layers=2, num_attention_heads=2,
                               image_size=32, patch_size=8),
            projection_dim=32),
        "hf-tanh": dict(
            text_config=dict(hidden_size=48, intermediate_size=100, num_hidden_layers=1, num_attention_heads=3,
                             hidden_act="gelu_pytorch_tanh", eos_token_id=49407, max_position_embeddings=77),
            vision_config=dict(hidden_size=48, intermediate_size=100, num_hidden_layers=1, num_attention_heads=3,
                               image_size=48, patch_size=16, hidden_act="gelu_pytorch_tanh"),
            projection_dim=24),
    }
    tokenizer = open_clip.get_tokenizer("ViT-B-32")
    cases = []
    for name, kw in variants.items():
        config = CLIPConfig(**kw)
        model = CLIPModel(config).eval()
        fill_model(model)
        size = kw["vision_config"]["image_size"]
        toks = tokenizer(CAPTIONS).tolist()
        toks[1] = [49407 if (i > 0 and x == 0) else x for i, x in enumerate(toks[1])]   # transformers pads with the end token
        with torch.no_grad():
            img = model.get_image_features(pixel_values=images(size))
            txt = model.get_text_features(input_ids=torch.tensor(toks, dtype=torch.long))
        img = getattr(img, "pooler_output", img)
        txt = getattr(txt, "pooler_output", txt)
        config_json = json.loads(config.to_json_string(use_diff=False))
        cases.append({"name": name, "hf_config": config_json, "image_size": size, "tokens": toks,
                      "tensors": {k: list(t.shape) for k, t in model.state_dict().items() if not k.endswith("position_ids")},
                      "image_features": floats(img), "text_features": floats(txt)})
        print(name, "ok", flush=True)
    return cases


GRAD_CASES = ["ViT-B-32", "ViT-S-16-alt", "ViT-L-14-CLIPA", "ViT-H-14-worldwide", "ViT-bigG-14", "RN50"]


def custom_cases():
    """Keys open_clip supports that none of its shipped configs uses: a non-square image size
    (height x width), on ViT-B-32 shrunk, with class-token and average pooling."""
    rng = np.random.default_rng(1)
    cases = []
    base = json.load(open(os.path.join(CONFIGS, "ViT-B-32.json")))
    for name, size, extra in (("ViT-B-32 224x320", [224, 320], {}),
                              ("ViT-B-32 160x96 avg", [160, 96], {"pool_type": "avg", "final_ln_after_pool": True})):
        cfg = copy.deepcopy(base)
        cfg["vision_cfg"]["image_size"] = size
        cfg["vision_cfg"].update(extra)
        small = shrink(cfg)
        model = open_clip.model.CLIP(**small).eval()
        fill_model(model)
        pixels = fill("input.images", [2, 3, size[0], size[1]]) * 4
        toks = tokens_for(small["text_cfg"], rng)
        with torch.no_grad():
            img = model.encode_image(pixels)
            txt = model.encode_text(torch.tensor(toks, dtype=torch.long))
        tensors = {k: list(t.shape) for k, t in model.state_dict().items()}
        cases.append({"name": name, "config": cfg, "shrunk": small, "image_size": size[0], "image_width": size[1],
                      "tokens": toks, "tensors": tensors, "image_features": floats(img), "text_features": floats(txt)})
        print(name, "ok", flush=True)
    return cases


def grad_cases(oc_cases):
    """CLIP's symmetric contrastive loss over the two images and texts of a case, and its gradients:
    in full for every 1-D parameter (norms, biases, embeddings, LayerScale), as an L2 norm for the
    rest (the matrices would make the fixture large). Training mode (ResNet BatchNorm uses the
    batch's statistics)."""
    import torch.nn.functional as F
    out = []
    for c in oc_cases:
        if c["name"] not in GRAD_CASES:
            continue
        model = open_clip.model.CLIP(**c["shrunk"]).train()
        fill_model(model)
        img = model.encode_image(images(c["image_size"]), normalize=True)
        txt = model.encode_text(torch.tensor(c["tokens"], dtype=torch.long), normalize=True)
        logits = model.logit_scale.exp() * img @ txt.T
        labels = torch.arange(logits.shape[0])
        loss = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
        loss.backward()
        full, norms = {}, {}
        for k, p in model.named_parameters():
            g = p.grad if p.grad is not None else torch.zeros_like(p)
            if p.dim() <= 1:
                full[k] = [f32(x) for x in g.reshape(-1).numpy().astype(np.float32)]
            else:
                norms[k] = float(g.double().norm())
        out.append({"name": c["name"], "loss": float(loss), "grads": full, "grad_norms": norms})
        print("grad", c["name"], "ok", flush=True)
    return out


def hf_single_tower_cases():
    from transformers import (CLIPTextConfig, CLIPTextModelWithProjection, CLIPVisionConfig,
                              CLIPVisionModelWithProjection)
    tokenizer = open_clip.get_tokenizer("ViT-B-32")
    cases = []
    vision = CLIPVisionConfig(hidden_size=64, intermediate_size=150, num_hidden_layers=2, num_attention_heads=2,
                              image_size=32, patch_size=8, hidden_act="gelu", projection_dim=24)
    model = CLIPVisionModelWithProjection(vision).eval()
    fill_model(model)
    with torch.no_grad():
        img = model(pixel_values=images(32)).image_embeds
    cases.append({"name": "hf-vision-tower", "hf_config": json.loads(vision.to_json_string(use_diff=False)), "image_size": 32,
                  "tensors": {k: list(t.shape) for k, t in model.state_dict().items() if not k.endswith("position_ids")},
                  "image_features": floats(img)})
    text = CLIPTextConfig(hidden_size=64, intermediate_size=150, num_hidden_layers=2, num_attention_heads=4,
                          hidden_act="gelu", projection_dim=24, eos_token_id=49407)
    model = CLIPTextModelWithProjection(text).eval()
    fill_model(model)
    toks = tokenizer(CAPTIONS).tolist()
    with torch.no_grad():
        txt = model(input_ids=torch.tensor(toks, dtype=torch.long)).text_embeds
    cases.append({"name": "hf-text-tower", "hf_config": json.loads(text.to_json_string(use_diff=False)), "tokens": toks,
                  "tensors": {k: list(t.shape) for k, t in model.state_dict().items() if not k.endswith("position_ids")},
                  "text_features": floats(txt)})
    for c in cases:
        print(c["name"], "ok", flush=True)
    return cases


def main():
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    out = {"generator": "parity/make_config_cases.py", "open_clip": open_clip.__version__, "torch": torch.__version__,
           "open_clip_cases": open_clip_cases(), "hf_cases": hf_cases(), "hf_single_tower_cases": hf_single_tower_cases()}
    out["grad_cases"] = grad_cases(out["open_clip_cases"])
    out["custom_cases"] = custom_cases()
    import transformers
    out["transformers"] = transformers.__version__
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print("wrote", os.path.join(OUT, "cases.json"), os.path.getsize(os.path.join(OUT, "cases.json")), "bytes")


if __name__ == "__main__":
    main()
