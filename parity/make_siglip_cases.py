"""Writes jclip-core/src/test/resources/parity/siglip/: tiny random-init SigLIP models with reference
inputs and outputs, for SiglipParityTest. Run with the peers' venv from the project root:

    /tmp/peers/venv/bin/python parity/make_siglip_cases.py

- tokenizer/: a Unigram tokenizer.json trained with `tokenizers` (SentencePiece-like, "</s>" appended).
- siglip-hf/: transformers SiglipModel (config.json, model.safetensors, preprocessor_config.json,
  the tokenizer); siglip2-hf/: transformers Siglip2Model at its fixed resolution (num_patches 16,
  patch 8: 32x32 images); siglip-openclip/: open_clip with a custom timm trunk
  (vit_pico_patch8_siglip_32, registered here) and its text tower (open_clip_model.safetensors,
  open_clip_config.json with the trunk's shape keys, the tokenizer).
- each io.safetensors: input.images [B, 3, 32, 32], input.tokens [T, 16] (from input texts.json as
  the library tokenizes them), output.image_features / text_features (not normalized) and
  output.logits_per_image.
- preprocess.safetensors: one 40x30 RGB image (image.png) as each case's image processor gives it.
- siglip-openclip/grads/: the gradients of sum(image_features * probe.image) + sum(text_features *
  probe.text) (probes in io.safetensors) for every parameter, as a model in open_clip's layout.
"""
import json
import pathlib

import numpy as np
import open_clip
import timm
import torch
from PIL import Image
from safetensors.torch import load_file, save_file
from timm.models import register_model
from timm.models.vision_transformer import _create_vision_transformer
from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers, normalizers

ROOT = pathlib.Path(__file__).resolve().parent.parent / "jclip-core/src/test/resources/parity/siglip"
CONTEXT = 16
TEXTS = ["a photo of a cat", "A Photo of a DOG!", "  two   spaces,\tand a tab. ", "", "über-café, naïve",
         "the quick brown fox jumps over the lazy dog and keeps running far beyond the context length",
         "cats_and_dogs (plural)", "emoji 😀 here"]
CORPUS = ["a photo of a cat", "a photo of a dog", "the quick brown fox jumps over the lazy dog", "two spaces and a tab",
          "cafe naive plural here emoji", "running far beyond the context length keeps", "photo photos photograph"] * 20


TRAINED = []


def tokenizer(folder):
    """Writes the tokenizer into folder: trained once (training runs threads: its vocabulary varies by run)."""
    if not TRAINED:
        TRAINED.append(train())
    tok = TRAINED[0]
    folder.mkdir(parents=True, exist_ok=True)
    tok.save(str(folder / "tokenizer.json"))
    (folder / "tokenizer_config.json").write_text(json.dumps(
        {"tokenizer_class": "PreTrainedTokenizerFast", "pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>",
         "model_max_length": CONTEXT}, indent=1))
    return tok


