"""open_clip's folder-embedding pipeline, the peer of `jclip bench embed`.

    /tmp/peers/venv/bin/python jclip-bench/peers/embed_folder_open_clip.py DIR [--threads 2] [--workers 2]

What a Python user runs to embed a folder of photos: open_clip 3.3's ViT-B-32 (random weights:
speed does not depend on them) with its own evaluation transform (Pillow decode, torchvision
Resize(224, bicubic), CenterCrop, ToTensor, Normalize), a torch DataLoader with `--workers`
worker processes and batch 32, the encoder on `--threads` torch threads under no_grad. First
the decode-only rate: reading, decoding and preprocessing every file on this one thread
(Pillow + torchvision, as one DataLoader worker does it). Then one warm-up batch, then the
timed pass over the folder, with the CPU time it took per image (this process and its workers;
on a busy machine the CPU time is the steadier figure). The last line is
`embed images=N images_per_s=X decode_per_thread_images_per_s=Y`.
"""

import argparse
import os
import resource
import time

import open_clip
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset

EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")


class Folder(Dataset):
    def __init__(self, files, transform):
        self.files = files
        self.transform = transform

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        with Image.open(self.files[i]) as im:
            return self.transform(im)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    files = sorted(os.path.join(r, f) for r, _, fs in os.walk(args.dir) for f in fs
                   if f.lower().endswith(EXTENSIONS))
    model, _, preprocess = open_clip.create_model_and_transforms("ViT-B-32", pretrained=None)
    model.eval()
    print(f"open_clip {open_clip.__version__}, torch {torch.__version__}, {len(files)} images, "
          f"batch {args.batch}, torch threads {args.threads}, DataLoader workers {args.workers}", flush=True)

    data = Folder(files, preprocess)
    t = time.perf_counter()
    for i in range(len(data)):
        data[i]
    decode = len(data) / (time.perf_counter() - t)
    print(f"read+decode+preprocess alone: {decode:.2f} images/s on one thread", flush=True)

    with torch.no_grad():
        model.encode_image(torch.stack([data[i] for i in range(min(args.batch, len(data)))]))
        loader = DataLoader(data, batch_size=args.batch, num_workers=args.workers)
        t, cpu = time.perf_counter(), cpu_seconds()
        n = 0
        for batch in loader:
            model.encode_image(batch)
            n += batch.shape[0]
        rate = n / (time.perf_counter() - t)
        # The workers have exited here, so their CPU time is in RUSAGE_CHILDREN.
        per_image = (cpu_seconds() - cpu) / n
    print(f"pipeline: {rate:.2f} images/s, {per_image:.4f} cpu s/image (this process and its DataLoader workers)")
    print(f"embed images={n} images_per_s={rate:.2f} decode_per_thread_images_per_s={decode:.2f}")


def cpu_seconds():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()
