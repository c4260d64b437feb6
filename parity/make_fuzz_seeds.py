"""Seed corpora of the Jazzer fuzz tests (*FuzzTest), written by the reference libraries.

Run from the repository root:

    /tmp/peers/venv/bin/python parity/make_fuzz_seeds.py

(Pillow 12.3 with libtiff and libwebp, numpy, torch, safetensors.) It rewrites the files named
seed-* in each fuzz test's inputs folder, src/test/resources/<package>/<Class>Inputs/<method>/,
where Jazzer replays them in regression mode and starts fuzzing from them. Files named crash-*
there are inputs that once failed; they stay as regression inputs and are not touched here.

Seeds are small (a few hundred bytes, tar archives a few blocks) so that mutations reach every
part of them; libFuzzer's largest input is then 4096 bytes or the largest seed.
"""
import io
import json
import tarfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from safetensors.torch import save as save_safetensors

ROOT = Path(__file__).resolve().parent.parent


def folder(module, package, cls, method):
    d = ROOT / module / "src/test/resources" / package / f"{cls}Inputs" / method
    d.mkdir(parents=True, exist_ok=True)
    for old in d.glob("seed-*"):
        old.unlink()
    return d


def write(d, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    assert len(data) <= 8192, (name, len(data))
    (d / f"seed-{name}").write_bytes(data)


def json_seeds():
    d = folder("jclip-core", "dev/jclip/io", "JsonFuzzTest", "parse")
    write(d, "config.json", json.dumps({
        "embed_dim": 512,
        "vision_cfg": {"image_size": 224, "layers": 12, "width": 768, "patch_size": 32},
        "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 512, "heads": 8, "layers": 12},
        "quick_gelu": True, "init_logit_scale": 2.6592, "custom_text": None}, indent=2))
    write(d, "header.json", json.dumps({
        "__metadata__": {"format": "pt"},
        "logit_scale": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]},
        "visual.proj": {"dtype": "F16", "shape": [2, 3], "data_offsets": [4, 16]}}))
    write(d, "vocab.json", json.dumps({"!": 0, "\"": 1, "a</w>": 2, "\u00e9": 3, "<|startoftext|>": 4}))
    write(d, "escapes.json", r'["\"\\\/\b\f\n\r\t", "\u00e9\u4e2d\ud83d\ude00", "\ud800", "caf' + "\u00e9" + r'"]')
    write(d, "numbers.json", "[0, -0, 1, -17, 9223372036854775807, -9223372036854775808, 12345678901234567890,"
                             " 0.5, -1.25e-3, 6.02E+23, 1e400, -0.0, 3.141592653589793]")
    write(d, "nested.json", '{"a": [[[{"b": [true, false, null, {}]}]]], "c": {"": ""}}')
    write(d, "whitespace.json", ' \t\r\n{ "k" :\t[ 1 ,\n2 ] }\r\n ')


def safetensors_seeds():
    d = folder("jclip-core", "dev/jclip/io", "SafeTensorsFuzzTest", "open")
    g = torch.Generator().manual_seed(0)
    write(d, "float-types.safetensors", save_safetensors({
        "f32": torch.randn(2, 3, generator=g),
        "f16": torch.randn(3, generator=g).half(),
        "bf16": torch.randn(2, 2, generator=g).bfloat16()}))
    write(d, "int-types.safetensors", save_safetensors({
        "i32": torch.tensor([1, -2, 3], dtype=torch.int32),
        "i64": torch.tensor([[4, -5], [1 << 40, 7]], dtype=torch.int64),
        "u8": torch.tensor([0, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True])}))
    write(d, "metadata.safetensors", save_safetensors(
        {"logit_scale": torch.tensor(4.6052), "empty": torch.zeros(0, 3)},
        metadata={"format": "pt", "model": "ViT-B-32"}))
    write(d, "no-tensors.safetensors", save_safetensors({}))


