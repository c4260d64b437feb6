"""Reference outputs of open_clip's and transformers' image preprocessing, for jclip's PreprocessConfig.

Run from the project root (needs PyTorch, torchvision, open_clip 3.3, transformers 5, Pillow, safetensors):

    /tmp/peers/venv/bin/python parity/make_preprocess_cases.py

Writes jclip-core/src/test/resources/parity/preprocess/:
  - a few small PNG images (RGB, RGBA, L, P; smaller and larger than the targets, wide and tall, odd sizes);
  - expected.safetensors.gz: the float32 [3, H, W] tensor each library gives for each (config, image) case
    (gzipped: 0.6 MB instead of 1.85 MB, two 224 x 224 cases being most of it);
  - cases.json: the configs, exactly as the Java parsers read them (the `preprocess_cfg` object of an open_clip
    hub config, or a transformers preprocessor_config.json), the images and the cases.

open_clip's transform is image_transform_v2(PreprocessCfg(**merge_preprocess_dict(PreprocessCfg(), cfg)),
is_train=False), as create_model_and_transforms builds it. transformers' is what AutoImageProcessor.from_pretrained
gives for the config written to a folder: in transformers 5 that is CLIPImageProcessor, the torchvision backend
(RGB conversion first, then torch's uint8 antialiased resize, not Pillow's).
"""
import gzip
import json
import os
import tempfile

import numpy as np
import open_clip
import PIL
import torch
import torchvision
import transformers
from open_clip.transform import PreprocessCfg, image_transform_v2, merge_preprocess_dict
from PIL import Image
from safetensors.torch import save
from transformers import AutoImageProcessor

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "jclip-core", "src", "test", "resources",
                   "parity", "preprocess")

SIGLIP = {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}

# name -> the config as the parser reads it; each runs on every small image (the 224 cases: see LARGE).
OPEN_CLIP = {
    "openai-40": {"size": 40},
    "openai-224": {"size": 224, "mode": "RGB"},
    "bilinear-36": {"size": 36, "interpolation": "bilinear", "resize_mode": "shortest"},
    "longest-fill0-32": {"size": 32, "resize_mode": "longest", "fill_color": 0},
    "longest-grey-32": {"size": 32, "resize_mode": "longest", "fill_color": 128, "interpolation": "bilinear"},
    "squash-siglip-28": {"size": 28, "resize_mode": "squash", "interpolation": "bicubic", **SIGLIP},
    # open_clip resizes non-square "shortest" targets with ResizeKeepRatio, always bicubic.
    "shortest-24x40-bilinear": {"size": [24, 40], "interpolation": "bilinear"},
    "longest-40x24": {"size": [40, 24], "resize_mode": "longest", "fill_color": 200},
    "squash-20x34": {"size": [20, 34], "resize_mode": "squash", "interpolation": "bilinear"},
}

# openai/clip-vit-base-patch32's preprocessor_config.json, written out by hand.
CLIP_VIT_B32 = {
    "crop_size": 224,
    "do_center_crop": True,
    "do_normalize": True,
    "do_resize": True,
    "feature_extractor_type": "CLIPFeatureExtractor",
    "image_mean": [0.48145466, 0.4578275, 0.40821073],
    "image_std": [0.26862954, 0.26130258, 0.27577711],
    "resample": 3,
    "size": 224,
}

TRANSFORMERS = {
    "hf-clip-vit-base-patch32": CLIP_VIT_B32,
    # Shortest edge 40 then a 32 crop: a 97-wide image resizes to 63, and the crop offset int(31 / 2) = 15
    # differs from torchvision's round(15.5) = 16.
    "hf-shortest40-crop32": {**CLIP_VIT_B32, "size": {"shortest_edge": 40}, "crop_size": {"height": 32, "width": 32}},
    "hf-hw-bilinear-nocrop": {
        "image_processor_type": "CLIPImageProcessor", "do_resize": True, "size": {"height": 30, "width": 44},
        "resample": 2, "do_center_crop": False, "do_rescale": True, "rescale_factor": 0.00392156862745098,
        "do_normalize": True, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5], "do_convert_rgb": True},
    # The crop is larger than the resized image: padded with 0 first.
    "hf-crop-pads": {**CLIP_VIT_B32, "size": {"shortest_edge": 26}, "crop_size": {"height": 34, "width": 30}},
    "hf-noresize-crop": {**CLIP_VIT_B32, "do_resize": False, "crop_size": {"height": 36, "width": 28}},
    "hf-shortest-nocrop-norescale": {**CLIP_VIT_B32, "size": {"shortest_edge": 20}, "do_center_crop": False,
                                     "do_rescale": False, "do_normalize": False},
}

