"""Pillow in-process (Debian python3-pil, run by /usr/bin/python3): draft()
then thumbnail(LANCZOS) and save at the same quality, looped over one input
buffer after warm-up. draft() asks the JPEG decoder for a DCT-scaled image
at least twice the box, as thumbnail() itself would (reducing_gap 2).

  pillow_bench.py FILE WIDTH HEIGHT FORMAT QUALITY RUNS WARMUP [OUT]

Prints one JSON line: {"ms": [...], "cpu_ms": [...], ...}: wall time and
the process's CPU time per run."""

import io
import json
import sys
import time

import PIL
from PIL import Image

REDUCING_GAP = 2.0
SAVE_FORMAT = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


def once(data, box, fmt, quality):
    im = Image.open(io.BytesIO(data))
    im.draft(im.mode, (int(box[0] * REDUCING_GAP), int(box[1] * REDUCING_GAP)))
    im.thumbnail(box, Image.LANCZOS, reducing_gap=REDUCING_GAP)
    out = io.BytesIO()
    if fmt == "png":
        im.save(out, SAVE_FORMAT[fmt])
    else:
        im.save(out, SAVE_FORMAT[fmt], quality=quality)
    return im.size, out.getvalue()


def main():
    path, w, h, fmt, quality, runs, warmup = sys.argv[1:8]
    out_path = sys.argv[8] if len(sys.argv) > 8 else None
    with open(path, "rb") as f:
        data = f.read()
    box = (int(w), int(h))
    ms, cpu_ms = [], []
    for i in range(-int(warmup), int(runs)):
        c0, t0 = time.process_time(), time.perf_counter()
        size, encoded = once(data, box, fmt, int(quality))
        t1, c1 = time.perf_counter(), time.process_time()
        if i >= 0:
            ms.append((t1 - t0) * 1e3)
            cpu_ms.append((c1 - c0) * 1e3)
    if out_path:
        with open(out_path, "wb") as f:
            f.write(encoded)
    print(json.dumps({"ms": ms, "cpu_ms": cpu_ms, "out_width": size[0], "out_height": size[1],
                      "out_bytes": len(encoded), "version": PIL.__version__}))


if __name__ == "__main__":
    main()
