"""PyTorch references for SigLIP's sigmoid loss and one SigLIP training step.

Run from the repository root (PyTorch 2.13, open_clip 3.3, CPU):

    /tmp/peers/venv/bin/python parity/make_siglip_loss_cases.py

Writes two files of float32 tensors:

jclip-core/src/test/resources/parity/siglip/loss.safetensors, for SigmoidLossParityTest: cases
C = 0..N-1 (N in the metadata's "cases"), each

  C.image, C.text          features [B, D] before normalization
  C.logit_scale, C.logit_bias   scalars (logit_scale before exp)
  C.loss                   open_clip's SigLipLoss on F.normalize'd features, logit_scale.exp() and the bias
  C.grad.image, C.grad.text, C.grad.logit_scale, C.grad.logit_bias   its gradients

jclip-train/src/test/resources/parity/siglip-step/step.safetensors, for SigLipStepParityTest: a tiny
open_clip CLIP (ViT 8x8 px, patch 4, width 32, 2 heads, one block; text context 6, vocabulary 20,
width 32, 2 heads, one block; embed 16; QuickGELU) with logit_scale ln 10 and logit_bias -10,
every other tensor drawn at random (`model.NAME`), a batch of 4 pairs (`input.images`,
`input.tokens` int32, one largest id per row so that argmax pooling has no ties), the sigmoid
loss in training mode (`loss`) and every parameter's gradient (`grad.NAME`), and the weights
after one step of torch.optim.AdamW (lr 1e-3, betas (0.9, 0.98), eps 1e-3, weight decay 0.2
on what open_clip's training decays: rank >= 2, no "bn", "ln", "bias" or "logit_scale" in the
name) followed by open_clip's clamp of logit_scale to [0, ln 100] (`after.NAME`).

Why eps 1e-3 and not open_clip's 1e-6: Adam's first update is g / (|g| + eps) per element. The
gradient of the attention's key bias is zero in exact arithmetic (softmax ignores a shift shared
by all keys), so float32 leaves rounding noise of about 1e-10 there, and with eps 1e-6 that noise
alone decides an update of a few percent of lr, differently in any two implementations. With eps
1e-3 every update is a smooth function of the gradient, and the step is compared to 1e-3 of lr.
"""
import math
import os

import numpy as np
import open_clip
import torch
import torch.nn.functional as F
from open_clip.loss import SigLipLoss
from safetensors.torch import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOSS_OUT = os.path.join(ROOT, "jclip-core/src/test/resources/parity/siglip/loss.safetensors")
STEP_OUT = os.path.join(ROOT, "jclip-train/src/test/resources/parity/siglip-step/step.safetensors")

# (B, D, logit_scale, logit_bias, how the features are made)
LOSS_CASES = [
    (1, 4, math.log(10), -10.0, "random"),
    (2, 3, math.log(10), -10.0, "random"),
    (5, 8, math.log(100), -10.0, "random"),
    (8, 16, 2.0, 0.0, "random"),
    (6, 8, math.log(100), 12.0, "matched"),      # logits up to 112: log-sigmoid must not overflow
    (7, 5, math.log(100), -40.0, "matched"),     # every logit far below 0
    (16, 32, 3.0, -5.0, "random"),
]


def loss_cases(gen):
    out = {}
    for k, (b, d, scale, bias, kind) in enumerate(LOSS_CASES):
        image = torch.randn(b, d, generator=gen) * (0.5 + 2 * torch.rand(b, 1, generator=gen))
        if kind == "matched":
            text = image * 3 + 0.05 * torch.randn(b, d, generator=gen)
        else:
            text = torch.randn(b, d, generator=gen) * (0.5 + 2 * torch.rand(b, 1, generator=gen))
        leaves = {"image": image.clone().requires_grad_(), "text": text.clone().requires_grad_(),
                  "logit_scale": torch.tensor(scale, dtype=torch.float32, requires_grad=True),
                  "logit_bias": torch.tensor(bias, dtype=torch.float32, requires_grad=True)}
        loss = SigLipLoss()(F.normalize(leaves["image"], dim=-1), F.normalize(leaves["text"], dim=-1),
                            leaves["logit_scale"].exp(), leaves["logit_bias"])
        loss.backward()
        for name, t in leaves.items():
            out[f"{k}.{name}"] = t.detach().clone()
            out[f"{k}.grad.{name}"] = t.grad.clone()
        out[f"{k}.loss"] = loss.detach().clone()
        print(f"case {k}: B={b} D={d} loss {loss.item():.6f}")
    return out


def tiny_model(gen):
    model = open_clip.model.CLIP(
        embed_dim=16,
        vision_cfg=dict(image_size=8, patch_size=4, width=32, head_width=16, layers=1, mlp_ratio=4),
        text_cfg=dict(context_length=6, vocab_size=20, width=32, heads=2, layers=1),
        quick_gelu=True, init_logit_scale=math.log(10), init_logit_bias=-10.0)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name in ("logit_scale", "logit_bias"):
                continue
            r = torch.randn(p.shape, generator=gen)
            if p.dim() == 1 and name.endswith(".weight"):      # LayerNorm gains
                p.copy_(1 + 0.2 * r)
            elif p.dim() >= 2:
                p.copy_(r / math.sqrt(np.prod(p.shape[1:])))
            else:
                p.copy_(0.1 * r)
    return model.train()


def step_case(gen):
    model = tiny_model(gen)
    images = torch.randn(4, 3, 8, 8, generator=gen)
    tokens = torch.randint(0, 19, (4, 6), generator=gen)
    for i in range(4):
        tokens[i, 1 + i] = 19                                  # the end token, one per row
    out = {"model." + k: v.detach().clone() for k, v in model.state_dict().items()}
    out["input.images"] = images
    out["input.tokens"] = tokens.to(torch.int32)

    img = model.encode_image(images, normalize=True)
    txt = model.encode_text(tokens, normalize=True)
    loss = SigLipLoss()(img, txt, model.logit_scale.exp(), model.logit_bias)
    loss.backward()
    out["loss"] = loss.detach().clone()
    for name, p in model.named_parameters():
        out["grad." + name] = (p.grad if p.grad is not None else torch.zeros_like(p)).clone()

    exclude = lambda n, p: p.ndim < 2 or "bn" in n or "ln" in n or "bias" in n or "logit_scale" in n
    named = list(model.named_parameters())
    groups = [{"params": [p for n, p in named if exclude(n, p)], "weight_decay": 0.0},
              {"params": [p for n, p in named if not exclude(n, p)], "weight_decay": 0.2}]
    opt = torch.optim.AdamW(groups, lr=1e-3, betas=(0.9, 0.98), eps=1e-3)
    opt.step()
    with torch.no_grad():
        model.logit_scale.clamp_(0, math.log(100))
    for k, v in model.state_dict().items():
        out["after." + k] = v.detach().clone()
    print(f"step: loss {loss.item():.6f}, logit_scale {model.logit_scale.item():.6f}, "
          f"logit_bias {model.logit_bias.item():.6f}")
    return out


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(17)
    meta = {"torch": torch.__version__, "open_clip": open_clip.__version__, "cases": str(len(LOSS_CASES))}
    os.makedirs(os.path.dirname(LOSS_OUT), exist_ok=True)
    save_file({k: v.contiguous() for k, v in loss_cases(gen).items()}, LOSS_OUT, metadata=meta)
    os.makedirs(os.path.dirname(STEP_OUT), exist_ok=True)
    save_file({k: v.contiguous() for k, v in step_case(gen).items()}, STEP_OUT, metadata=meta)


if __name__ == "__main__":
    main()