def tokenizer_seeds():
    d = folder("jclip-core", "dev/jclip/text", "ClipTokenizerFuzzTest", "encode")
    texts = {
        "plain.txt": "a photo of a cat",
        "punctuation.txt": "The dog's ball -- isn't it red?! (42 balls, 3.5kg)",
        "html.txt": "Fish &amp; chips &lt;b&gt; &#39;quoted&#39; &amp;amp;lt; &nbsp;&eacute;",
        "mojibake.txt": "cafÃ© â€œquotesâ€\x9d Ã¢â‚¬â„¢ sÃ£o paulo",
        "unicode.txt": "日本語のテキスト 😀👍🏽 Ελληνικά ﬁ ﬀ ＡＢＣ\u200b\u00ad",
        "whitespace.txt": "  tabs\tand\nnew\r\nlines   \u3000\u00a0 ",
        "special.txt": "<|startoftext|>hello<|endoftext|> <|endoftext|>",
        "long-word.txt": "supercalifragilisticexpialidocious" * 8,
    }
    for name, text in texts.items():
        write(d, name, text)


def small_image(mode, w=5, h=4):
    rng = np.random.default_rng(len(mode) * 7 + w)
    bands = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4, "CMYK": 4}
    if mode == "1":
        return Image.fromarray(rng.integers(0, 2, (h, w), dtype=np.uint8) * 255).convert("1")
    if mode == "P":
        return Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8)).convert("P", palette=Image.Palette.ADAPTIVE, colors=8)
    if mode == "I;16":
        return Image.fromarray(rng.integers(0, 65535, (h, w), dtype=np.uint16))
    a = rng.integers(0, 255, (h, w, bands[mode]), dtype=np.uint8)
    return Image.fromarray(a[:, :, 0] if mode == "L" else a, mode if mode != "L" else None)


def encoded(img, fmt, **kw):
    b = io.BytesIO()
    img.save(b, fmt, **kw)
    return b.getvalue()


def image_seeds():
    d = folder("jclip-core", "dev/jclip/image", "ImageDecoderFuzzTest", "decode")
    rgb = small_image("RGB", 9, 7)
    write(d, "baseline.jpg", encoded(rgb, "JPEG", quality=80))
    write(d, "progressive.jpg", encoded(rgb, "JPEG", quality=80, progressive=True))
    write(d, "subsampled-420.jpg", encoded(small_image("RGB", 17, 9), "JPEG", quality=70, subsampling=2))
    write(d, "gray.jpg", encoded(small_image("L", 9, 7), "JPEG"))
    write(d, "cmyk.jpg", encoded(small_image("CMYK"), "JPEG"))
    write(d, "restart.jpg", encoded(rgb, "JPEG", restart_marker_blocks=1))
    write(d, "lossy.webp", encoded(rgb, "WEBP", quality=60))
    write(d, "lossless.webp", encoded(rgb, "WEBP", lossless=True))
    write(d, "alpha.webp", encoded(small_image("RGBA"), "WEBP", quality=60))
    write(d, "alpha-lossless.webp", encoded(small_image("RGBA"), "WEBP", lossless=True))
    for mode in ("RGB", "RGBA", "L", "LA", "1", "P", "I;16"):
        write(d, f"{mode.replace(';', '').lower()}.png", encoded(small_image(mode), "PNG"))
    write(d, "interlaced.png", encoded(small_image("RGB"), "PNG", interlace=1))
    write(d, "palette.gif", encoded(small_image("P"), "GIF"))
    write(d, "gray.gif", encoded(small_image("L"), "GIF"))
    for mode in ("RGB", "P", "1", "L"):
        write(d, f"{mode.lower()}.bmp", encoded(small_image(mode), "BMP"))
    write(d, "raw.tif", encoded(small_image("RGB"), "TIFF"))
    write(d, "lzw.tif", encoded(small_image("RGB"), "TIFF", compression="tiff_lzw"))
    write(d, "packbits-gray.tif", encoded(small_image("L"), "TIFF", compression="packbits"))
    write(d, "deflate-rgba.tif", encoded(small_image("RGBA"), "TIFF", compression="tiff_adobe_deflate"))
    write(d, "jpeg.tif", encoded(small_image("RGB", 16, 16), "TIFF", compression="jpeg"))


def tar_bytes(members, fmt=tarfile.USTAR_FORMAT):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=fmt) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type = tarfile.DIRTYPE
                t.addfile(info)
            else:
                info.size = len(data)
                info.mtime = 0
                t.addfile(info, io.BytesIO(data))
    # tarfile pads to 20 blocks; the two zero blocks ending the archive are enough.
    data = b.getvalue().rstrip(b"\0")
    return data + bytes(-len(data) % 512 + 1024)


