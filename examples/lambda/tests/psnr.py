"""Prints [PSNR in dB, ...] of each pair of images given (a b a b ...), as
JSON: their first frames as RGBA, inf when identical, 0 when the sizes
differ. Run by Debian's /usr/bin/python3, which has Pillow and numpy."""

import json
import sys

import numpy
from PIL import Image

PEAK = 255.0


def pixels(path):
    with Image.open(path) as im:
        return numpy.asarray(im.convert("RGBA"), dtype=numpy.float64)


out = []
paths = sys.argv[1:]
for a, b in zip(paths[0::2], paths[1::2]):
    pa, pb = pixels(a), pixels(b)
    if pa.shape != pb.shape:
        out.append(0.0)
        continue
    mse = float(numpy.mean((pa - pb) ** 2))
    out.append(float("inf") if mse == 0 else
               10 * numpy.log10(PEAK * PEAK / mse))
json.dump(out, sys.stdout)
