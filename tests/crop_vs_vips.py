#!/usr/bin/python3
"""--crop attention keeps what vipsthumbnail --smartcrop attention keeps.

Usage: crop_vs_vips.py THUMBNAIL_CLI VIPSTHUMBNAIL CORPUS_DIR

For each photo below, whose subject is off-centre, both tools make a
SIZExSIZE cover thumbnail. Each result is located inside our uncropped
scaled image (the same scale, from a one-axis -s) by the best match along
the axis that overflows: ours is found exactly, vips's (resampled by
another resizer) within a pixel. The offsets must agree within
TOLERANCE_FRACTION of the window, and the centre crop must not: that is
what shows the images test the choice of the window at all.

Tolerance: libvips places its window on a 32x32 shrink of the scaled
image, to 1/32 of it (4 to 6 pixels here), and centres it on a blurred
peak where we take the window of highest total interest; both keep the
same subject when their windows overlap by 7/8, so offsets may differ by
1/8 of the window (16 pixels at 128).

Portrait_1, _3, _6 and _8 are one picture stored in four orientations:
our window is chosen on the stored pixels, so the four must agree with
each other and with vips (which works on the upright image).
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

TOLERANCE_FRACTION = 1 / 8
CASES = [  # (corpus path, box size): subject off-centre
    ("jpeg/fox410.jpg", 128),  # statue low in a portrait frame
    ("jpeg/fox410.jpg", 96),
    ("webp/4.webp", 128),  # subject left of centre
    ("orientation/Portrait_1.jpg", 128),  # person in the lower half
    ("orientation/Portrait_3.jpg", 128),
    ("orientation/Portrait_6.jpg", 128),
    ("orientation/Portrait_8.jpg", 128),
]


def load(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.float64)


def locate(big, small):
    """(x, y, mean squared error) of the best match of small in big."""
    bh, bw, _ = big.shape
    sh, sw, _ = small.shape
    best = None
    for y in range(bh - sh + 1):
        for x in range(bw - sw + 1):
            err = float(((big[y:y + sh, x:x + sw] - small) ** 2).mean())
            if best is None or err < best[2]:
                best = (x, y, err)
    return best


def main():
    cli, vips, corpus = sys.argv[1:4]
    env = dict(os.environ, VIPS_CONCURRENCY="1")
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        def out(name):
            return os.path.join(tmp, name + ".png")

        def ours(src, name, *args):
            subprocess.run([cli, src, *args, "-o", out(name)], check=True)
            return load(out(name))

        for rel, size in CASES:
            src = os.path.join(corpus, rel)
            box = f"{size}x{size}"
            subprocess.run([vips, src, "--smartcrop", "attention", "-s", box,
                            "-o", out("vips")], check=True, env=env)
            theirs = load(out("vips"))
            mine = ours(src, "ours", "-s", box, "--fit", "cover",
                        "--crop", "attention")
            centre = ours(src, "centre", "-s", box, "--fit", "cover")
            # The uncropped scaled image: the short axis fixed at size.
            wide = ours(src, "wide", "-s", f"x{size}")
            scaled = wide if wide.shape[1] >= size else ours(
                src, "tall", "-s", f"{size}x")
            assert mine.shape == theirs.shape == (size, size, 3), rel
            mx, my, merr = locate(scaled, mine)
            vx, vy, verr = locate(scaled, theirs)
            cx, cy, _ = locate(scaled, centre)
            assert merr == 0, f"{rel}: our crop is not in our scaled image"
            tol = size * TOLERANCE_FRACTION
            ok = abs(mx - vx) <= tol and abs(my - vy) <= tol
            centre_far = abs(cx - vx) > tol or abs(cy - vy) > tol
            print(f"{rel} {box}: scaled {scaled.shape[1]}x{scaled.shape[0]}"
                  f" ours ({mx},{my}) vips ({vx},{vy}; mse {verr:.1f})"
                  f" centre ({cx},{cy}) tolerance {tol:g}"
                  f" {'ok' if ok and centre_far else 'FAIL'}")
            if not ok or not centre_far:
                failures += 1
    if failures:
        print(f"{failures} of {len(CASES)} cases failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
