"""Pillow's JPEG decoding time, the peer of JpegDecodeBenchmark.

    /tmp/peers/venv/bin/python jclip-bench/peers/jpeg_decode_pillow.py FILE.jpg [FILE.jpg ...]

For each file: Image.open(...).load() from bytes in memory, best and median of 20 runs after 3
warm-up runs, in milliseconds and megapixels per second (one thread, as libjpeg-turbo decodes).
Time the same files with `java -jar jclip-bench/target/jclip-benchmarks.jar JpegDecodeBenchmark
-p file=FILE.jpg -p coding=baseline`.
"""

import io
import statistics
import sys
import time

from PIL import Image, features


def main():
    print(f"Pillow {Image.__version__}, libjpeg-turbo {features.version('libjpeg_turbo')}")
    for path in sys.argv[1:]:
        data = open(path, "rb").read()
        times = []
        for i in range(23):
            t = time.perf_counter()
            im = Image.open(io.BytesIO(data))
            im.load()
            if i >= 3:
                times.append(time.perf_counter() - t)
        mp = im.width * im.height / 1e6
        best, median = min(times), statistics.median(times)
        print(f"{path}: {im.mode} {im.width}x{im.height}: best {best * 1e3:.1f} ms ({mp / best:.1f} MP/s), "
              f"median {median * 1e3:.1f} ms ({mp / median:.1f} MP/s)")


if __name__ == "__main__":
    main()
