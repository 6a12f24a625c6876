#!/usr/bin/python3
"""Every valid PngSuite file decodes to the same pixels as Pillow's decoder.

Run by CTest as: pngsuite_vs_pillow.py DECODE_RAW CORPUS_DIR
(with Debian's /usr/bin/python3, which has python3-pil and python3-numpy).

Both sides are compared as RGBA. 8-bit and smaller files must match exactly.
16-bit files may differ by one level: Pillow reduces 16-bit RGB(A) and
grey+alpha samples by truncation (v >> 8), libthumbnail rounds (v / 257).
16-bit grey comes from Pillow as 16-bit and is rounded here, so it is exact.
Pillow's colour-key transparency for 1/2/4-bit grey is mended first (below).
"""
import glob
import os
import subprocess
import sys

import numpy as np
from PIL import Image


def ours(tool, path):
    raw = subprocess.run([tool, path], check=True, capture_output=True).stdout
    header, _, pixels = raw.partition(b"\n")
    w, h, c = map(int, header.split())
    a = np.frombuffer(pixels, dtype=np.uint8).reshape(h, w, c)
    if c == 1:
        a = np.dstack([a, a, a, np.full((h, w, 1), 255, np.uint8)])
    elif c == 2:
        a = np.dstack([a[:, :, :1]] * 3 + [a[:, :, 1:]])
    elif c == 3:
        a = np.dstack([a, np.full((h, w, 1), 255, np.uint8)])
    return a


def pillow(path):
    im = Image.open(path)
    depth = open(path, "rb").read()[24]
    t = im.info.get("transparency")
    if im.mode == "L" and depth < 8 and isinstance(t, int):
        # Pillow keeps a low-bit-depth grey tRNS value unscaled (15 for
        # white at 4 bits) but scales the pixels (255), so it never matches;
        # libpng compares like with like. Scale the key as libpng does.
        im.info["transparency"] = t * 255 // ((1 << depth) - 1)
    if im.mode in ("I;16", "I;16B", "I"):
        v = np.asarray(im, dtype=np.uint32)
        g = ((v * 255 + 32767) // 65535).astype(np.uint8)
        alpha = np.full(g.shape, 255, np.uint8)
        t = im.info.get("transparency")
        if t is not None:
            alpha[v == t] = 0
        return np.dstack([g, g, g, alpha])
    return np.asarray(im.convert("RGBA"))


def main():
    tool, corpus = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(os.path.join(corpus, "png/pngsuite/*.png")))
    files = [f for f in files if not os.path.basename(f).startswith("x")]
    if len(files) < 150:
        print(f"only {len(files)} PngSuite files found in {corpus}")
        return 1
    failed = 0
    for f in files:
        name = os.path.basename(f)
        a, b = ours(tool, f), pillow(f)
        sixteen = b"\x10" == open(f, "rb").read()[24:25]
        tolerance = 1 if sixteen else 0
        if a.shape != b.shape:
            print(f"FAIL {name}: shape {a.shape} vs Pillow {b.shape}")
            failed += 1
            continue
        diff = np.abs(a.astype(int) - b.astype(int))
        # Fully transparent pixels' colour is not part of the image.
        diff[(a[:, :, 3] == 0) & (b[:, :, 3] == 0)] = 0
        if diff.max() > tolerance:
            y, x, ch = np.unravel_index(diff.argmax(), diff.shape)
            print(f"FAIL {name}: max difference {diff.max()} at ({x},{y}) "
                  f"channel {ch}: ours {a[y, x]} Pillow {b[y, x]}")
            failed += 1
    print(f"{len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
