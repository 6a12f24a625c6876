"""Prints {path: [format, width, height, upright_width, upright_height,
frames]} for every path given, as JSON. Run by Debian's /usr/bin/python3, which has
Pillow; the test driver's python3 has none. upright_* is the size after the
EXIF orientation is applied (what a thumbnailer should fit in its box);
frames is 1 for a still image."""

import json
import sys

from PIL import Image, ImageOps

info = {}
for path in sys.argv[1:]:
    with Image.open(path) as im:
        upright = ImageOps.exif_transpose(im)
        info[path] = [im.format, im.width, im.height, upright.width,
                      upright.height, getattr(im, "n_frames", 1)]
json.dump(info, sys.stdout)
