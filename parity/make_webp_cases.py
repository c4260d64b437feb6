"""WebP parity cases: small WebP files and what Pillow decodes from each.

Run from the repository root:

    /tmp/peers/venv/bin/python parity/make_webp_cases.py

(Pillow 12.3 with libwebp 1.6.0; the encoder options Pillow does not expose, such
as the simple loop filter, sharpness, segments, token partitions or uncompressed
alpha, are set by calling the libwebp that Pillow bundles through ctypes.) Writes jclip-core/src/test/resources/parity/webp/:
one ``<name>.webp`` per case, ``<name>.raw.gz`` with the gzipped bytes of
``Image.open(f).load()`` (``tobytes()``: interleaved RGB or RGBA rows), and
``cases.tsv`` with ``name mode width height`` per case, mode ``ERROR`` when Pillow
refuses the file (corrupt or truncated input). Images are synthetic but natural-
looking (smooth colour fields, hard-edged shapes, grain), so the encoder uses
every prediction mode. Files Pillow cannot write (uncompressed or explicitly
filtered alpha, animation frames offset on a larger canvas) are assembled here
from chunks of files Pillow wrote.
"""

import ctypes
import glob
import gzip
import io
import os
import struct

import numpy as np
import PIL
from PIL import Image, ImageDraw, features

OUT = os.path.join("jclip-core", "src", "test", "resources", "parity", "webp")


