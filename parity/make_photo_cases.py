"""Camera-shaped JPEGs and open_clip's crop of them, for PhotoParityTest.

    /tmp/peers/venv/bin/python parity/make_photo_cases.py

Writes jclip-core/src/test/resources/parity/photos/: NAME.jpg (Pillow 12.3 / libjpeg-turbo 3.1.4
encoding of a synthesized photo-like image at an odd size: 4:2:0, 4:2:2 progressive, 4:4:4 with
restart markers, gray, 4:2:0 progressive with restart rows) and cases.json with, for each file and
size, what open_clip 3.3's evaluation transform (Resize(size, bicubic) + CenterCrop(size) on the
Pillow image) gives before ToTensor: the mode and the SHA-256 of its samples, and for size 64 the
samples themselves (NAME-64.raw), so a mismatch can be located.
"""

import hashlib
import json
import pathlib

import numpy as np
import open_clip
from PIL import Image, ImageFilter

OUT = pathlib.Path(__file__).resolve().parent.parent / "jclip-core/src/test/resources/parity/photos"
SIZES = [224, 64]


def photo(rng, w, h, gray):
    small = rng.normal(0, 1, (h // 16 + 2, w // 16 + 2, 3)).cumsum(0).cumsum(1)
    small = (small - small.mean()) / (small.std() + 1e-9)
    img = Image.fromarray(np.clip(128 + 45 * small, 0, 255).astype(np.uint8), "RGB").resize((w, h), Image.BICUBIC)
    arr = np.asarray(img.filter(ImageFilter.GaussianBlur(1.0)), dtype=np.float32)
    yy, xx = np.mgrid[0:h, 0:w]
    arr += 40 * ((xx // 97 + yy // 61) % 2)[..., None]
    arr += rng.normal(0, 2, arr.shape)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    return img.convert("L") if gray else img


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(14)
    variants = [
        ("p420_1203x805", 1203, 805, False, dict(quality=90, subsampling=2)),
        ("p422_prog_805x1203", 805, 1203, False, dict(quality=88, subsampling=1, progressive=True)),
        ("p444_restart_1001x667", 1001, 667, False, dict(quality=92, subsampling=0, restart_marker_blocks=7)),
        ("gray_999x1333", 999, 1333, True, dict(quality=90)),
        ("p420_prog_restart_1517x203", 1517, 203, False,
         dict(quality=85, subsampling=2, progressive=True, restart_marker_rows=1)),
    ]
    cases = []
    for name, w, h, gray, opts in variants:
        path = OUT / f"{name}.jpg"
        photo(rng, w, h, gray).save(path, **opts)
        for size in SIZES:
            transform = open_clip.image_transform(size, is_train=False)
            # Resize and CenterCrop, before _convert_to_rgb / ToTensor / Normalize.
            crop = transform.transforms[1](transform.transforms[0](Image.open(path)))
            samples = np.asarray(crop).tobytes()
            case = dict(file=path.name, size=size, mode=crop.mode, width=crop.width, height=crop.height,
                        sha256=hashlib.sha256(samples).hexdigest())
            if size == 64:
                (OUT / f"{name}-64.raw").write_bytes(samples)
                case["raw"] = f"{name}-64.raw"
            cases.append(case)
        print(name, path.stat().st_size, "bytes")
    (OUT / "cases.json").write_text(json.dumps(cases, indent=1) + "\n")


if __name__ == "__main__":
    main()