# The image each 224 case runs on (keeps the fixtures small).
LARGE = {"openai-224": "gray_50x77.png", "hf-clip-vit-base-patch32": "rgb_301x225.png"}


def make_images(rng):
    """name -> PIL image. Noise, so that every resampling weight matters; smooth for the large one."""
    images = {}
    images["rgb_97x61.png"] = Image.fromarray(rng.integers(0, 256, (61, 97, 3), dtype=np.uint8), "RGB")
    rgba = rng.integers(0, 256, (41, 23, 4), dtype=np.uint8)
    rgba[::5, :, 3] = 0
    rgba[1::5, :, 3] = 255
    images["rgba_23x41.png"] = Image.fromarray(rgba, "RGBA")
    images["gray_50x77.png"] = Image.fromarray(rng.integers(0, 256, (77, 50), dtype=np.uint8), "L")
    # A short palette (40 entries) with every index inside it; a fill of 128 lies beyond it.
    palette = rng.integers(0, 256, 40 * 3, dtype=np.uint8).tolist()
    p = Image.fromarray(rng.integers(0, 40, (29, 71), dtype=np.uint8), "P")
    p.putpalette(palette)
    images["palette_71x29.png"] = p
    y, x = np.mgrid[0:225, 0:301]
    smooth = np.stack([128 + 100 * np.sin(x / 7.0) * np.cos(y / 11.0), (x * 255) // 300, (x * y) % 256], axis=-1)
    smooth = smooth + rng.integers(-8, 9, smooth.shape)
    images["rgb_301x225.png"] = Image.fromarray(np.clip(smooth, 0, 255).astype(np.uint8), "RGB")
    return images


def open_clip_transform(cfg):
    return image_transform_v2(PreprocessCfg(**merge_preprocess_dict(PreprocessCfg(), cfg)), is_train=False)


def transformers_processor(cfg):
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "preprocessor_config.json"), "w") as f:
            json.dump(cfg, f)
        processor = AutoImageProcessor.from_pretrained(folder)
    assert type(processor).__name__ == "CLIPImageProcessor", type(processor)
    assert processor.backend == "torchvision", processor.backend
    return lambda image: processor(images=image, return_tensors="pt")["pixel_values"][0]


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261204)
    images = make_images(rng)
    for name, image in images.items():
        image.save(os.path.join(OUT, name))
    small = [name for name in images if name != "rgb_301x225.png"]

    configs, cases, tensors = [], [], {}
    runners = [("open_clip", cfg, name, open_clip_transform(cfg)) for name, cfg in OPEN_CLIP.items()]
    runners += [("transformers", cfg, name, transformers_processor(cfg)) for name, cfg in TRANSFORMERS.items()]
    for library, cfg, name, run in runners:
        configs.append({"name": name, "library": library, "config": cfg})
        for image_name in [LARGE[name]] if name in LARGE else small:
            # As the libraries are used: the image file opened with Pillow.
            with Image.open(os.path.join(OUT, image_name)) as image:
                image.load()
                out = run(image).to(torch.float32).contiguous()
            key = f"{name}/{image_name}"
            tensors[key] = out
            cases.append({"config": name, "image": image_name, "tensor": key, "shape": list(out.shape)})

    raw = save(tensors)
    with open(os.path.join(OUT, "expected.safetensors.gz"), "wb") as f:
        f.write(gzip.compress(raw, compresslevel=9, mtime=0))
    meta = {
        "generator": "parity/make_preprocess_cases.py",
        "versions": {"open_clip": open_clip.__version__, "transformers": transformers.__version__,
                     "torch": torch.__version__, "torchvision": torchvision.__version__, "Pillow": PIL.__version__},
        "images": [{"file": n, "mode": images[n].mode, "width": images[n].width, "height": images[n].height}
                   for n in images],
        "configs": configs,
        "cases": cases,
    }
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases, {sum(t.numel() for t in tensors.values()) * 4 / 1e6:.2f} MB of tensors")


if __name__ == "__main__":
    main()
