"""Image files of every kind jclip's ImageDecoder meets, with what Pillow 12 makes of them.

Run from the repository root:

    /tmp/peers/venv/bin/python parity/make_format_cases.py

(Pillow 12.3 with libtiff and zlib, numpy, torch and open_clip 3.3.) It rewrites
jclip-core/src/test/resources/parity/formats/: one small image file per case,
written by Pillow where Pillow can write that variant and byte by byte here where
it cannot (PNG bit depths, interlacing, ancillary chunks and damage; BMP 4/16/32-bit,
bit fields, top-down, OS/2 and RLE; GIF local palettes, offsets, interlacing, short
frames; TIFF 16-bit RGB, WhiteIsZero, predictor, planar, premultiplied alpha), and for
each case what Pillow does with it. Names tell FormatParityTest what to expect:
other_* are formats jclip refuses by name, *_unsupported_* TIFF variants it refuses by
name, *_refused_* damaged files Pillow opens (filling in black) and jclip refuses;
every other case must decode exactly as Pillow does, or be refused where Pillow
raises.

Files:

- cases.tsv: name, file, Pillow's mode after Image.open (or "error"), width,
  height, whether a preprocessed reference exists, and Pillow's error if any;
- NAME.rgb: Image.open(f).convert("RGB") as raw interleaved bytes (not for the cases named
  *_unsupported_* or *_refused_*, which jclip refuses although Pillow may open them);
- NAME.224.rgb.gz (some cases): open_clip.image_transform(224, is_train=False) up to
  and including its convert("RGB"), as raw bytes, gzipped: the pixels that ToTensor
  divides by 255 and Normalize shifts (the script checks that it does).

No external tool is needed.
"""

import gzip
import io
import struct
import zlib
from pathlib import Path

import numpy as np
import open_clip
import torch
from PIL import Image

OUT = Path(__file__).resolve().parent.parent / "jclip-core/src/test/resources/parity/formats"
RNG = np.random.default_rng(20261204)
W, H = 19, 13  # small and odd: row padding, partial bytes and partial LZW blocks all show
CASES = []


def noise(h, w, c, hi=256):
    return RNG.integers(0, hi, (h, w, c), dtype=np.int64)