def natural(w, h, seed):
    """A smooth random colour field with shapes and grain, RGB."""
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, (max(2, h // 8), max(2, w // 8), 3), dtype=np.uint8)
    im = Image.fromarray(coarse, "RGB").resize((w, h), Image.BICUBIC)
    draw = ImageDraw.Draw(im)
    for _ in range(max(1, w * h // 400)):
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        x1, y1 = x0 + int(rng.integers(1, w // 2 + 2)), y0 + int(rng.integers(1, h // 2 + 2))
        color = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.integers(0, 2):
            draw.ellipse((x0, y0, x1, y1), fill=color)
        else:
            draw.line((x0, y0, x1, y1), fill=color, width=int(rng.integers(1, 4)))
    a = np.asarray(im).astype(np.int16) + rng.normal(0, 6, (h, w, 3)).astype(np.int16)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")


def alpha_plane(w, h, seed):
    """A mask with a soft radial edge, a fully transparent and a fully opaque region."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    r = np.hypot((x - w * 0.45) / max(w, 1), (y - h * 0.55) / max(h, 1))
    a = np.clip(320 - r * 900, 0, 255)
    a[: h // 4, : w // 3] = 0
    a[-(h // 5 or 1):, -(w // 4 or 1):] = 255
    a = a + rng.normal(0, 3, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def rgba(w, h, seed):
    im = natural(w, h, seed).convert("RGBA")
    im.putalpha(alpha_plane(w, h, seed + 1))
    return im


def encode(im, **options):
    buf = io.BytesIO()
    im.save(buf, "WEBP", **options)
    return buf.getvalue()


_LIBWEBP = ctypes.CDLL(glob.glob(os.path.join(os.path.dirname(PIL.__file__), "..", "pillow.libs", "libwebp-*.so*"))[0])
_ABI = 0x0210  # WEBP_ENCODER_ABI_VERSION of libwebp 1.5 and 1.6


class _Config(ctypes.Structure):  # WebPConfig
    _fields_ = [(n, ctypes.c_float if n in ("quality", "target_PSNR") else ctypes.c_int) for n in (
        "lossless quality method image_hint target_size target_PSNR segments sns_strength filter_strength "
        "filter_sharpness filter_type autofilter alpha_compression alpha_filtering alpha_quality pass "
        "show_compressed preprocessing partitions partition_limit emulate_jpeg_size thread_level low_memory "
        "near_lossless exact use_delta_palette use_sharp_yuv qmin qmax").split()]


_P = ctypes.c_void_p
_I = ctypes.c_int


class _Picture(ctypes.Structure):  # WebPPicture
    _fields_ = [("use_argb", _I), ("colorspace", _I), ("width", _I), ("height", _I), ("y", _P), ("u", _P),
                ("v", _P), ("y_stride", _I), ("uv_stride", _I), ("a", _P), ("a_stride", _I),
                ("pad1", ctypes.c_uint32 * 2), ("argb", _P), ("argb_stride", _I), ("pad2", ctypes.c_uint32 * 3),
                ("writer", _P), ("custom_ptr", _P), ("extra_info_type", _I), ("extra_info", _P), ("stats", _P),
                ("error_code", _I), ("progress_hook", _P), ("user_data", _P), ("pad3", ctypes.c_uint32 * 3),
                ("pad4", _P), ("pad5", _P), ("pad6", ctypes.c_uint32 * 8), ("memory_", _P), ("memory_argb_", _P),
                ("pad7", _P * 2)]


class _Writer(ctypes.Structure):  # WebPMemoryWriter
    _fields_ = [("mem", _P), ("size", ctypes.c_size_t), ("max_size", ctypes.c_size_t), ("pad", ctypes.c_uint32)]


def libwebp_encode(im, quality=75, **options):
    """The file libwebp's WebPEncode writes for ``im`` (RGB or RGBA) with these WebPConfig fields set."""
    lib = _LIBWEBP
    cfg = _Config()
    assert lib.WebPConfigInitInternal(ctypes.byref(cfg), 0, ctypes.c_float(quality), _ABI)
    for key, value in options.items():
        setattr(cfg, key, value)
    assert lib.WebPValidateConfig(ctypes.byref(cfg)), options
    pic = _Picture()
    assert lib.WebPPictureInitInternal(ctypes.byref(pic), _ABI)
    pic.width, pic.height = im.size
    pixels = np.ascontiguousarray(np.asarray(im))
    importer = lib.WebPPictureImportRGBA if im.mode == "RGBA" else lib.WebPPictureImportRGB
    assert importer(ctypes.byref(pic), pixels.ctypes.data_as(_P), im.size[0] * len(im.mode))
    writer = _Writer()
    lib.WebPMemoryWriterInit(ctypes.byref(writer))
    pic.writer = ctypes.cast(lib.WebPMemoryWrite, _P)
    pic.custom_ptr = ctypes.cast(ctypes.pointer(writer), _P)
    assert lib.WebPEncode(ctypes.byref(cfg), ctypes.byref(pic)), pic.error_code
    out = ctypes.string_at(writer.mem, writer.size)
    lib.WebPMemoryWriterClear(ctypes.byref(writer))
    lib.WebPPictureFree(ctypes.byref(pic))
    return out


def chunks(data):
    """The (fourcc, payload) chunks of a RIFF WebP file."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    out, pos = [], 12
    while pos + 8 <= len(data):
        tag, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        out.append((tag, data[pos + 8:pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return out


def chunk(tag, payload):
    return tag + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) & 1 else b"")


def riff(*parts):
    body = b"WEBP" + b"".join(parts)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def vp8x(flags, w, h):
    return chunk(b"VP8X", bytes([flags, 0, 0, 0]) + (w - 1).to_bytes(3, "little") + (h - 1).to_bytes(3, "little"))


ALPHA_FLAG, ANIMATION_FLAG = 0x10, 0x02


def filter_alpha(a, method):
    """The encoder side of the ALPH filters (0 none, 1 horizontal, 2 vertical, 3 gradient)."""
    a = a.astype(np.int32)
    h, w = a.shape
    pred = np.zeros_like(a)
    pred[0, 1:] = a[0, :-1]  # first row: predicted from the left (0 for the first pixel)
    if method == 0:
        return a.astype(np.uint8)
    pred[1:, 0] = a[:-1, 0]  # first column: predicted from above
    if method == 1:
        pred[1:, 1:] = a[1:, :-1]
    elif method == 2:
        pred[1:, 1:] = a[:-1, 1:]
    else:
        pred[1:, 1:] = np.clip(a[1:, :-1] + a[:-1, 1:] - a[:-1, :-1], 0, 255)
    return ((a - pred) & 0xFF).astype(np.uint8)


def lossless_stream(a):
    """A VP8L image stream (no 5-byte header) carrying plane ``a`` in green, as ALPH method 1 holds it."""
    h, w = a.shape
    g = Image.fromarray(np.stack([np.zeros_like(a), a, np.zeros_like(a)], -1), "RGB")
    vp8l = dict(chunks(encode(g, lossless=True, quality=100)))[b"VP8L"]
    return vp8l[5:]


def with_alpha(rgb_im, a, method, filt, preprocessing=0):
    """A VP8X file: ALPH (given compression method and filter) + the lossy VP8 chunk of ``rgb_im``."""
    w, h = rgb_im.size
    vp8 = dict(chunks(encode(rgb_im, quality=70)))[b"VP8 "]
    filtered = filter_alpha(np.asarray(a), filt)
    payload = filtered.tobytes() if method == 0 else lossless_stream(filtered)
    header = bytes([method | filt << 2 | preprocessing << 4])
    return riff(vp8x(ALPHA_FLAG, w, h), chunk(b"ALPH", header + payload), chunk(b"VP8 ", vp8))


def anmf(x, y, w, h, frame_chunks, blend=True):
    head = (x // 2).to_bytes(3, "little") + (y // 2).to_bytes(3, "little")
    head += (w - 1).to_bytes(3, "little") + (h - 1).to_bytes(3, "little")
    head += (100).to_bytes(3, "little") + bytes([0 if blend else 2])
    return chunk(b"ANMF", head + b"".join(chunk(t, p) for t, p in frame_chunks))


def offset_animation(canvas, frame_im, xy, flags, lossless=False):
    """An animation whose first frame covers part of the canvas, with an opaque red background colour."""
    body = [(t, p) for t, p in chunks(encode(frame_im, lossless=lossless, quality=80)) if t in (b"ALPH", b"VP8 ", b"VP8L")]
    anim = chunk(b"ANIM", bytes([0, 0, 255, 255]) + struct.pack("<H", 0))  # BGRA background, loop
    second = [(t, p) for t, p in chunks(encode(natural(*canvas, 99), quality=50)) if t == b"VP8 "]
    return riff(vp8x(flags | ANIMATION_FLAG, *canvas), anim,
                anmf(xy[0], xy[1], *frame_im.size, body),
                anmf(0, 0, *canvas, second))


def cases():
    c = {}
    photo = natural(64, 48, 1)
    for q, m in [(5, 4), (50, 0), (75, 6), (90, 4), (100, 6), (80, 2)]:
        c[f"lossy_q{q}_m{m}"] = encode(photo, quality=q, method=m)
    for w, h in [(1, 1), (17, 9), (33, 47), (2, 3)]:
        c[f"lossy_{w}x{h}"] = encode(natural(w, h, w * 100 + h), quality=80)
    c["lossy_photo_160x120"] = encode(natural(160, 120, 7), quality=85, method=4)
    c["lossy_flat_gray"] = encode(Image.new("RGB", (40, 24), (128, 128, 128)), quality=60)
    c["lossy_from_L"] = encode(natural(30, 20, 3).convert("L"), quality=70)

    c["libwebp_simple_filter"] = libwebp_encode(photo, filter_type=0, filter_strength=60)
    c["libwebp_simple_sharp5_33x47"] = libwebp_encode(natural(33, 47, 13), 40, filter_type=0, filter_strength=90,
                                                      filter_sharpness=5)
    c["libwebp_strong_sharp3"] = libwebp_encode(photo, 30, filter_strength=80, filter_sharpness=3)
    c["libwebp_one_segment"] = libwebp_encode(natural(50, 40, 14), 60, segments=1, sns_strength=0)
    c["libwebp_no_filter"] = libwebp_encode(photo, 70, filter_strength=0)
    c["libwebp_q0"] = libwebp_encode(natural(80, 64, 15), 0, method=6)
    # 2, 4 and 8 token partitions, used by macroblock rows in turn (libwebp writes one when it
    # keeps tokens for rate-distortion, from method 3 on unless low_memory is set)
    for log2, more in [(1, dict(method=2)), (2, dict(low_memory=1)), (3, dict(method=0))]:
        c[f"libwebp_partitions{1 << log2}"] = libwebp_encode(natural(70, 90, 18 + log2), 80, partitions=log2, **more)
    c["libwebp_alpha_uncompressed"] = libwebp_encode(rgba(30, 22, 16), 70, alpha_compression=0)
    c["libwebp_alpha_best_filter"] = libwebp_encode(rgba(30, 22, 17), 70, alpha_filtering=2)

    c["lossless_64x48"] = encode(photo, lossless=True)
    c["lossless_m0_q0"] = encode(photo, lossless=True, quality=0, method=0)
    c["lossless_m6_q100"] = encode(natural(45, 37, 4), lossless=True, quality=100, method=6)
    for w, h in [(1, 1), (17, 9), (33, 47)]:
        c[f"lossless_{w}x{h}"] = encode(natural(w, h, w * 7 + h), lossless=True)
    for colors in [2, 3, 11, 40]:  # palettes packing 8, 4, 2 and 1 pixels per byte
        pal = natural(37, 21, colors).quantize(colors).convert("RGB")
        c[f"lossless_palette{colors}"] = encode(pal, lossless=True)
    c["lossless_rgba"] = encode(rgba(40, 30, 5), lossless=True)
    c["lossless_rgba_exact"] = encode(rgba(40, 30, 5), lossless=True, exact=True)
    c["lossless_rgba_m6"] = encode(rgba(23, 31, 6), lossless=True, method=6, quality=90)

    c["lossy_alpha_q100"] = encode(rgba(40, 30, 8), quality=80, alpha_quality=100)
    c["lossy_alpha_q30_m6"] = encode(rgba(41, 29, 9), quality=60, alpha_quality=30, method=6)
    c["lossy_alpha_m0"] = encode(rgba(33, 17, 10), quality=90, method=0)
    base, a = natural(35, 27, 11), alpha_plane(35, 27, 12)
    for method in (0, 1):
        for filt in range(4):
            c[f"alpha_c{method}_f{filt}"] = with_alpha(base, a, method, filt)
    c["alpha_preprocessed_flag"] = with_alpha(base, a, 1, 3, preprocessing=1)

    frames = [natural(48, 32, 20), natural(48, 32, 21)]
    c["anim_lossy"] = _save_all(frames, quality=70)
    c["anim_lossless_rgba"] = _save_all([rgba(48, 32, 30), rgba(48, 32, 31)], lossless=True)
    c["anim_offset_alpha"] = offset_animation((40, 30), natural(20, 14, 22), (4, 6), ALPHA_FLAG)
    c["anim_offset_noalpha"] = offset_animation((40, 30), natural(21, 13, 23), (10, 2), 0)
    c["anim_offset_lossy_rgba"] = offset_animation((40, 30), rgba(18, 10, 25), (12, 8), ALPHA_FLAG)
    c["anim_offset_lossless_rgba"] = offset_animation((40, 30), rgba(16, 12, 24), (2, 16), ALPHA_FLAG, lossless=True)

    good = c["lossy_q75_m6"]
    c["bad_truncated_half"] = good[: len(good) // 2]
    c["bad_truncated_header"] = good[:20]
    c["bad_lossless_truncated"] = c["lossless_64x48"][: len(c["lossless_64x48"]) * 2 // 3]
    bad = bytearray(good)
    bad[23:26] = b"\0\0\0"  # the VP8 start code
    c["bad_vp8_signature"] = bytes(bad)
    bad = bytearray(c["lossless_64x48"])
    bad[20] = 0x2E  # the VP8L signature byte
    c["bad_vp8l_signature"] = bytes(bad)
    # Container variants: what libwebp's demuxer accepts, ignores or refuses.
    lossy = chunks(encode(natural(24, 16, 26), quality=80))
    alpha_lossy = chunks(c["lossy_alpha_q100"])
    c["container_exif_after_image"] = riff(*[chunk(t, p) for t, p in alpha_lossy], chunk(b"EXIF", b"Exif\0\0abc"))
    c["container_trailing_bytes"] = c["lossy_17x9"] + b"garbage after the RIFF chunk"
    c["container_vp8x_no_alpha_flag_with_alph"] = riff(*[chunk(t, p[:1] + bytes([0]) + p[2:] if t == b"VP8X" else p) for t, p in alpha_lossy])
    c["container_vp8x_alpha_flag_no_alph"] = riff(vp8x(ALPHA_FLAG, 24, 16), *[chunk(t, p) for t, p in lossy])
    lossless_alpha = [(t, p) for t, p in chunks(c["lossless_rgba"]) if t == b"VP8L"]  # alpha bit set
    lossless_opaque = [(t, p) for t, p in chunks(c["lossless_17x9"]) if t == b"VP8L"]  # alpha bit clear
    c["container_vp8x_no_flag_vp8l_alpha_bit"] = riff(vp8x(0, 40, 30), *[chunk(t, p) for t, p in lossless_alpha])
    c["container_vp8x_flag_vp8l_no_alpha_bit"] = riff(vp8x(ALPHA_FLAG, 17, 9), *[chunk(t, p) for t, p in lossless_opaque])
    c["bad_vp8x_unknown_flag"] = riff(vp8x(0x01, 24, 16), *[chunk(t, p) for t, p in lossy])
    c["bad_vp8x_canvas_mismatch"] = riff(vp8x(0, 25, 16), *[chunk(t, p) for t, p in lossy])
    c["bad_two_images"] = riff(vp8x(0, 24, 16), *[chunk(t, p) for t, p in lossy + lossy])
    c["bad_anmf_outside_canvas"] = offset_animation((40, 30), natural(20, 14, 27), (22, 6), 0)
    frame = [(t, p) for t, p in lossy]
    anim = chunk(b"ANIM", bytes(6))
    c["anmf_header_size_differs"] = riff(vp8x(ANIMATION_FLAG, 40, 30), anim, anmf(2, 4, 30, 20, frame))
    c["bad_anmf_without_anim"] = riff(vp8x(ANIMATION_FLAG, 40, 30), anmf(2, 4, 24, 16, frame))

    # Damaged bitstreams in intact containers: libwebp decodes some (garbage, which must match) and refuses others.
    for name, src in [("vp8", c["lossy_q90_m4"]), ("vp8l", c["lossless_64x48"])]:
        for cut in (1, 2, 3, 4, 6, 10, 40):
            c[f"damaged_{name}_short{cut}"] = resized_image_chunk(src, -cut)
        for seed in range(3):
            c[f"damaged_{name}_flipped{seed}"] = flipped(src, seed)
    c["damaged_alph_short"] = riff(*[chunk(t, p[:-5] if t == b"ALPH" else p) for t, p in chunks(c["alpha_c1_f3"])])
    return c


def resized_image_chunk(data, delta):
    """The file with its image chunk shortened by ``-delta`` bytes, sizes fixed up."""
    return riff(*[chunk(t, p[:delta] if t in (b"VP8 ", b"VP8L") else p) for t, p in chunks(data)])


def flipped(data, seed):
    """The file with a few bytes of the image bitstream (past its headers) inverted."""
    rng = np.random.default_rng(seed)
    out = bytearray(data)
    for pos in rng.integers(len(data) // 3, len(data) - 1, 3):
        out[pos] ^= 0xFF
    return bytes(out)


def _save_all(frames, **options):
    buf = io.BytesIO()
    frames[0].save(buf, "WEBP", save_all=True, append_images=frames[1:], duration=100, **options)
    return buf.getvalue()


def main():
    assert features.version("webp") == "1.6.0", features.version("webp")
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):  # no stale case may outlive its generator line
        os.remove(os.path.join(OUT, old))
    rows = []
    for name, data in cases().items():
        with open(os.path.join(OUT, name + ".webp"), "wb") as f:
            f.write(data)
        try:
            im = Image.open(io.BytesIO(data))
            im.load()
        except Exception as e:  # Pillow refuses it: so must we
            rows.append(f"{name}\tERROR\t0\t0\t{type(e).__name__}: {e}")
            continue
        with gzip.GzipFile(os.path.join(OUT, name + ".raw.gz"), "wb", mtime=0) as f:
            f.write(im.tobytes())
        rows.append(f"{name}\t{im.mode}\t{im.width}\t{im.height}\t")
    with open(os.path.join(OUT, "cases.tsv"), "w") as f:
        f.write("# name\tmode\twidth\theight\tnote (Pillow 12.3, libwebp 1.6.0)\n")
        f.write("\n".join(rows) + "\n")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
