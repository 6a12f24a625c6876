#!/usr/bin/python3
"""AVIF output (src/codec/avif_encode.c) through the thumbnail command:
from every input format, the AVIF decodes with libavif's own `avifdec`
and matches our PNG output of the same request within MIN_PSNR (both
premultiplied, so the colour under transparent pixels does not count),
at the same size, with alpha where the PNG has some. Then what the file
says about itself (`avifdec --info`): the chroma layout, the nclx or ICC
colour, EXIF kept or stripped, and quality ordering the bytes.

Run by CTest as:
  avif_output.py THUMBNAIL AVIFDEC CORPUS_DIR
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

MIN_PSNR = 30.0
BOX = "256"
AVIFDEC = "avifdec"

# One or more files of each input format; grey, alpha, 16-bit and
# animated among them.
INPUTS = [
    "jpeg/2569067123_aca715a2ee_o.jpg",
    "jpeg/concert.jpg",  # grey, Gray Gamma 2.2 ICC, EXIF
    "png/Flag_of_the_Netherlands-alpha.png",
    "png/16-bit-grey-alpha.png",
    "webp/bryce.webp",
    "webp/smolkling-gradient-alpha.webp",
    "gif/chi.gif",  # animated: the first frame
    "gif/grey-plus-alpha.gif",
    "heif/pug.heic",
    "heif/fox.profile0.8bpc.yuv420.avif",
    "heif/Monochrome.avif",
    "jxl/bicycles.jxl",
]

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def run(args):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(args), r.stderr.strip()))
    return r.stdout


def premultiplied(path):
    im = Image.open(path)
    a = np.asarray(im.convert("RGBA"), dtype=np.float64)
    # libavif leaves out an alpha plane that is opaque everywhere.
    has_alpha = bool((a[:, :, 3] < 255).any())
    rgb = a[:, :, :3] * a[:, :, 3:4] / 255.0
    return np.concatenate([rgb, a[:, :, 3:4]], axis=2), has_alpha


def psnr(x, y):
    mse = np.mean((x - y) ** 2)
    return 99.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)


def info(thumbnail, src, tmp, name, *options):
    out = os.path.join(tmp, name + ".avif")
    run([thumbnail, "-s", BOX, "-f", "avif", *options, "-o", out, src])
    return run([AVIFDEC, "--info", out]), os.path.getsize(out)


def field(text, key):
    for line in text.splitlines():
        if line.strip(" *").startswith(key):
            return line.split(":", 1)[1].strip()
    return None


def main():
    global AVIFDEC
    thumbnail, AVIFDEC, corpus = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as tmp:
        for rel in INPUTS:
            src = os.path.join(corpus, rel)
            base = os.path.join(tmp, rel.replace("/", "_"))
            run([thumbnail, "-s", BOX, "-f", "png", "-o", base + ".png", src])
            run([thumbnail, "-s", BOX, "-f", "avif", "-o", base + ".avif", src])
            run([AVIFDEC, base + ".avif", base + ".dec.png"])
            want, want_alpha = premultiplied(base + ".png")
            got, got_alpha = premultiplied(base + ".dec.png")
            if want.shape != got.shape:
                check(False, "%s: AVIF %s, PNG %s" % (rel, got.shape, want.shape))
                continue
            db = psnr(want, got)
            print("%-48s %dx%d %6d bytes %5.1f dB" %
                  (rel, want.shape[1], want.shape[0],
                   os.path.getsize(base + ".avif"), db))
            check(db >= MIN_PSNR, "%s: %.1f dB < %.1f" % (rel, db, MIN_PSNR))
            check(got_alpha == want_alpha,
                  "%s: alpha %s in AVIF, %s in PNG" % (rel, got_alpha, want_alpha))

        photo = os.path.join(corpus, INPUTS[0])
        grey = os.path.join(corpus, "jpeg/concert.jpg")
        text, _ = info(thumbnail, photo, tmp, "plain")
        check(field(text, "Format") == "YUV420", "default layout: " + text)
        check(field(text, "Range") == "Full", "range: " + text)
        # sRGB by nclx: BT.709 primaries, sRGB transfer, BT.601 matrix.
        check(field(text, "Color Primaries") == "1", "primaries: " + text)
        check(field(text, "Transfer Char.") == "13", "transfer: " + text)
        check(field(text, "Matrix Coeffs.") == "6", "matrix: " + text)
        check(field(text, "ICC Profile") == "Absent", "ICC: " + text)
        check(field(text, "Exif Metadata") == "Absent", "EXIF: " + text)
        text, _ = info(thumbnail, photo, tmp, "444", "--subsampling", "444")
        check(field(text, "Format") == "YUV444", "444 layout: " + text)
        text, _ = info(thumbnail, grey, tmp, "grey")
        check(field(text, "Format") == "YUV400", "grey layout: " + text)
        text, _ = info(thumbnail, photo, tmp, "tagged", "--color", "tagged")
        check((field(text, "ICC Profile") or "").startswith("Present"),
              "tagged ICC: " + text)
        text, _ = info(thumbnail, grey, tmp, "exif", "--keep-exif")
        check((field(text, "Exif Metadata") or "").startswith("Present"),
              "kept EXIF: " + text)
        _, low = info(thumbnail, photo, tmp, "q30", "-q", "30")
        _, high = info(thumbnail, photo, tmp, "q90", "-q", "90")
        check(low < high, "quality 30 gives %d bytes, 90 %d" % (low, high))
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("all AVIF outputs decode and match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