def tar_seeds():
    jpg = encoded(small_image("RGB", 4, 4), "JPEG", quality=50, optimize=True)
    png = encoded(small_image("L", 3, 3), "PNG")
    sample = [("00/a.jpg", jpg), ("00/a.txt", b"a small photo"),
              ("00/b.png", png), ("00/b.json", json.dumps({"caption": "gray", "k": 1}).encode()),
              ("00/c.png", png), ("00/c.cls", b"3"), ("00/c.txt", b"with a label")]
    for module, cls, method in (("jclip-data", "TarReaderFuzzTest", "read"),
                                ("jclip-data", "WebDatasetSourceFuzzTest", "examples")):
        d = folder(module, "dev/jclip/data", cls, method)
        write(d, "ustar.tar", tar_bytes(sample[:2] + [("00", None)]))
        write(d, "samples.tar", tar_bytes(sample))
        write(d, "gnu-long-name.tar", tar_bytes([("x" * 120 + "/d.jpg", jpg), ("x" * 120 + "/d.txt", b"long")],
                                                tarfile.GNU_FORMAT))
        write(d, "pax.tar", tar_bytes([("p\u00e9/e.png", png), ("p\u00e9/e.txt", "caf\u00e9".encode())], tarfile.PAX_FORMAT))
        write(d, "incomplete-samples.tar", tar_bytes([("f.jpg", jpg), ("g.txt", b"no image"), ("h.json", b"{bad")]))


def csv_seeds():
    d = folder("jclip-data", "dev/jclip/data", "CsvReaderFuzzTest", "read")
    write(d, "openclip.csv", "filepath,title\nimages/a.jpg,a photo of a cat\nimages/b.jpg,\"a dog, running\"\n")
    write(d, "quotes.csv", "a,\"b \"\"quoted\"\"\",\"multi\nline\"\r\nc,d,\"\"\r\n")
    write(d, "bom-crlf.csv", "\ufefffilepath,title\r\nx.png,caf\u00e9\r\n\r\ny.png,\u65e5\u672c\r")
    write(d, "tabs.tsv", "\tfilepath\ttitle\nimg.jpg\ta caption, with commas\n")
    write(d, "malformed.csv", "a,\"b\"c,d\ne,\"never closed\nf,g\n")


def http_seeds():
    d = folder("jclip-server", "dev/jclip/server", "ClipServerFuzzTest", "request")

    def req(method, path, headers=(), body=b""):
        head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"] + list(headers)
        if body or method == "POST":
            head.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(head) + "\r\n\r\n").encode() + body

    png = encoded(small_image("RGB", 4, 4), "PNG")
    boundary = "XyZ"

    def multipart(parts):
        out = b""
        for name, filename, ctype, data in parts:
            disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
            out += f"--{boundary}\r\nContent-Disposition: {disp}\r\n".encode()
            if ctype:
                out += f"Content-Type: {ctype}\r\n".encode()
            out += b"\r\n" + data + b"\r\n"
        return out + f"--{boundary}--\r\n".encode()

    form = [f"Content-Type: multipart/form-data; boundary={boundary}"]
    write(d, "health.http", req("GET", "/health"))
    write(d, "embed-texts.http", req("POST", "/embed/texts", ["Content-Type: application/json"],
                                     json.dumps({"texts": ["a cat", "a dog"]}).encode()))
    write(d, "embed-image-raw.http", req("POST", "/embed/image", ["Content-Type: image/png"], png))
    write(d, "embed-image-multipart.http", req("POST", "/embed/image", form,
                                               multipart([("image", "a.png", "image/png", png)])))
    write(d, "classify.http", req("POST", "/classify", form,
                                  multipart([("image", "a.png", "image/png", png), ("classes", None, None, b"cat"),
                                             ("classes", None, None, b"dog")])))
    write(d, "search-text.http", req("GET", "/search?q=a%20cat&k=3"))
    write(d, "search-image.http", req("POST", "/search?k=2", ["Content-Type: image/png"], png))
    chunks = [b'{"tex', b'ts": ["a cat"]}']
    write(d, "chunked.http", b"POST /embed/texts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             b"Transfer-Encoding: chunked\r\n\r\n"
                             + b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n")
    write(d, "pipelined.http", req("GET", "/health") + req("POST", "/embed/texts", ["Content-Type: application/json"],
                                                          b'{"texts": ["x"]}'))


if __name__ == "__main__":
    json_seeds()
    safetensors_seeds()
    tokenizer_seeds()
    image_seeds()
    tar_seeds()
    csv_seeds()
    http_seeds()
