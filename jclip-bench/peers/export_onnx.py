"""Exports the image and the text encoder of the peer models to ONNX and checks them.

The graphs are traced from the independent reference clipref.encode_image /
encode_text (/work/shared/reference/clipref.py, imported by path), with the
safetensors weights as parameters under their original names: the ONNX
initializers carry those names and the very same bytes (checked below), and no
constant folding and no Conv+BatchNorm fusion is done at export (TrainingMode.PRESERVE
on a module in eval mode); ONNX Runtime does both at session creation.

usage: /tmp/peers/venv/bin/python export_onnx.py [DIR] [NAME ...]
       DIR (default /tmp/jclip-peers) holds NAME.safetensors from make_weights.py;
       writes DIR/NAME.image.onnx and DIR/NAME.text.onnx. NAMEs default to
       ViT-B-32 RN50 ViT-B-16. Needs torch and onnx; the numeric check against
       clipref also needs the onnxruntime Python package (skipped with a note if missing).
"""
import inspect
import os
import sys

import numpy as np
import torch
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_weights import load_clipref  # noqa: E402

R = load_clipref()
OPSET = 17
START, END = 49406, 49407


class Encoder(torch.nn.Module):
    """Holds state-dict tensors as parameters named exactly like their keys (as nested modules)."""

    def __init__(self, sd, what):
        super().__init__()
        self.what = what
        self.keys = sorted(sd)
        for k in self.keys:
            *path, leaf = k.split(".")
            mod = self
            for p in path:
                if not hasattr(mod, p):
                    mod.add_module(p, torch.nn.Module())
                mod = getattr(mod, p)
            mod.register_parameter(leaf, torch.nn.Parameter(sd[k], requires_grad=False))

    def forward(self, x):
        sd = dict(self.named_parameters())
        return R.encode_image(sd, x) if self.what == "image" else R.encode_text(sd, x)


def subset(sd, what):
    if what == "image":
        return {k: v for k, v in sd.items() if k.startswith("visual.")}
    return {k: v for k, v in sd.items() if not k.startswith("visual.") and k != "logit_scale"}


def example(sd, what, batch, seed):
    g = torch.Generator().manual_seed(seed)
    if what == "image":
        res = _image_size(sd)
        return torch.randn(batch, 3, res, res, generator=g)
    ctx = int(sd["positional_embedding"].shape[0])
    tokens = torch.zeros(batch, ctx, dtype=torch.int64)
    for b in range(batch):
        n = int(torch.randint(1, ctx - 1, (1,), generator=g)) if b else ctx - 2
        tokens[b, 0] = START
        tokens[b, 1:n + 1] = torch.randint(1, START, (n,), generator=g)
        tokens[b, n + 1] = END
    return tokens


def _image_size(sd):
    if "visual.proj" in sd:
        patch = int(sd["visual.conv1.weight"].shape[-1])
        grid = int(round((sd["visual.positional_embedding"].shape[0] - 1) ** 0.5))
        return grid * patch
    grid = int(round((sd["visual.attnpool.positional_embedding"].shape[0] - 1) ** 0.5))
    return grid * 32


def export(sd, what, path):
    enc = Encoder(subset(sd, what), what).eval()
    x = example(sd, what, 2, 0)
    name_in, name_out = ("images", "image_features") if what == "image" else ("tokens", "text_features")
    # The TorchScript exporter: PyTorch 2.9 and later default to the dynamo one, which needs onnxscript.
    legacy = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    with torch.no_grad():
        torch.onnx.export(enc, (x,), path, opset_version=OPSET, do_constant_folding=False,
                          training=torch.onnx.TrainingMode.PRESERVE,
                          input_names=[name_in], output_names=[name_out],
                          dynamic_axes={name_in: {0: "batch"}, name_out: {0: "batch"}}, **legacy)
    return enc


def check_weights(sd, what, path):
    """Every tensor of the tower must be an initializer of the same name with the same bytes."""
    model = onnx.load(path)
    onnx.checker.check_model(model)
    inits = {i.name: i for i in model.graph.initializer}
    want = subset(sd, what)
    missing = [k for k in want if k not in inits]
    if missing:
        raise SystemExit(f"{path}: initializers missing for {missing[:5]} ({len(missing)} in all)")
    for k, t in want.items():
        a = numpy_helper.to_array(inits[k])
        if a.dtype != np.float32 or a.shape != tuple(t.shape) or a.tobytes() != t.numpy().tobytes():
            raise SystemExit(f"{path}: initializer {k} differs from the safetensors tensor")
    return len(want), len(inits)


def check_outputs(sd, what, path):
    try:
        import onnxruntime as ort
    except ImportError:
        return "onnxruntime not installed: numeric check skipped"
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = 2
    sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    lines = []
    for batch, seed in ((1, 11), (5, 12)):
        x = example(sd, what, batch, seed)
        with torch.no_grad():
            ref = (R.encode_image(sd, x) if what == "image" else R.encode_text(sd, x)).numpy()
        got = sess.run(None, {sess.get_inputs()[0].name: x.numpy()})[0]
        diff = np.abs(got - ref)
        lines.append(f"batch={batch} max_abs_diff={diff.max():.3e} max_abs_ref={np.abs(ref).max():.3e} "
                     f"max_rel_diff={(diff.max() / np.abs(ref).max()):.3e}")
    return "; ".join(lines)


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "/tmp/jclip-peers"
    names = sys.argv[2:] or ["ViT-B-32", "RN50", "ViT-B-16"]
    torch.set_num_threads(2)
    for name in names:
        src = os.path.join(d, name + ".safetensors")
        if not os.path.isfile(src):
            raise SystemExit(f"{src} missing: run make_weights.py {d} {name} first")
        sd = R.load_safetensors(src)
        for what in ("image", "text"):
            path = os.path.join(d, f"{name}.{what}.onnx")
            export(sd, what, path)
            n, m = check_weights(sd, what, path)
            print(f"{path} opset={OPSET} tensors={n} initializers={m} weights=identical "
                  f"check: {check_outputs(sd, what, path)}", flush=True)


if __name__ == "__main__":
    main()
