"""Animated thumbnails against an independent compositing.

usage: anim_vs_pillow.py THUMBNAIL_CLI CORPUS_DIR

Every animated corpus file below is made into a 100-pixel animated GIF and
a lossless animated WebP by the CLI. Each output frame is compared with the
input frame shown at the same time, composited by someone else -- Pillow's
GIF reader for GIF input, libwebp's WebPAnimDecoder (through Pillow's
_webp module) for WebP input -- and resized with Pillow's Lanczos (which
filters RGBA premultiplied, as we do). Output WebP is read back through
WebPAnimDecoder too; output GIF through Pillow.

Frames are compared composited over mid-grey, so that colour under
transparent pixels, which no viewer shows, does not count, and an alpha
error counts as the colour change it makes.

Thresholds, in dB of PSNR over every frame (the worst frame counts):
  WebP (lossless) 38: what remains is the difference between two Lanczos3
    implementations (Pillow's 8-bit fixed-point coefficients and its
    support rounding, ours in 14 bits); the worst file measured 39.8 dB
    (chi.gif). A wrong frame, a wrong disposal or a shifted crop gives
    10-20 dB.
  GIF 28: the same plus median-cut quantisation to at most 255 colours
    without dithering (a few levels per channel in busy frames, and
    alpha cut at 128); the worst file measured 29.3 dB
    (extended-lossless-animated.webp, a 990x1050 photo-like animation).

Left out: gif/dispose_bgnd.gif, whose frames without a transparent index
use disposal 2. Browsers (and we) clear the area to transparent; Pillow,
following the letter of the GIF spec, paints the background colour. The
disposal methods are tested on a synthetic file in test_animation.c.
"""
import io
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image, _webp

GIF_THRESHOLD_DB = 28.0
WEBP_THRESHOLD_DB = 38.0
BOX = "100"
GREY = 128.0

FILES = [
    "gif/animated-loop-3.gif", "gif/chi.gif", "gif/rotating-squares.gif",
    "gif/dispose_prev.gif", "gif/dispose_none.gif", "gif/iss634.gif",
    "gif/fire.gif", "gif/download-animation.gif",
    "gif/dispose_bgnd_transparency.gif", "gif/dispose_prev_first_frame.gif",
    "gif/transparent_dispose.gif", "gif/missing_background.gif",
    "webp/animated-loop-3.webp", "webp/rotating-squares.webp",
    "webp/extended-lossless-animated.webp", "webp/iss634.webp",
]


def webp_frames(data):
    """(RGBA image, duration ms) per frame, composited by libwebp."""
    dec = _webp.WebPAnimDecoder(data)
    width, height, _loop, _bg, count, _mode = dec.get_info()
    frames, prev = [], 0
    for _ in range(count):
        rgba, ts = dec.get_next()
        frames.append((Image.frombytes("RGBA", (width, height), rgba),
                       ts - prev))
        prev = ts
    return frames


def gif_frames(data):
    """(RGBA image, duration ms) per frame, composited by Pillow."""
    im = Image.open(io.BytesIO(data))
    frames = []
    for i in range(im.n_frames):
        im.seek(i)
        im.load()
        frames.append((im.convert("RGBA"), im.info.get("duration", 0)))
    return frames


def frames_of(data):
    return gif_frames(data) if data[:3] == b"GIF" else webp_frames(data)


def on_grey(im):
    a = np.asarray(im, dtype=np.float64)
    alpha = a[..., 3:4] / 255.0
    return a[..., :3] * alpha + GREY * (1.0 - alpha)


def psnr(a, b):
    mse = float(np.mean((a - b) ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


def shown_at(frames, t):
    """Index of the frame on screen at time t (ms)."""
    start = 0
    for i, (_, d) in enumerate(frames):
        if t < start + d:
            return i
        start += d
    return len(frames) - 1


def worst_psnr(ref, out):
    worst, t = math.inf, 0
    for i, (im, d) in enumerate(out):
        # Same count: frame by frame (zero delays make times ambiguous);
        # fewer (WebP merges identical frames): by time.
        k = i if len(out) == len(ref) else shown_at(ref, t)
        expected = ref[k][0].resize(im.size, Image.LANCZOS)
        worst = min(worst, psnr(on_grey(expected), on_grey(im)))
        t += d
    return worst


def main():
    cli, corpus = sys.argv[1], sys.argv[2]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for rel in FILES:
            src = os.path.join(corpus, rel)
            with open(src, "rb") as f:
                ref = frames_of(f.read())
            if len(ref) < 2:
                failures.append(f"{rel}: not animated ({len(ref)} frame)")
                continue
            for ext, extra, threshold in (("gif", [], GIF_THRESHOLD_DB),
                                          ("webp", ["--lossless"],
                                           WEBP_THRESHOLD_DB)):
                dst = os.path.join(tmp, "out." + ext)
                subprocess.run([cli, "-s", BOX, *extra, src, "-o", dst],
                               check=True)
                with open(dst, "rb") as f:
                    out = frames_of(f.read())
                db = worst_psnr(ref, out)
                line = (f"{rel} -> {ext}: {len(ref)} frames in, {len(out)} "
                        f"out, worst frame {db:.2f} dB (>= {threshold})")
                print(line)
                if len(out) < 2 or not db >= threshold:
                    failures.append(line)
    for line in failures:
        print("FAIL", line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
