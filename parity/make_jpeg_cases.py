"""JPEG decoding cases for JpegDecoderTest: files and the pixels Pillow decodes from them.

Run from the project root:

    apt-get install -y libjpeg-turbo-progs    # cjpeg and jpegtran (2.1.5), libturbojpeg for YCCK
    /tmp/peers/venv/bin/python parity/make_jpeg_cases.py

Writes jclip-core/src/test/resources/parity/jpeg/: NAME.jpg for every case, NAME.raw with the
samples of Image.open(NAME.jpg) after load() (Pillow 12.3, libjpeg-turbo 3.1.4: mode and size in
cases.json) for the cases Pillow decodes, and for the cases jclip must refuse the reason it must
name ("error" in cases.json, with Pillow's own error where it has one).

Files come from Pillow's encoder (qualities, subsamplings, progressive, optimized, restart markers,
gray, CMYK, keep_rgb, an ICC profile, EXIF orientation, odd sizes), from cjpeg (sampling factors
Pillow cannot write, multi-scan sequential files, scan scripts that leave coefficients out, which
makes libjpeg-turbo smooth blocks), from TurboJPEG (YCCK), lossless crops of photographs found on
this machine (jpegtran -crop keeps their own encoding), and patched copies of those for the
variants jclip refuses.
"""

import ctypes
import io
import json
import pathlib
import subprocess
import tempfile

import numpy as np
from PIL import Image, ImageCms, features

OUT = pathlib.Path(__file__).resolve().parent.parent / "jclip-core/src/test/resources/parity/jpeg"
PHOTO = pathlib.Path("/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/share/doc/rust/html/"
                     "embedded-book/assets")
STRIPE = pathlib.Path("/usr/share/doc/nodejs/thin-white-stripe.jpg")

assert features.version("libjpeg_turbo").startswith("3.1.4"), features.version("libjpeg_turbo")
TMP = pathlib.Path(tempfile.mkdtemp())
cases = []