def train():
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace("  ", " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    trainer = trainers.UnigramTrainer(vocab_size=120, special_tokens=["<pad>", "</s>", "<unk>"], unk_token="<unk>")
    tok.train_from_iterator(CORPUS, trainer)
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", 1)])
    return tok


def write_io(folder, images, tokens, img, txt, logits):
    save_file({"input.images": images.contiguous(), "input.tokens": tokens.to(torch.int32).contiguous(),
               "output.image_features": img.detach().contiguous(), "output.text_features": txt.detach().contiguous(),
               "output.logits_per_image": logits.detach().contiguous()}, str(folder / "io.safetensors"))
    (folder / "texts.json").write_text(json.dumps(TEXTS, ensure_ascii=False, indent=1) + "\n")


def pooled(out):
    return out if torch.is_tensor(out) else out.pooler_output


def hf_case(name, config, images, pixel_input, preprocessor):
    from transformers import PreTrainedTokenizerFast
    folder = ROOT / name
    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(3)
    model = config.__class__.__name__.replace("Config", "Model")
    import transformers
    m = getattr(transformers, model)(config).eval()
    with torch.no_grad():
        for p in m.parameters():   # random init is mostly zeros/ones in places: make every weight count
            p.add_(torch.randn_like(p) * 0.05)
    m.save_pretrained(str(folder), safe_serialization=True)
    for f in folder.glob("*.json"):
        if f.name not in ("config.json",):
            f.unlink()
    (folder / "preprocessor_config.json").write_text(json.dumps(preprocessor, indent=1))
    tokenizer(folder)
    tok = PreTrainedTokenizerFast.from_pretrained(str(folder))
    ids = tok(TEXTS, padding="max_length", max_length=CONTEXT, truncation=True, return_tensors="pt").input_ids
    with torch.no_grad():
        img = pooled(m.get_image_features(**pixel_input))
        txt = pooled(m.get_text_features(input_ids=ids))
        logits = m(input_ids=ids, **pixel_input).logits_per_image
    write_io(folder, images, ids, img, txt, logits)
    return m


@register_model
def vit_pico_patch8_siglip_32(pretrained=False, **kwargs):
    args = dict(img_size=32, patch_size=8, embed_dim=48, depth=2, num_heads=2, mlp_ratio=1.5, class_token=False,
                global_pool="map")
    return _create_vision_transformer("vit_pico_patch8_siglip_32", pretrained=pretrained, **dict(args, **kwargs))


def main():
    from transformers import SiglipConfig, Siglip2Config
    from transformers.image_utils import load_image
    torch.manual_seed(0)
    images = torch.randn(3, 3, 32, 32)
    photo = Image.fromarray(np.random.default_rng(1).integers(0, 256, (30, 40, 3), dtype=np.uint8))
    ROOT.mkdir(parents=True, exist_ok=True)
    photo.save(ROOT / "image.png")
    pre = {}

    text = dict(vocab_size=120, hidden_size=48, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                max_position_embeddings=CONTEXT, projection_size=48, bos_token_id=None, eos_token_id=1, pad_token_id=0)
    vision = dict(hidden_size=48, intermediate_size=72, num_hidden_layers=2, num_attention_heads=2, patch_size=8)
    sig_pre = {"image_processor_type": "SiglipImageProcessor", "do_resize": True, "size": {"height": 32, "width": 32},
               "resample": 2, "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
               "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}
    hf_case("siglip-hf", SiglipConfig(text_config=text, vision_config=dict(vision, image_size=32)), images,
            {"pixel_values": images}, sig_pre)
    from transformers import SiglipImageProcessor
    pre["siglip-hf"] = SiglipImageProcessor(**{k: v for k, v in sig_pre.items() if k != "image_processor_type"})(
        photo, return_tensors="pt").pixel_values[0]

    # Siglip2 takes patches flattened row, column, channel, with a mask and each image's grid.
    patches = images.reshape(3, 3, 4, 8, 4, 8).permute(0, 2, 4, 3, 5, 1).reshape(3, 16, 192)
    s2_input = {"pixel_values": patches, "pixel_attention_mask": torch.ones(3, 16, dtype=torch.int32),
                "spatial_shapes": torch.tensor([[4, 4]] * 3)}
    hf_case("siglip2-hf", Siglip2Config(text_config=text, vision_config=dict(vision, num_patches=16)), images, s2_input,
            dict(sig_pre))

    # open_clip with a timm trunk open_clip does not know: its shape is also in the vision_cfg keys jclip reads.
    folder = ROOT / "siglip-openclip"
    cfg = {"embed_dim": 48, "init_logit_bias": -10, "custom_text": True,
           "vision_cfg": {"image_size": 32, "timm_model_name": "vit_pico_patch8_siglip_32", "timm_model_pretrained": False,
                          "timm_pool": "map", "timm_proj": "none", "width": 48, "layers": 2, "head_width": 24,
                          "patch_size": 8, "mlp_ratio": 1.5},
           "text_cfg": {"context_length": CONTEXT, "vocab_size": 120, "hf_tokenizer_name": str(folder),
                        "tokenizer_kwargs": {"clean": "canonicalize"}, "width": 48, "heads": 2, "layers": 2,
                        "mlp_ratio": 1.25, "no_causal_mask": True, "proj_bias": True, "pool_type": "last",
                        "norm_kwargs": {"eps": 1e-6}, "act_kwargs": {"approximate": "tanh"}}}
    tokenizer(folder)
    torch.manual_seed(4)
    model = open_clip.model.CustomTextCLIP(**{k: v for k, v in cfg.items() if k != "custom_text"}).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    sd = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(sd, str(folder / "open_clip_model.safetensors"))
    oc_pre = {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "interpolation": "bicubic", "resize_mode": "squash"}
    cfg["text_cfg"]["hf_tokenizer_name"] = "jclip-test/tiny"
    (folder / "open_clip_config.json").write_text(json.dumps({"model_cfg": cfg, "preprocess_cfg": oc_pre}, indent=1))
    tok = open_clip.tokenizer.HFTokenizer(str(folder), context_length=CONTEXT, clean="canonicalize")
    ids = tok(TEXTS)
    with torch.no_grad():
        img, txt = model.encode_image(images), model.encode_text(ids)
        logits = model.logit_scale.exp() * torch.nn.functional.normalize(img, dim=-1) @ torch.nn.functional.normalize(
            txt, dim=-1).T + model.logit_bias
    write_io(folder, images, ids, img, txt, logits)
    probes = {"probe.image": torch.randn(img.shape), "probe.text": torch.randn(txt.shape)}
    model.zero_grad()
    ((model.encode_image(images) * probes["probe.image"]).sum() + (model.encode_text(ids) * probes["probe.text"]).sum()).backward()
    grads = {k: (p.grad if p.grad is not None else torch.zeros_like(p)).contiguous() for k, p in model.named_parameters()}
    (folder / "grads").mkdir(exist_ok=True)
    save_file(grads, str(folder / "grads/open_clip_model.safetensors"))
    (folder / "grads/open_clip_config.json").write_text((folder / "open_clip_config.json").read_text())
    extra = {k: v for k, v in load_file(str(folder / "io.safetensors")).items()}
    extra.update(probes)
    save_file(extra, str(folder / "io.safetensors"))
    pp = open_clip.transform.image_transform(32, is_train=False, mean=oc_pre["mean"], std=oc_pre["std"],
                                              interpolation="bicubic", resize_mode="squash")
    pre["siglip-openclip"] = pp(photo)
    save_file({k: v.contiguous() for k, v in pre.items()}, str(ROOT / "preprocess.safetensors"))
    total = sum(f.stat().st_size for f in ROOT.rglob("*") if f.is_file())
    print("wrote", ROOT, total, "bytes")


if __name__ == "__main__":
    main()
