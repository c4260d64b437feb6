"""PyTorch's GELU outputs and gradients for jclip's GeluParityTest.

Run from the repository root (PyTorch 2.13, CPU):

    /tmp/peers/venv/bin/python parity/make_gelu_cases.py

Writes jclip-core/src/test/resources/parity/gelu/gelu.safetensors with float32 tensors:

  x            inputs: a dense sweep of [-10, 10], magnitudes from the smallest subnormal to the
               largest float of both signs, +-0, +-inf, NaN, and the neighbours of the kernels'
               thresholds
  quick, erf, tanh                 forward: x * sigmoid(1.702 x) (open_clip's QuickGELU),
                                   F.gelu(x), F.gelu(x, approximate='tanh')
  grad.quick, grad.erf, grad.tanh  d/dx of each (backward of the sum)

and metadata naming the torch version and CPU capability. PyTorch computes float32 F.gelu(x) on
a contiguous CPU tensor of more than one element with oneDNN (eltwise_gelu_erf; its
Abramowitz-Stegun form on AVX2 machines, a minimax polynomial on AVX-512 ones), its tanh form
with SLEEF's tanhf. The committed file was made on an AVX2 machine.
"""
import os

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.numpy import save_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "jclip-core", "src", "test", "resources",
                   "parity", "gelu", "gelu.safetensors")


def neighbours(values):
    """Each value and the floats one and two steps either side of it."""
    v = np.asarray(values, dtype=np.float32)
    out = [v]
    for direction in (np.inf, -np.inf):
        w = v
        for _ in range(2):
            w = np.nextafter(w, np.float32(direction))
            out.append(w)
    return np.concatenate(out)


def inputs():
    sweep = np.linspace(-10, 10, 16385, dtype=np.float32)
    magnitudes = np.float32(2.0) ** np.arange(-149, 128, 0.5, dtype=np.float64)
    magnitudes = np.concatenate([magnitudes.astype(np.float32), [np.finfo(np.float32).max]]).astype(np.float32)
    # Where e^(-x^2/2) reaches ln(FLT_MIN) (erf), |u| = 0.625 and 8.664339742 (tanh), and the
    # tanh form's cancellation tail.
    thresholds = [13.21661, 13.2166, 0.59, 0.6, 5.15, 5.16, 5.1578, 4.5, 3.0, 1.0]
    thresholds = neighbours(thresholds + [-t for t in thresholds])
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan], dtype=np.float32)
    return np.concatenate([sweep, magnitudes, -magnitudes, thresholds, special]).astype(np.float32)


def forward_and_grad(f, x):
    t = torch.from_numpy(x.copy()).requires_grad_(True)
    y = f(t)
    y.backward(torch.ones_like(y))
    return y.detach().numpy().copy(), t.grad.numpy().copy()


def main():
    torch.set_num_threads(1)
    x = inputs()
    kinds = {
        "quick": lambda t: t * torch.sigmoid(1.702 * t),
        "erf": lambda t: F.gelu(t),
        "tanh": lambda t: F.gelu(t, approximate="tanh"),
    }
    tensors = {"x": x}
    for name, f in kinds.items():
        y, g = forward_and_grad(f, x)
        tensors[name] = y
        tensors["grad." + name] = g
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    save_file(tensors, OUT, metadata={"torch": torch.__version__,
                                      "cpu_capability": torch.backends.cpu.get_cpu_capability()})
    print(f"{OUT}: {len(x)} inputs, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