def smooth(h, w, c, hi=256):
    """Flat 6x6 blocks of random values with a few noisy pixels: resizing them is a real test
    (edges ring, alpha and clamping matter), and resized to 224 they still compress well."""
    blocks = noise((h + 5) // 6, (w + 5) // 6, c, hi)
    base = blocks.repeat(6, axis=0).repeat(6, axis=1)[:h, :w]
    speckles = (RNG.random(base.shape) < 0.02) * RNG.integers(0, hi, base.shape)
    return np.where(speckles > 0, speckles, base)


def gray16_blocks(h, w):
    """16-bit gray that tells Pillow 12's I;16 resize from mode I's: dark blocks (what survives
    convert("RGB")) beside white ones (65535), so the first pass undershoots below 0, where I;16
    clamps and I does not, and the second pass brings some of it back into 0..255."""
    levels = np.array([0, 60, 130, 200, 250, 300, 65535])
    return levels[smooth(h, w, 1, len(levels))]


def record(name, data, ext, preprocess=False):
    file = f"{name}.{ext}"
    (OUT / file).write_bytes(data)
    try:
        im = Image.open(OUT / file)
        mode, size = im.mode, im.size
        rgb = im.convert("RGB")
    except Exception as e:  # noqa: BLE001 - every refusal is a case
        CASES.append((name, file, "error", 0, 0, 0, f"{type(e).__name__}: {e}"))
        return
    if "_unsupported_" not in name and "_refused_" not in name:  # jclip refuses these
        (OUT / f"{name}.rgb").write_bytes(rgb.tobytes())
    if preprocess:
        transform = open_clip.image_transform(224, is_train=False)
        im = Image.open(OUT / file)
        pil = im
        for t in transform.transforms[:-2]:
            pil = t(pil)
        assert pil.mode == "RGB" and pil.size == (224, 224)
        pixels = np.array(pil)
        expected = transform.transforms[-1](torch.from_numpy(pixels).permute(2, 0, 1).float() / 255)
        assert torch.equal(transform(Image.open(OUT / file)), expected), name
        (OUT / f"{name}.224.rgb.gz").write_bytes(gzip.compress(pixels.tobytes(), 9, mtime=0))
    CASES.append((name, file, mode, size[0], size[1], int(preprocess), ""))


def pillow(im, fmt, **kw):
    b = io.BytesIO()
    im.save(b, fmt, **kw)
    return b.getvalue()


# ---------------------------------------------------------------- PNG, written chunk by chunk

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pack_row(samples, depth):
    """One row of samples at 1, 2, 4, 8 or 16 bits, most significant first."""
    if depth == 16:
        return b"".join(struct.pack(">H", int(s)) for s in samples)
    if depth == 8:
        return bytes(int(s) for s in samples)
    per = 8 // depth
    out = bytearray((len(samples) + per - 1) // per)
    for i, s in enumerate(samples):
        out[i // per] |= int(s) << (8 - depth * (i % per + 1))
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png(pixels, color_type, depth, palette=None, trns=None, interlace=False, extra=b""):
    """pixels: (h, w, channels) samples; filter 0 on every row (Pillow and ImageIO read any filter)."""
    h, w, _ = pixels.shape
    raw = bytearray()
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for x0, y0, dx, dy in passes:
        sub = pixels[y0::dy, x0::dx]
        if sub.size == 0:
            continue
        for row in sub:
            raw += b"\x00" + pack_row(row.reshape(-1), depth)
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, int(interlace)))
    out += extra
    if palette is not None:
        out += chunk(b"PLTE", bytes(np.asarray(palette, dtype=np.uint8).reshape(-1)))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    out += chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    return out + chunk(b"IEND", b"")


def png_cases():
    rgb = noise(H, W, 3)
    record("png_rgb8", pillow(Image.fromarray(rgb.astype(np.uint8), "RGB"), "PNG"), "png")
    rgba = noise(H, W, 4)
    rgba[0, :4, 3] = [0, 1, 128, 255]
    record("png_rgba8", pillow(Image.fromarray(rgba.astype(np.uint8), "RGBA"), "PNG"), "png")
    record("png_rgba8_big", png(smooth(40, 31, 4), 6, 8), "png", preprocess=True)
    for depth in (1, 2, 4, 8):
        record(f"png_gray{depth}", png(noise(H, W, 1, 1 << depth), 0, depth), "png")
    gray16 = noise(H, W, 1, 65536)
    gray16[0, :6, 0] = [0, 1, 255, 256, 300, 65535]
    record("png_gray16", png(gray16, 0, 16), "png")
    record("png_gray16_big", png(gray16_blocks(30, 41), 0, 16), "png", preprocess=True)
    record("png_rgb16", png(noise(H, W, 3, 65536), 2, 16), "png")
    record("png_rgba16", png(noise(H, W, 4, 65536), 6, 16), "png")
    record("png_la8", png(noise(H, W, 2), 4, 8), "png")
    record("png_la16", png(noise(H, W, 2, 65536), 4, 16), "png")
    record("png_la8_big", png(smooth(27, 35, 2), 4, 8), "png", preprocess=True)
    palette = noise(1, 256, 3).reshape(256, 3)
    record("png_palette8", png(noise(H, W, 1), 3, 8, palette), "png")
    for depth in (1, 2, 4):
        record(f"png_palette{depth}", png(noise(H, W, 1, 1 << depth), 3, depth, palette[: 1 << depth]), "png")
    # Six entries, indices up to 15: what do the missing entries look like?
    record("png_palette_short", png(noise(H, W, 1, 16), 3, 4, palette[:6]), "png")
    trns = bytes([0, 128, 255, 7])
    record("png_palette_trns", png(noise(H, W, 1), 3, 8, palette, trns), "png")
    record("png_palette_trns_big", png(smooth(33, 26, 1), 3, 8, palette, trns), "png", preprocess=True)
    record("png_gray_trns", png(noise(H, W, 1), 0, 8, trns=struct.pack(">H", 17)), "png")
    record("png_gray16_trns", png(noise(H, W, 1, 65536), 0, 16, trns=struct.pack(">H", 17)), "png")
    record("png_rgb16_trns", png(noise(H, W, 3, 65536), 2, 16, trns=struct.pack(">HHH", 1, 2, 3)), "png")
    record("png_la8_interlaced", png(noise(H, W, 2), 4, 8, interlace=True), "png")
    record("png_rgb_trns", png(noise(H, W, 3), 2, 8, trns=struct.pack(">HHH", 1, 2, 3)), "png")
    for kind, ct, depth, ch in (("rgb8", 2, 8, 3), ("gray4", 0, 4, 1), ("palette2", 3, 2, 1), ("rgba16", 6, 16, 4)):
        px = noise(H, W, ch, 1 << depth)
        record(f"png_interlaced_{kind}", png(px, ct, depth, palette[:4] if ct == 3 else None, interlace=True), "png")
    # Color management chunks that Pillow ignores: a gamma of 1/1.0, an sRGB intent, a profile.
    icc = chunk(b"gAMA", struct.pack(">I", 100000)) + chunk(b"sRGB", b"\x00")
    record("png_gama_srgb", png(noise(H, W, 3), 2, 8, extra=icc), "png")
    iccp = chunk(b"iCCP", b"gray-gamma\x00\x00" + zlib.compress(fake_icc()))
    record("png_iccp", png(noise(H, W, 3), 2, 8, extra=iccp), "png")
    exif = b"MM\x00*\x00\x00\x00\x08\x00\x01" + struct.pack(">HHIHH", 274, 3, 1, 6, 0) + b"\x00" * 4
    record("png_exif_orientation", png(noise(H, W, 3), 2, 8, extra=chunk(b"eXIf", exif)), "png")
    good = png(noise(H, W, 3), 2, 8, extra=chunk(b"tEXt", b"Comment\x00hello"))
    for kind in (b"IHDR", b"tEXt", b"IDAT"):
        end = good.index(kind) + 4 + struct.unpack(">I", good[good.index(kind) - 4 : good.index(kind)])[0]
        bad = good[:end] + bytes([good[end] ^ 0xFF]) + good[end + 1 :]
        record(f"png_bad_crc_{kind.decode().lower()}", bad, "png")
    # A complete file whose image data holds only half the rows: Pillow stops where the zlib
    # stream ends and leaves the other rows black; ImageIO (and so jclip) refuses it.
    half = png(noise(H // 2, W, 3), 2, 8)
    ihdr = [chunk(b"IHDR", struct.pack(">IIBBBBB", W, h, 8, 2, 0, 0, 0)) for h in (H // 2, H)]
    record("png_refused_short_data", half.replace(ihdr[0], ihdr[1], 1), "png")
    whole = png(noise(64, 64, 3), 2, 8)
    record("png_truncated", whole[: len(whole) // 2], "png")
    record("png_no_iend", whole[:-12], "png")


def fake_icc():
    """A minimal ICC v2 header and tag table: enough to be an iCCP chunk, not a useful profile."""
    header = struct.pack(">I4sI4s4s4s", 132, b"none", 0x02100000, b"mntr", b"RGB ", b"XYZ ")
    header += bytes(12) + b"acsp" + bytes(128 - 40)
    return header + struct.pack(">I", 0)


# ---------------------------------------------------------------- GIF, written block by block

def lzw(indices, bits):
    """GIF LZW with a clear code before the table would widen the codes: valid, if not small."""
    m = max(2, bits)
    clear, end = 1 << m, (1 << m) + 1
    width = m + 1
    run = max(1, (1 << m) - 3)
    codes = []
    for i, v in enumerate(indices):
        if i % run == 0:
            codes.append(clear)
        codes.append(int(v))
    codes.append(end)
    acc = nbits = 0
    data = bytearray()
    for c in codes:
        acc |= c << nbits
        nbits += width
        while nbits >= 8:
            data.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8
    if nbits:
        data.append(acc)
    blocks = bytearray([m])
    for i in range(0, len(data), 255):
        part = data[i : i + 255]
        blocks += bytes([len(part)]) + part
    return bytes(blocks + b"\x00")


def table_bits(palette):
    return max(1, int(np.ceil(np.log2(len(palette)))))


def color_table(palette):
    table = np.zeros((1 << table_bits(palette), 3), dtype=np.uint8)
    table[: len(palette)] = palette
    return bytes(table.reshape(-1))


def gif_frame(indices, palette_bits, local=None, left=0, top=0, interlace=False, transparency=None):
    h, w = indices.shape
    out = b""
    if transparency is not None:
        out += b"\x21\xf9\x04" + bytes([1, 0, 0, transparency, 0])
    flags = (0x40 if interlace else 0)
    if local is not None:
        flags |= 0x80 | (table_bits(local) - 1)
    out += b"\x2c" + struct.pack("<HHHHB", left, top, w, h, flags)
    if local is not None:
        out += color_table(local)
    rows = list(range(h))
    if interlace:
        rows = list(range(0, h, 8)) + list(range(4, h, 8)) + list(range(2, h, 4)) + list(range(1, h, 2))
    bits = table_bits(local) if local is not None else palette_bits
    return out + lzw(indices[rows].reshape(-1), bits)


def gif(w, h, frames, global_palette=None, background=0):
    flags = 0
    if global_palette is not None:
        flags = 0x80 | 0x70 | (table_bits(global_palette) - 1)
    out = b"GIF89a" + struct.pack("<HHBBB", w, h, flags, background, 0)
    if global_palette is not None:
        out += color_table(global_palette)
    return out + b"".join(frames) + b"\x3b"


def gif_cases():
    pal256 = noise(1, 256, 3).reshape(256, 3)
    pal16 = noise(1, 16, 3).reshape(16, 3)
    idx = noise(H, W, 1).reshape(H, W)
    idx16 = noise(H, W, 1, 16).reshape(H, W)
    record("gif_global", gif(W, H, [gif_frame(idx, 8)], pal256), "gif")
    record("gif_global16", gif(W, H, [gif_frame(idx16, 4)], pal16), "gif")
    record("gif_87a", b"GIF87a" + gif(W, H, [gif_frame(idx16, 4)], pal16)[6:], "gif")
    record("gif_transparent", gif(W, H, [gif_frame(idx16, 4, transparency=3)], pal16), "gif")
    big = (smooth(29, 36, 1, 16).reshape(29, 36))
    record("gif_transparent_big", gif(36, 29, [gif_frame(big, 4, transparency=3)], pal16), "gif", preprocess=True)
    record("gif_local", gif(W, H, [gif_frame(idx16, 0, local=pal16)]), "gif")
    record("gif_local_over_global", gif(W, H, [gif_frame(idx16, 8, local=pal16)], pal256), "gif")
    record("gif_interlaced", gif(W, H, [gif_frame(idx, 8, interlace=True)], pal256), "gif")
    # A frame smaller than the screen: what fills the rest?
    record("gif_offset", gif(W, H, [gif_frame(idx16[:7, :9], 4, left=5, top=3)], pal16, background=6), "gif")
    record("gif_offset_transparent",
           gif(W, H, [gif_frame(idx16[:7, :9], 4, left=5, top=3, transparency=2)], pal16, background=6), "gif")
    second = gif_frame(noise(H, W, 1, 16).reshape(H, W), 4, local=noise(1, 16, 3).reshape(16, 3))
    record("gif_two_frames", gif(W, H, [gif_frame(idx16, 4), second], pal16), "gif")
    # The JDK's reader once dropped rows of interlaced frames only 2 to 4 rows high.
    for rows in (1, 2, 3, 4, 5):
        record(f"gif_interlaced_{rows}rows", gif(W, rows, [gif_frame(idx[:rows], 8, interlace=True)], pal256), "gif")
    record("gif_beyond_screen", gif(10, 6, [gif_frame(idx16[:9, :12], 4, left=3, top=2)], pal16), "gif")
    record("gif_no_palette", gif(W, H, [gif_frame(idx16, 4)]), "gif")
    gray = np.arange(256)[:, None].repeat(3, axis=1)
    record("gif_gray_ramp", gif(W, H, [gif_frame(idx, 8)], gray), "gif")
    record("gif_pillow_l", pillow(Image.fromarray(idx.astype(np.uint8), "L"), "GIF"), "gif")
    p = Image.fromarray(idx16.astype(np.uint8), "P")
    p.putpalette(bytes(pal16.astype(np.uint8).reshape(-1)))
    record("gif_pillow_p", pillow(p, "GIF"), "gif")
    rgb = Image.fromarray(smooth(26, 33, 3).astype(np.uint8), "RGB")
    record("gif_pillow_rgb", pillow(rgb, "GIF"), "gif", preprocess=True)
    # A complete file whose frame data ends (end code) after half the pixels.
    half = gif_frame(idx16[: H // 2], 4).replace(struct.pack("<HH", W, H // 2), struct.pack("<HH", W, H), 1)
    record("gif_short_frame", gif(W, H, [half], pal16), "gif")
    whole = gif(64, 64, [gif_frame(noise(64, 64, 1).reshape(64, 64), 8)], pal256)
    record("gif_truncated", whole[: len(whole) // 2], "gif")


# ---------------------------------------------------------------- BMP, written field by field

def bmp(w, h, bpp, rows, palette=None, compression=0, masks=None, header=40, top_down=False, colors_used=None):
    """rows: the pixel data as stored (bottom-up unless top_down), each row padded to 4 bytes."""
    data = b"".join(rows)
    table = b""
    if palette is not None:
        table = b"".join(bytes([int(b), int(g), int(r), 0]) for r, g, b in palette)
    info = struct.pack("<IiiHHIIiiII", header, w, -h if top_down else h, 1, bpp, compression, len(data),
                       2835, 2835, colors_used if colors_used is not None else (len(palette) if palette is not None else 0),
                       0)
    if header > 40:
        info += struct.pack("<IIII", *masks) + b"BGRs" + bytes(header - 56)
    elif masks is not None:
        info += struct.pack("<III", *masks[:3])
    offset = 14 + len(info) + len(table)
    return b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset) + info + table + data


def pad4(b):
    return b + bytes(-len(b) % 4)


def bmp_rows(pixels, pack, top_down=False):
    rows = [pad4(pack(row)) for row in pixels]
    return rows if top_down else rows[::-1]


def rle8(indices):
    """Runs of equal indices as encoded runs, the rest in absolute mode (at least 3 bytes)."""
    out = bytearray()
    for row in indices[::-1]:
        i, n = 0, len(row)
        while i < n:
            j = i
            while j < n and row[j] == row[i] and j - i < 255:
                j += 1
            if j - i >= 2 or n - i < 3:
                out += bytes([j - i, int(row[i])])
                i = j
            else:
                k = min(n, i + 255, i + 8)
                out += bytes([0, k - i]) + bytes(int(v) for v in row[i:k]) + bytes((k - i) % 2)
                i = k
        out += b"\x00\x00"
    return bytes(out[:-2] + b"\x00\x01")


def rle4(indices):
    """Pairs of alternating nibbles as encoded runs of 2 to 4 pixels, the rest in absolute mode."""
    out = bytearray()
    for row in indices[::-1]:
        i, n = 0, len(row)
        while i < n:
            if n - i >= 6 and i % 3 == 0:
                k = i + 6
                nibbles = [int(v) for v in row[i:k]]
                packed = bytes((nibbles[m] << 4) | nibbles[m + 1] for m in range(0, 6, 2))
                out += bytes([0, 6]) + packed + b"\x00"
                i = k
            else:
                k = min(n, i + 2)
                hi, lo = int(row[i]), int(row[k - 1])
                out += bytes([k - i, (hi << 4) | lo])
                i = k
        out += b"\x00\x00"
    return bytes(out[:-2] + b"\x00\x01")


def bmp_cases():
    rgb = noise(H, W, 3)
    record("bmp_pillow_rgb", pillow(Image.fromarray(rgb.astype(np.uint8), "RGB"), "BMP"), "bmp")
    bw = Image.fromarray((noise(H, W, 1, 2).reshape(H, W) * 255).astype(np.uint8), "L").convert("1")
    record("bmp_pillow_1", pillow(bw, "BMP"), "bmp")
    record("bmp_pillow_l", pillow(Image.fromarray(noise(H, W, 1).reshape(H, W).astype(np.uint8), "L"), "BMP"), "bmp")
    pal256 = noise(1, 256, 3).reshape(256, 3)
    p = Image.fromarray(noise(H, W, 1).reshape(H, W).astype(np.uint8), "P")
    p.putpalette(bytes(pal256.astype(np.uint8).reshape(-1)))
    record("bmp_pillow_p", pillow(p, "BMP"), "bmp")
    record("bmp_pillow_rgba", pillow(Image.fromarray(noise(H, W, 4).astype(np.uint8), "RGBA"), "BMP"), "bmp")

    pal2 = [(200, 10, 10), (10, 10, 200)]
    idx2 = noise(H, W, 1, 2).reshape(H, W)
    record("bmp_1bit_color", bmp(W, H, 1, bmp_rows(idx2, lambda r: pack_row(r, 1)), pal2), "bmp")
    pal16 = noise(1, 16, 3).reshape(16, 3)
    idx16 = noise(H, W, 1, 16).reshape(H, W)
    record("bmp_4bit", bmp(W, H, 4, bmp_rows(idx16, lambda r: pack_row(r, 4)), pal16), "bmp")
    idx20 = noise(H, W, 1, 20).reshape(H, W)
    record("bmp_8bit_short_palette", bmp(W, H, 8, bmp_rows(idx20, bytes), pal256[:20]), "bmp")
    gray = [(i, i, i) for i in range(256)]
    record("bmp_8bit_gray", bmp(W, H, 8, bmp_rows(noise(H, W, 1).reshape(H, W), bytes), gray), "bmp")

    px16 = noise(H, W, 1, 65536).reshape(H, W)
    pack16 = lambda r: b"".join(struct.pack("<H", int(v)) for v in r)
    record("bmp_16_555", bmp(W, H, 16, bmp_rows(px16 & 0x7FFF, pack16)), "bmp")
    record("bmp_16_565", bmp(W, H, 16, bmp_rows(px16, pack16), compression=3, masks=(0xF800, 0x7E0, 0x1F)), "bmp")
    big16 = smooth(31, 24, 1, 65536).reshape(31, 24)
    record("bmp_16_565_big", bmp(24, 31, 16, bmp_rows(big16, pack16), compression=3, masks=(0xF800, 0x7E0, 0x1F)),
           "bmp", preprocess=True)
    record("bmp_16_555_fields",
           bmp(W, H, 16, bmp_rows(px16 & 0x7FFF, pack16), compression=3, masks=(0x7C00, 0x3E0, 0x1F)), "bmp")

    bgr = lambda r: bytes(int(v) for p in r for v in (p[2], p[1], p[0]))
    record("bmp_24_top_down", bmp(W, H, 24, bmp_rows(rgb, bgr, top_down=True), top_down=True), "bmp")
    rgbx = noise(H, W, 4)
    bgrx = lambda r: bytes(int(v) for p in r for v in (p[2], p[1], p[0], p[3]))
    record("bmp_32_rgb", bmp(W, H, 32, bmp_rows(rgbx, bgrx)), "bmp")
    rgbx[0, :4, 3] = [0, 1, 128, 255]
    masks = (0xFF0000, 0xFF00, 0xFF, 0xFF000000)
    record("bmp_32_alpha_v5", bmp(W, H, 32, bmp_rows(rgbx, bgrx), compression=3, masks=masks, header=124), "bmp")
    record("bmp_32_alpha_v4", bmp(W, H, 32, bmp_rows(rgbx, bgrx), compression=3, masks=masks, header=108), "bmp")
    record("bmp_32_no_alpha_v5",
           bmp(W, H, 32, bmp_rows(rgbx, bgrx), compression=3, masks=(0xFF0000, 0xFF00, 0xFF, 0), header=124), "bmp")
    record("bmp_32_alpha_big", bmp(30, 23, 32, bmp_rows(smooth(23, 30, 4), bgrx), compression=3, masks=masks,
                                   header=124), "bmp", preprocess=True)

    # Bit fields Pillow has no unpacker for: it refuses them.
    record("bmp_16_4444_fields", bmp(W, H, 16, bmp_rows(px16, pack16), compression=3,
                                     masks=(0xF00, 0xF0, 0xF, 0xF000), header=124), "bmp")
    record("bmp_32_rgbx_fields", bmp(W, H, 32, bmp_rows(rgbx, bgrx), compression=3, masks=(0xFF, 0xFF00, 0xFF0000, 0),
                                     header=124), "bmp")
    record("bmp_32_10bit_fields", bmp(W, H, 32, bmp_rows(rgbx, bgrx), compression=3,
                                      masks=(0x3FF00000, 0xFFC00, 0x3FF, 0), header=124), "bmp")
    record("bmp_embedded_png", bmp(W, H, 0, [png(noise(H, W, 3), 2, 8)], compression=5), "bmp")
    core = struct.pack("<IHHHH", 12, W, H, 1, 24)
    pixels = b"".join(bmp_rows(rgb, bgr))
    record("bmp_os2_core_24", b"BM" + struct.pack("<IHHI", 26 + len(pixels), 0, 0, 26) + core + pixels, "bmp")
    runs = np.repeat(noise(H, (W + 3) // 4, 1).reshape(H, -1), 4, axis=1)[:, :W]
    runs[:, 5:12] = noise(H, 7, 1).reshape(H, 7)
    rle_data = rle8(runs)
    record("bmp_rle8", bmp(W, H, 8, [rle_data], pal256, compression=1), "bmp")
    runs4 = runs % 16
    record("bmp_rle4", bmp(W, H, 4, [rle4(runs4)], pal16, compression=2), "bmp")
    # Skipped pixels: a delta escape (right 2, down 1), rows ended early, a run past the row's end,
    # an odd absolute run; then the bitmap ends early (Pillow refuses that), or is padded to the end.
    skips = bytes([3, 7, 0, 2, 2, 1, 4, 9, 0, 0, 5, 11, 0, 0, 0, 3, 1, 2, 3, 0, 30, 4, 0, 0])
    record("bmp_rle8_ends_early", bmp(W, H, 8, [skips + b"\x00\x01"], pal256, compression=1), "bmp")
    rest = b"".join(bytes([W, k]) + b"\x00\x00" for k in range(H - 4))
    record("bmp_rle8_skips", bmp(W, H, 8, [skips + rest + b"\x00\x01"], pal256, compression=1), "bmp")
    odd = bytes([0, 5, 0x12, 0x34, 0x50, 0, 2, 0x67, 0, 0])  # absolute run of 5 nibbles, then a run of 2
    rest4 = b"".join(bytes([W, k * 17 % 256]) + b"\x00\x00" for k in range(H - 1))
    record("bmp_rle4_odd_absolute", bmp(W, H, 4, [odd + rest4 + b"\x00\x01"], pal16, compression=2), "bmp")
    whole = pillow(Image.fromarray(noise(64, 64, 3).astype(np.uint8), "RGB"), "BMP")
    record("bmp_truncated", whole[: len(whole) // 2], "bmp")


# ---------------------------------------------------------------- TIFF

def tiff(w, h, bits, photometric, data, compression=1, extra=(), strips=1):
    """A little-endian TIFF: bits per sample (one per band), the pixel data as stored, in
    `strips` equal strips (one per plane when planar), and (tag, type, values) for any other
    tag. Pillow cannot write most of these variants."""
    entries = [(256, 4, [w]), (257, 4, [h]), (258, 3, list(bits)), (259, 3, [compression]),
               (262, 3, [photometric]), (273, 4, [0] * strips), (277, 3, [len(bits)]), (278, 4, [h]),
               (279, 4, [len(data) // strips] * strips), *extra]
    entries.sort()
    ifd_size = 2 + 12 * len(entries) + 4
    blobs = bytearray()
    blob_at = 8 + ifd_size
    data_at = blob_at + sum(len(v) * (2 if t == 3 else 4) for _, t, v in entries if len(v) * (2 if t == 3 else 4) > 4)
    ifd = struct.pack("<H", len(entries))
    for tag, kind, values in entries:
        if tag == 273:
            values = [data_at + k * len(data) // strips for k in range(strips)]
        packed = b"".join(struct.pack("<H" if kind == 3 else "<I", v) for v in values)
        if len(packed) > 4:
            ifd += struct.pack("<HHII", tag, kind, len(values), blob_at + len(blobs))
            blobs += packed
        else:
            ifd += struct.pack("<HHI", tag, kind, len(values)) + packed.ljust(4, b"\0")
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + bytes(blobs) + data


def packed_rows(pixels, depth):
    return b"".join(pack_row(row.reshape(-1), depth) for row in pixels)


def predicted(pixels):
    """Horizontal differencing (TIFF predictor 2) of 8-bit samples, per band."""
    diff = pixels.copy()
    diff[:, 1:] = (pixels[:, 1:] - pixels[:, :-1]) % 256
    return diff.astype(np.uint8).tobytes()


def tiff_cases():
    images = {
        "rgb": Image.fromarray(noise(H, W, 3).astype(np.uint8), "RGB"),
        "rgba": Image.fromarray(noise(H, W, 4).astype(np.uint8), "RGBA"),
        "l": Image.fromarray(noise(H, W, 1).reshape(H, W).astype(np.uint8), "L"),
        "1": Image.fromarray((noise(H, W, 1, 2).reshape(H, W) * 255).astype(np.uint8), "L").convert("1"),
        "cmyk": Image.fromarray(noise(H, W, 4).astype(np.uint8), "CMYK"),
        "i16": Image.fromarray(noise(H, W, 1, 65536).reshape(H, W).astype(np.uint16)),
    }
    p = Image.fromarray(noise(H, W, 1, 16).reshape(H, W).astype(np.uint8), "P")
    p.putpalette(bytes(noise(1, 16, 3).astype(np.uint8).reshape(-1)))
    images["p"] = p
    for kind, im in images.items():
        for compression in ("raw", "tiff_lzw", "tiff_deflate", "tiff_adobe_deflate", "packbits"):
            record(f"tiff_{kind}_{compression.removeprefix('tiff_')}", pillow(im, "TIFF", compression=compression), "tif")
    record("tiff_1_group4", pillow(images["1"], "TIFF", compression="group4"), "tif")
    record("tiff_rgb_jpeg", pillow(images["rgb"], "TIFF", compression="jpeg", quality=90), "tif")
    record("tiff_l_jpeg", pillow(images["l"], "TIFF", compression="jpeg", quality=90), "tif")
    record("tiff_rgb_jpeg_big", pillow(Image.fromarray(smooth(36, 44, 3).astype(np.uint8), "RGB"), "TIFF",
                                       compression="jpeg", quality=75), "tif", preprocess=True)
    record("tiff_i16_big_endian", pillow(images["i16"].convert("I;16B"), "TIFF"), "tif")
    rgb16 = noise(H, W, 3, 65536)
    record("tiff_rgb16", tiff(W, H, (16, 16, 16), 2, rgb16.astype("<u2").tobytes()), "tif")
    gray = noise(H, W, 1)
    record("tiff_l_white_is_zero", tiff(W, H, (8,), 0, gray.astype(np.uint8).tobytes()), "tif")
    bw = noise(H, W, 1, 2)
    record("tiff_1_white_is_zero", tiff(W, H, (1,), 0, packed_rows(bw, 1)), "tif")
    record("tiff_l4", tiff(W, H, (4,), 1, packed_rows(noise(H, W, 1, 16), 4)), "tif")
    colormap = [int(v) * 257 for v in noise(1, 48, 1).reshape(-1)]
    record("tiff_p4", tiff(W, H, (4,), 3, packed_rows(noise(H, W, 1, 16), 4), extra=[(320, 3, colormap)]), "tif")
    rgb = noise(H, W, 3)
    record("tiff_rgb_deflate_predictor",
           tiff(W, H, (8, 8, 8), 2, zlib.compress(predicted(rgb)), compression=8, extra=[(317, 3, [2])]), "tif")
    planes = b"".join(rgb[:, :, k].astype(np.uint8).tobytes() for k in range(3))
    record("tiff_rgb_planar", tiff(W, H, (8, 8, 8), 2, planes, extra=[(284, 3, [2])], strips=3), "tif")
    rgba = noise(H, W, 4)
    rgba[..., :3] = rgba[..., :3] * rgba[..., 3:] // 255  # associated (premultiplied) alpha
    rgba[0, :4, 3] = [0, 1, 128, 255]
    rgba[0, :4, :3] = 0
    record("tiff_rgba_associated", tiff(W, H, (8, 8, 8, 8), 2, rgba.astype(np.uint8).tobytes(), extra=[(338, 3, [1])]),
           "tif")
    record("tiff_unsupported_zstd", tiff(W, H, (8, 8, 8), 2, rgb.astype(np.uint8).tobytes(), compression=50000), "tif")
    record("tiff_unsupported_float", tiff(W, H, (32,), 1, np.zeros((H, W), "<f4").tobytes(), extra=[(339, 3, [3])]), "tif")
    record("tiff_unsupported_cielab", tiff(W, H, (8, 8, 8), 8, rgb.astype(np.uint8).tobytes()), "tif")
    record("tiff_cmyk_big", pillow(Image.fromarray(smooth(25, 32, 4).astype(np.uint8), "CMYK"), "TIFF",
                                   compression="tiff_lzw"), "tif", preprocess=True)
    record("tiff_i16_big", pillow(Image.fromarray(gray16_blocks(34, 27).reshape(34, 27).astype(np.uint16)), "TIFF"),
           "tif", preprocess=True)
    second = Image.fromarray(noise(7, 5, 3).astype(np.uint8), "RGB")
    record("tiff_multipage", pillow(images["rgb"], "TIFF", save_all=True, append_images=[second]), "tif")
    # Pillow 12 turns TIFF pixels upright on load (ImageOps.exif_transpose), for every orientation.
    for orientation in range(2, 9):
        record(f"tiff_orientation{orientation}", pillow(images["rgb"], "TIFF", tiffinfo={274: orientation}), "tif")
    record("tiff_orientation6_lzw", pillow(images["l"], "TIFF", tiffinfo={274: 6}, compression="tiff_lzw"), "tif")
    whole = pillow(Image.fromarray(noise(64, 64, 3).astype(np.uint8), "RGB"), "TIFF", compression="tiff_lzw")
    record("tiff_truncated", whole[: len(whole) // 2], "tif")
    raw = tiff(W, H, (8, 8, 8), 2, noise(H, W, 3).astype(np.uint8).tobytes())
    record("tiff_truncated_strip", raw[: len(raw) - 100], "tif")
    deflated = tiff(W, H, (8, 8, 8), 2, zlib.compress(noise(H, W, 3).astype(np.uint8).tobytes()), compression=8)
    record("tiff_truncated_deflate_strip", deflated[: len(deflated) - 100], "tif")


# ---------------------------------------------------------------- formats Pillow opens and jclip refuses

def other_cases():
    rgb = Image.fromarray(noise(16, 16, 3).astype(np.uint8), "RGB")
    record("other_ico", pillow(rgb, "ICO", sizes=[(16, 16)]), "ico")
    record("other_ppm", pillow(rgb, "PPM"), "ppm")
    record("other_tga", pillow(rgb, "TGA"), "tga")
    record("other_pcx", pillow(rgb, "PCX"), "pcx")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    png_cases()
    gif_cases()
    bmp_cases()
    tiff_cases()
    other_cases()
    lines = ["# name\tfile\tpillow_mode\twidth\theight\tpreprocessed\tpillow_error"]
    lines += ["\t".join(str(v) for v in case) for case in CASES]
    (OUT / "cases.tsv").write_text("\n".join(lines) + "\n")
    total = sum(f.stat().st_size for f in OUT.iterdir())
    print(f"{len(CASES)} cases, {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
