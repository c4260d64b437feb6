"""End-to-end parity: image files and raw captions through open_clip 3.3, as a user runs it.

Run:  /tmp/peers/venv/bin/python parity/make_end_to_end_cases.py
Writes jclip-core/src/test/resources/parity/end-to-end/cases.json.

The model is open_clip's ViT-B-32 config (exact GELU) shrunk as in make_config_cases.py, with the
same name-derived weights. Images are real photographs and generated pictures already kept in the
test resources (JPEG progressive and baseline, lossy WebP, PNG), each opened with Pillow and run
through open_clip's evaluation transform (`image_transform(224, is_train=False)`); captions are raw
strings, mojibake and HTML entities included, run through open_clip's tokenizer (ftfy, BPE). Stored:
the unit-length embeddings open_clip's encode_image / encode_text give.
"""
import json
import os

import open_clip
import torch
from PIL import Image

from make_config_cases import CONFIGS, f32, fill_model, shrink

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESOURCES = os.path.join(ROOT, "jclip-core/src/test/resources")
OUT = os.path.join(RESOURCES, "parity/end-to-end/cases.json")
IMAGES = ["parity/jpeg/photo_f3_prog_crop.jpg", "parity/jpeg/photo_verify_crop.jpg", "parity/jpeg/photo_stripe.jpg",
          "parity/webp/lossy_photo_160x120.webp", "parity/preprocess/rgba_23x41.png"]
CAPTIONS = [
    "a photo of a cat sitting on a red sofa",
    "cafÃ© au lait on a wooden table",                       # UTF-8 read as Windows-1252
    "The â€œbestâ€\x9d pizza in town",                        # curly quotes, mojibake
    "fish &amp; chips &lt;3",                                 # HTML entities
    "Ｆｕｌｌ-width ＣＡＰＳ and ﬁne ligatures",
    "Straße in München bei Nacht",
    "東京の夜景 🌃",
]


def main():
    cfg = shrink(json.load(open(os.path.join(CONFIGS, "ViT-B-32.json"))))
    model = open_clip.model.CLIP(**cfg).eval()
    fill_model(model)
    transform = open_clip.image_transform(224, is_train=False)
    tokenizer = open_clip.get_tokenizer("ViT-B-32")
    with torch.no_grad():
        pixels = torch.stack([transform(Image.open(os.path.join(RESOURCES, f))) for f in IMAGES])
        images = model.encode_image(pixels, normalize=True)
        texts = model.encode_text(tokenizer(CAPTIONS), normalize=True)
    out = {"generator": "parity/make_end_to_end_cases.py", "open_clip": open_clip.__version__, "model_cfg": cfg,
           "tensors": {k: list(t.shape) for k, t in model.state_dict().items()},
           "images": IMAGES, "image_embeddings": [[f32(x) for x in row] for row in images.numpy()],
           "captions": CAPTIONS, "token_ids": tokenizer(CAPTIONS).tolist(),
           "text_embeddings": [[f32(x) for x in row] for row in texts.numpy()]}
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"), ensure_ascii=False)
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
