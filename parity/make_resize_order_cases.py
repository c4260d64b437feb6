"""Pillow's resize order for very tall images.

Run:  /tmp/peers/venv/bin/python parity/make_resize_order_cases.py
Writes jclip-core/src/test/resources/parity/resize-order/: random RGB and RGBA images 12x1300 (over
100 times taller than wide) and Pillow 12's bicubic resize of each to 11x1200. Pillow's
Image.resize shrinks such an image in two calls, height first, which rounds differently from its
usual width-first single call (the RGB case differs by up to 17/255 between the two orders).
"""
import os

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "jclip-core/src/test/resources/parity/resize-order")


def main():
    rng = np.random.default_rng(7)
    os.makedirs(OUT, exist_ok=True)
    for mode, bands in (("RGB", 3), ("RGBA", 4)):
        name = "tall_" + mode.lower() + "_12x1300"
        image = Image.fromarray(rng.integers(0, 256, (1300, 12, bands), dtype=np.uint8), mode)
        image.save(os.path.join(OUT, name + ".png"))
        image.resize((11, 1200), Image.BICUBIC).save(os.path.join(OUT, name + "_resized_11x1200.png"))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