def content(w, h, seed):
    """A photo crop resized to w x h, with noise: texture, edges and smooth parts."""
    src = Image.open(PHOTO / "f3.jpg").convert("RGB")
    x0, y0 = 40 * seed % 300, 30 * seed % 200
    im = src.crop((x0, y0, x0 + 4 * w + 8, y0 + 4 * h + 8)).resize((w, h), Image.BICUBIC)
    a = np.asarray(im).astype(np.int16)
    rng = np.random.default_rng(seed)
    a = a + rng.integers(-20, 21, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def saturated(w, h):
    """Pure primaries and black/white bars: the IDCT and color conversion clamp at both ends."""
    a = np.zeros((h, w, 3), np.uint8)
    colors = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (0, 0, 0), (255, 255, 0)]
    for x in range(w):
        a[:, x] = colors[(x // 3) % len(colors)]
    a[::4] = 255 - a[::4]
    return Image.fromarray(a)


def add(name, data, note):
    (OUT / f"{name}.jpg").write_bytes(data)
    im = Image.open(io.BytesIO(data))
    im.load()
    (OUT / f"{name}.raw").write_bytes(im.tobytes())
    cases.append({"name": name, "mode": im.mode, "width": im.width, "height": im.height, "note": note})


def refuse(name, data, error, note):
    """A file jclip must refuse naming `error`; Pillow's behaviour is recorded beside it."""
    (OUT / f"{name}.jpg").write_bytes(data)
    try:
        im = Image.open(io.BytesIO(data))
        im.load()
        pillow = f"decodes as {im.mode} {im.size}"
    except Exception as e:  # noqa: BLE001 - any failure is what is recorded
        pillow = f"{type(e).__name__}: {str(e).split(' <_io')[0]}"
    cases.append({"name": name, "error": error, "pillow": pillow, "note": note})


def pil(im, **kw):
    buf = io.BytesIO()
    im.save(buf, "JPEG", **kw)
    return buf.getvalue()


def cjpeg(im, *args):
    src = TMP / ("in.pgm" if im.mode == "L" else "in.ppm")
    im.save(src)
    return subprocess.run(["cjpeg", *args, str(src)], check=True, capture_output=True).stdout


def scans(script):
    f = TMP / "scans.txt"
    f.write_text(script)
    return str(f)


def jpegtran(data, *args):
    return subprocess.run(["jpegtran", *args], input=data, check=True, capture_output=True).stdout


def turbojpeg_ycck(cmyk):
    """TurboJPEG compresses CMYK pixels as a YCCK JPEG (Adobe transform 2); Pillow cannot write one."""
    tj = ctypes.CDLL("libturbojpeg.so.0")
    tj.tjInitCompress.restype = ctypes.c_void_p
    handle = ctypes.c_void_p(tj.tjInitCompress())
    w, h = cmyk.size
    pixels = cmyk.tobytes()
    out = ctypes.POINTER(ctypes.c_ubyte)()
    size = ctypes.c_ulong(0)
    tjpf_cmyk, tjsamp_420 = 11, 2
    rc = tj.tjCompress2(handle, pixels, w, 0, h, tjpf_cmyk, ctypes.byref(out), ctypes.byref(size),
                        tjsamp_420, 90, 0)
    assert rc == 0, tj.tjGetErrorStr2(handle)
    data = ctypes.string_at(out, size.value)
    tj.tjFree(out)
    tj.tjDestroy(handle)
    return data


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for f in OUT.iterdir():
        f.unlink()

    # Pillow's encoder: subsampling 0/1/2 = 4:4:4, 4:2:2, 4:2:0.
    add("pil_q90_420_64x48", pil(content(64, 48, 1), quality=90, subsampling=2), "4:2:0, whole MCUs")
    add("pil_q75_422_33x47", pil(content(33, 47, 2), quality=75, subsampling=1), "4:2:2, partial MCUs")
    add("pil_q95_444_17x9", pil(content(17, 9, 3), quality=95, subsampling=0), "4:4:4, partial blocks")
    add("pil_q10_420_40x30", pil(content(40, 30, 4), quality=10), "coarse: ringing and clamping")
    add("pil_q100_420_saturated", pil(saturated(37, 29), quality=100), "primaries: clamping at 0 and 255")
    add("pil_q60_420_saturated", pil(saturated(26, 22), quality=60, subsampling=2), "primaries, coarse")
    for w, h in [(1, 1), (2, 2), (3, 3), (4, 5), (5, 4), (9, 17)]:
        # Chroma 1 or 2 samples wide: libjpeg-turbo replicates instead of the fancy upsampling.
        add(f"pil_420_{w}x{h}", pil(content(w, h, w + h), quality=85), "tiny 4:2:0")
    add("pil_422_2x3", pil(content(2, 3, 7), quality=85, subsampling=1), "tiny 4:2:2")
    add("pil_prog_420_61x45", pil(content(61, 45, 5), quality=50, progressive=True), "progressive")
    add("pil_prog_444_opt_31x31", pil(content(31, 31, 6), quality=92, subsampling=0, progressive=True,
                                      optimize=True), "progressive, optimized tables")
    add("pil_opt_420_40x40", pil(content(40, 40, 8), quality=85, optimize=True), "optimized Huffman tables")
    add("pil_gray_33x47", pil(content(33, 47, 9).convert("L"), quality=80), "grayscale: mode L")
    add("pil_gray_prog_20x13", pil(content(20, 13, 10).convert("L"), quality=70, progressive=True),
        "grayscale progressive")
    add("pil_cmyk_24x18", pil(content(24, 18, 11).convert("CMYK"), quality=90),
        "CMYK with an Adobe marker (inverted): mode CMYK")
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    srgb = srgb[:24] + bytes(12) + srgb[36:]  # no creation time: the same file on every run
    add("pil_icc_32x24", pil(content(32, 24, 12), quality=90, icc_profile=srgb), "ICC profile not applied")
    exif = Image.Exif()
    exif[0x0112] = 6
    add("pil_exif_orient6_30x20", pil(content(30, 20, 13), quality=90, exif=exif.tobytes()),
        "EXIF orientation not applied")
    add("pil_restart_blocks_48x40", pil(content(48, 40, 14), quality=85, restart_marker_blocks=3),
        "restart every 3 MCUs")
    add("pil_restart_rows_prog_50x34", pil(content(50, 34, 15), quality=85, progressive=True,
                                           restart_marker_rows=1), "progressive, restart every MCU row")
    add("pil_keep_rgb_24x16", pil(content(24, 16, 16), quality=90, keep_rgb=True),
        "RGB components (Adobe transform 0)")

    # cjpeg: sampling factors Pillow cannot write.
    add("cj_440_35x27", cjpeg(content(35, 27, 17), "-sample", "1x2,1x1,1x1"), "4:4:0: h1v2 fancy")
    add("cj_411_45x21", cjpeg(content(45, 21, 18), "-sample", "4x1,1x1,1x1"), "4:1:1: replicate 4")
    add("cj_3x2_22x19", cjpeg(content(22, 19, 19), "-sample", "3x2,1x1,1x1"), "odd factors 3x2")
    add("cj_mixed_29x23", cjpeg(content(29, 23, 20), "-sample", "2x2,1x2,2x1"), "h2v1 and h1v2 fancy")
    add("cj_4x2_38x18", cjpeg(content(38, 18, 21), "-sample", "4x2,1x1,1x1"), "replicate 4x2")
    add("cj_gray_2x2_19x13", cjpeg(content(19, 13, 33).convert("L"), "-sample", "2x2"),
        "gray with sampling factors 2x2 (MCU of one block, iMCU rows of two)")
    add("cj_prog_440_27x35", cjpeg(content(27, 35, 34), "-progressive", "-sample", "1x2,1x1,1x1"),
        "progressive 4:4:0")
    add("pil_prog_422_45x9", pil(content(45, 9, 35), quality=80, subsampling=1, progressive=True),
        "progressive 4:2:2, one MCU row")
    add("cj_rgb_21x14", cjpeg(content(21, 14, 22), "-rgb"), "RGB components")
    add("cj_restart_prog_45x37", cjpeg(content(45, 37, 23), "-progressive", "-restart", "2B"),
        "progressive, restart every 2 MCUs (EOB runs end at restarts)")
    add("cj_restart_seq_33x21", cjpeg(content(33, 21, 24), "-restart", "1B", "-sample", "2x1,1x1,1x1"),
        "restart every MCU")
    seq = scans("0: 0 63 0 0;\n2: 0 63 0 0;\n1: 0 63 0 0;\n")
    add("cj_multiscan_seq_27x19", cjpeg(content(27, 19, 25), "-scans", seq), "one scan per component")
    partial = scans("0,1,2: 0 0 0 1;\n0: 1 5 0 2;\n2: 1 9 0 0;\n1: 1 63 0 1;\n0: 1 5 2 1;\n")
    add("cj_smooth_partial_41x35", cjpeg(content(41, 35, 26), "-scans", partial),
        "coefficients left out or imprecise: block smoothing")
    add("cj_smooth_dc_only_40x32", cjpeg(content(40, 32, 27), "-scans", scans("0,1,2: 0 0 0 0;\n")),
        "DC only: smoothing estimates AC")
    add("cj_smooth_gray_444_30x25", cjpeg(content(30, 25, 28).convert("L"), "-scans",
                                          scans("0: 0 0 0 1;\n0: 1 2 0 0;\n0: 0 0 1 0;\n")),
        "gray, DC refined, two AC coefficients")
    add("cj_smooth_dc_only_420_40x24", cjpeg(content(40, 24, 30), "-scans", scans("0,1,2: 0 0 0 0;\n")),
        "DC only, a short last iMCU row: libjpeg-turbo's row numbering there")
    add("cj_smooth_dc_separate_37x21", cjpeg(content(37, 21, 31), "-scans",
                                             scans("0: 0 0 0 0;\n1: 0 0 0 0;\n2: 0 0 0 0;\n0: 1 9 0 0;\n")),
        "DC scan per component (padding blocks stay zero), smoothing reads them")
    add("cj_smooth_restart_45x33", cjpeg(content(45, 33, 32), "-restart", "1B", "-scans",
                                         scans("0,1,2: 0 0 0 2;\n0: 1 63 0 1;\n1: 1 2 0 0;\n0,1,2: 0 0 2 1;\n")),
        "restarts in every scan, DC refined once, AC partly")
    add("tj_ycck_32x24", turbojpeg_ycck(content(32, 24, 29).convert("CMYK")), "YCCK: mode CMYK")

    # Photographs: lossless crops keep their encoder's tables and layout.
    f3 = (PHOTO / "f3.jpg").read_bytes()
    add("photo_f3_prog_crop", jpegtran(f3, "-crop", "96x64+304+200", "-progressive", "-copy", "all"),
        "photograph (f3.jpg), progressive")
    add("photo_verify_crop", jpegtran((PHOTO / "verify.jpeg").read_bytes(), "-crop", "80x72+240+160",
                                      "-copy", "all"), "photograph (verify.jpeg) with EXIF")
    add("photo_stripe", STRIPE.read_bytes(), "progressive file from another encoder, 493x58")

    # Refused.
    base = (OUT / "pil_q90_420_64x48.jpg").read_bytes()
    refuse("bad_truncated", base[: len(base) * 6 // 10], "truncated", "cut in the entropy-coded data")
    prog = (OUT / "pil_prog_420_61x45.jpg").read_bytes()
    refuse("bad_truncated_prog", prog[: len(prog) * 7 // 10], "truncated", "progressive, cut")
    refuse("bad_no_eoi_prog", prog[: len(prog) - 2], "truncated", "progressive, EOI missing")
    sos = base.index(b"\xff\xda")
    refuse("bad_premature_end", base[: sos + 400] + b"\xff\xd9", "premature end",
           "entropy data cut, EOI appended (Pillow fills the rest silently)")
    refuse("bad_arithmetic", jpegtran(base, "-arithmetic"), "arithmetic", "arithmetic coding")
    sof = base.index(b"\xff\xc0")
    refuse("bad_lossless", base[:sof] + b"\xff\xc3" + base[sof + 2:], "lossless", "SOF3")
    refuse("bad_12bit", base[: sof + 4] + b"\x0c" + base[sof + 5:], "12-bit", "precision 12")
    big = base[: sof + 5] + (50000).to_bytes(2, "big") + (50000).to_bytes(2, "big") + base[sof + 9:]
    refuse("bad_too_many_pixels", big, "pixels", "50000x50000 declared")
    refuse("bad_junk_after_soi", base[:2] + b"\x00\x01\x02", "truncated", "no marker after SOI")

    sof0 = base.index(b"\xff\xc0")
    add("pil_junk_between_markers", base[:sof0] + b"\x00\x11\x22" + base[sof0:-2] + b"\x33\xff\xff" + base[-2:],
        "stray bytes before SOF and EOI: libjpeg-turbo warns and skips them")
    restart = (OUT / "pil_restart_blocks_48x40.jpg").read_bytes()
    rst0 = restart.index(b"\xff\xd0")
    refuse("bad_restart_number", restart[: rst0 + 1] + b"\xd3" + restart[rst0 + 2:], "expected restart marker RST0",
           "RST3 where RST0 belongs (libjpeg-turbo resynchronizes with a warning)")
    ones = base[: sos + 300] + b"\xff\x00" * 8 + base[sos + 316:]
    refuse("bad_huffman_code", ones, "bad Huffman code", "64 one bits in the entropy data (Pillow decodes garbage)")

    (OUT / "cases.json").write_text(json.dumps(cases, indent=1) + "\n")
    total = sum(f.stat().st_size for f in OUT.iterdir())
    print(f"{len(cases)} cases, {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
