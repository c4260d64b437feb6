"""A folder of camera-size test photos for `jclip bench embed` and embed_folder_open_clip.py.

    /tmp/peers/venv/bin/python jclip-bench/peers/make_photos.py OUT_DIR [--count 96] [--seed 0]

No real photos ship with the machine, so the images are synthesized to look and compress like
photos: a 1/f ("pink") colour field (the power spectrum of natural images), a few soft-edged
shapes with hard boundaries, a sky-like vertical gradient, fine sensor grain, at camera and
wallpaper sizes from 0.3 to 12 MP in landscape and portrait. Four in five are JPEGs written as
cameras and editors write them (quality 85-95; mostly 4:2:0, some 4:2:2 and 4:4:4; some
progressive, some with restart markers), the rest are 8-bit RGB PNGs. Deterministic for a seed.
"""

import argparse
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SIZES = [(640, 480), (800, 600), (1024, 768), (1280, 960), (1600, 1200), (1920, 1080), (2048, 1536),
         (2560, 1440), (2592, 1944), (3000, 2000), (3264, 2448), (4000, 3000)]


def pink_field(rng, w, h, alpha=2.0):
    """Three channels of 1/f^(alpha/2)-amplitude noise at a quarter size, scaled up (smooth, photo-like)."""
    sw, sh = max(w // 4, 16), max(h // 4, 16)
    fy = np.fft.fftfreq(sh)[:, None]
    fx = np.fft.rfftfreq(sw)[None, :]
    f = np.sqrt(fx * fx + fy * fy)
    f[0, 0] = 1.0
    amp = f ** (-alpha / 2)
    amp[0, 0] = 0.0
    chans = []
    base = None
    for c in range(3):
        phase = rng.uniform(0, 2 * np.pi, amp.shape)
        field = np.fft.irfft2(amp * np.exp(1j * phase), s=(sh, sw))
        field = (field - field.mean()) / (field.std() + 1e-9)
        # Channels correlate strongly in real photos: mostly a shared luminance field.
        base = field if base is None else base
        chans.append(0.75 * base + 0.25 * field if c else field)
    small = np.stack(chans, axis=-1)
    tint = rng.uniform(60, 190, 3)
    spread = rng.uniform(25, 55)
    img = np.clip(tint + spread * small, 0, 255).astype(np.uint8)
    return Image.fromarray(img, "RGB").resize((w, h), Image.BICUBIC)


def photo(rng, w, h):
    img = pink_field(rng, w, h)
    # A sky-like gradient over the top part.
    sky = np.linspace(1.0, 0.0, h)[:, None, None] ** 2 * rng.uniform(0.2, 0.6)
    colour = rng.uniform(120, 230, 3)
    arr = np.asarray(img, dtype=np.float32)
    arr = arr * (1 - sky) + colour * sky
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(rng.integers(3, 9)):
        x0, y0 = rng.integers(0, w), rng.integers(0, h)
        x1, y1 = x0 + rng.integers(w // 10, w // 2), y0 + rng.integers(h // 10, h // 2)
        fill = tuple(int(v) for v in rng.integers(20, 240, 3))
        if rng.random() < 0.5:
            draw.ellipse([x0, y0, x1, y1], fill=fill)
        else:
            draw.rectangle([x0, y0, x1, y1], fill=fill)
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.5)))
    grain = rng.normal(0, rng.uniform(2, 6), (h, w, 1)).astype(np.float32)
    arr = np.asarray(img, dtype=np.float32) + grain
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=96)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    total = 0
    for i in range(args.count):
        w, h = SIZES[i % len(SIZES)]
        if rng.random() < 0.3:
            w, h = h, w
        img = photo(rng, w, h)
        if i % 5 == 4:
            path = os.path.join(args.out, f"photo{i:03d}.png")
            img.save(path, compress_level=6)
        else:
            path = os.path.join(args.out, f"photo{i:03d}.jpg")
            kind = rng.random()
            opts = dict(quality=int(rng.integers(85, 96)), subsampling=0 if kind < 0.1 else 1 if kind < 0.25 else 2)
            if rng.random() < 0.2:
                opts["progressive"] = True
            elif rng.random() < 0.15:
                opts["restart_marker_rows"] = 1
            img.save(path, **opts)
        total += w * h
        print(f"{path} {w}x{h}", flush=True)
    print(f"{args.count} images, {total / 1e6 / args.count:.2f} MP on average")


if __name__ == "__main__":
    main()
