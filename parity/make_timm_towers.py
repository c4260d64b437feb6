"""Writes jclip-core's resource dev/jclip/model/timm-towers.json: the shape of every timm
`vit_*siglip*` trunk (open_clip's SigLIP image towers), read from timm's models built on the meta
device. Run with the peers' venv: python parity/make_timm_towers.py"""
import json
import pathlib

import timm
import torch

OUT = pathlib.Path(__file__).resolve().parent.parent / "jclip-core/src/main/resources/dev/jclip/model/timm-towers.json"

rows = {}
for name in timm.list_models("vit_*siglip*"):
    with torch.device("meta"):
        m = timm.create_model(name, pretrained=False)
    blk = m.blocks[0]
    # jclip builds these towers only: no class or register tokens, a patch bias, no ln_pre, no LayerScale.
    assert m.cls_token is None and getattr(m, "reg_token", None) is None and m.patch_embed.proj.bias is not None
    assert type(m.norm_pre).__name__ == "Identity" and type(m.fc_norm).__name__ == "Identity"
    assert type(blk.ls1).__name__ == "Identity" and m.norm.eps == 1e-6 and m.global_pool in ("map", "avg")
    h, w = m.patch_embed.img_size
    assert h == w
    rows[name] = dict(image_size=h, patch_size=m.patch_embed.patch_size[0], width=m.embed_dim, layers=len(m.blocks),
                      heads=blk.attn.num_heads, mlp_width=blk.mlp.fc1.out_features,
                      act={"GELU": "erf", "GELUTanh": "tanh"}[type(blk.mlp.act).__name__], pool=m.global_pool)
OUT.write_text("{\n" + ",\n".join(f'"{k}": {json.dumps(v)}' for k, v in rows.items()) + "\n}\n")
print(len(rows), "towers ->", OUT)
