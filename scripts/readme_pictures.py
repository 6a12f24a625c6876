"""Makes the README's before/after pictures (issue 3) in doc/pictures/.

    /usr/bin/python3 scripts/readme_pictures.py CLI CORPUS OUTDIR

CLI is the built `thumbnail` command, CORPUS the shared image corpus,
OUTDIR where the pictures go. Run through scripts/readme-pictures.sh,
which builds CLI first. "After" is always our CLI with default options;
"before" is what a thumbnailer that gets the case wrong gives: our CLI
with the feature switched off where there is a switch (--no-rotate, no
--linear), Pillow doing the naive thing where there is none (straight-alpha
filtering, CMYK converted without its ICC profile). Every picture, before
and after alike, is re-encoded here with the same settings, so encoder
differences cannot pass for pipeline differences.

Deterministic: the same corpus, CLI and Pillow give the same bytes. Each
picture is checked for the effect it is meant to show, so a regression in
the library stops the script rather than shipping a misleading picture.
"""

import io
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image, ImageCms, ImageDraw, ImageFont

# Long side of every thumbnail, in pixels.
THUMB_SIZE = 240
# JPEG settings for the photos: 4:4:4 keeps the colour comparison honest.
JPEG_QUALITY = 88
JPEG_SUBSAMPLING_444 = 0

# Transparency is shown over a light checkerboard, as image editors do;
# light, so that a dark fringe stands out.
CHECKER_LIGHT = 255
CHECKER_DARK = 224
CHECKER_SQUARE = 8

# The alpha zoom: a patch of the 240x180 thumbnail around the second
# (orange) circle, where the naive fringe is plainest, enlarged by
# nearest-neighbour so every pixel stays visible.
ALPHA_ZOOM_BOX = (84, 22, 144, 82)
ALPHA_ZOOM_FACTOR = 4
ZOOM_MARK_RGB = (0, 102, 204)

# The linear-light test card: a word drawn as a 1-pixel black/white
# checkerboard on plain sRGB 128. The checkerboard's light is half white,
# which is sRGB 188; averaging the stored values instead gives 128, the
# background, so the word vanishes.
CARD_WIDTH = 960
CARD_HEIGHT = 640
CARD_BACKGROUND = 128
CARD_WORD = "LINEAR"
# Pillow's built-in bitmap font, scaled up by whole pixels: no system
# font, so the card is the same on every machine.
CARD_GLYPH_SCALE = 20
# sRGB value of linear 0.5, and how far a measured mean may stray from the
# value it should have (ringing at the glyph edges, rounding).
SRGB_HALF_LIGHT = 188
MEAN_TOLERANCE = 6
# The card's own pixels, shown enlarged: a 60x60 corner at 4x.
CARD_ZOOM_SIZE = 60
CARD_ZOOM_FACTOR = 4


def run_cli(cli, args):
    subprocess.run([cli, *args], check=True)


def checkerboard(size, square=CHECKER_SQUARE):
    w, h = size
    y, x = np.mgrid[0:h, 0:w]
    grey = np.where((x // square + y // square) % 2 == 0, CHECKER_LIGHT,
                    CHECKER_DARK).astype(np.uint8)
    opaque = np.full_like(grey, 255)
    return Image.fromarray(np.dstack([grey, grey, grey, opaque]), "RGBA")


def over_checkerboard(rgba, square=CHECKER_SQUARE):
    canvas = checkerboard(rgba.size, square)
    canvas.alpha_composite(rgba)
    return canvas.convert("RGB")


def save_jpeg(img, path):
    img.convert("RGB").save(path, "JPEG", quality=JPEG_QUALITY,
                            subsampling=JPEG_SUBSAMPLING_444, optimize=True)


def save_png(img, path):
    img.save(path, "PNG", optimize=True)


def fail(msg):
    sys.exit("readme_pictures: " + msg)


def orientation(cli, corpus, out, tmp):
    """EXIF orientation 6: stored sideways, shown upright."""
    src = os.path.join(corpus, "orientation", "Portrait_6.jpg")
    before = os.path.join(tmp, "orientation-before.png")
    after = os.path.join(tmp, "orientation-after.png")
    run_cli(cli, ["-s", str(THUMB_SIZE), "--no-rotate", src, "-o", before])
    run_cli(cli, ["-s", str(THUMB_SIZE), src, "-o", after])
    b, a = Image.open(before), Image.open(after)
    if not (b.width > b.height and a.height > a.width):
        fail(f"orientation: expected sideways {b.size} then upright {a.size}")
    save_jpeg(b, os.path.join(out, "orientation-before.jpg"))
    save_jpeg(a, os.path.join(out, "orientation-after.jpg"))
    return f"orientation: before {b.size}, after {a.size}"


def naive_straight_alpha_resize(img, size):
    """Filters R, G, B and A each on its own, as a resizer that ignores
    premultiplication does: the colour of fully transparent pixels (black
    here) bleeds into the visible edge."""
    bands = [band.resize(size, Image.LANCZOS) for band in img.split()]
    return Image.merge("RGBA", bands)


def mark(img, box):
    marked = img.copy()
    x0, y0, x1, y1 = box
    ImageDraw.Draw(marked).rectangle((x0 - 1, y0 - 1, x1, y1),
                                     outline=ZOOM_MARK_RGB)
    return marked


def zoom(rgba, box):
    patch = rgba.crop(box)
    big = patch.resize((patch.width * ALPHA_ZOOM_FACTOR,
                        patch.height * ALPHA_ZOOM_FACTOR), Image.NEAREST)
    return over_checkerboard(big, CHECKER_SQUARE * ALPHA_ZOOM_FACTOR // 2)


def alpha(cli, corpus, out, tmp):
    """Soft-edged strokes whose transparent pixels are black."""
    src = os.path.join(corpus, "png", "alpha-premultiply-2048x1536-paper.png")
    after_path = os.path.join(tmp, "alpha-after.png")
    run_cli(cli, ["-s", str(THUMB_SIZE), src, "-o", after_path])
    after = Image.open(after_path)
    if after.mode != "RGBA":
        fail(f"alpha: our thumbnail is {after.mode}, not RGBA")
    with Image.open(src) as img:
        before = naive_straight_alpha_resize(img.convert("RGBA"), after.size)
        # Pillow premultiplies RGBA itself when resizing: the correct result.
        reference = img.convert("RGBA").resize(after.size, Image.LANCZOS)

    # Error against the reference, both flattened on white: ours must be
    # well below the naive one's.
    def on_white(im):
        canvas = Image.new("RGBA", im.size, (255, 255, 255, 255))
        canvas.alpha_composite(im)
        return np.asarray(canvas.convert("RGB"), dtype=np.float64)

    ref = on_white(reference)
    err_before = np.abs(on_white(before) - ref).mean()
    err_after = np.abs(on_white(after) - ref).mean()
    if not err_after < err_before / 2:
        fail(f"alpha: ours is off by {err_after}, naive by {err_before}")

    save_png(mark(over_checkerboard(before), ALPHA_ZOOM_BOX),
             os.path.join(out, "alpha-before.png"))
    save_png(mark(over_checkerboard(after), ALPHA_ZOOM_BOX),
             os.path.join(out, "alpha-after.png"))
    save_png(zoom(before, ALPHA_ZOOM_BOX),
             os.path.join(out, "alpha-before-zoom.png"))
    save_png(zoom(after, ALPHA_ZOOM_BOX),
             os.path.join(out, "alpha-after-zoom.png"))
    return (f"alpha: {after.size}; mean error on white against Pillow's "
            f"premultiplied resize: naive {err_before:.2f}, "
            f"ours {err_after:.2f}")


def cmyk(cli, corpus, out, tmp):
    """A CMYK JPEG with a U.S. Web Coated (SWOP) v2 profile."""
    src = os.path.join(corpus, "jpeg", "Channel_digital_image_CMYK_color.jpg")
    after_path = os.path.join(tmp, "cmyk-after.png")
    run_cli(cli, ["-s", str(THUMB_SIZE), src, "-o", after_path])
    after = Image.open(after_path).convert("RGB")
    with Image.open(src) as img:
        if img.mode != "CMYK" or not img.info.get("icc_profile"):
            fail("cmyk: the corpus file is no longer CMYK with a profile")
        # R = 255 - C - K and so on: the profile is ignored.
        before = img.convert("RGB").resize(after.size, Image.LANCZOS)
        # The profile applied by LittleCMS through Pillow: what ours should
        # be close to.
        profile = ImageCms.ImageCmsProfile(io.BytesIO(img.info["icc_profile"]))
        reference = ImageCms.profileToProfile(
            img, profile, ImageCms.createProfile("sRGB"), outputMode="RGB",
            renderingIntent=ImageCms.Intent.PERCEPTUAL).resize(
                after.size, Image.LANCZOS)
    ref = np.asarray(reference, dtype=np.float64)
    err_before = np.abs(np.asarray(before, dtype=np.float64) - ref).mean()
    err_after = np.abs(np.asarray(after, dtype=np.float64) - ref).mean()
    if not err_after < err_before / 2:
        fail(f"cmyk: ours is off by {err_after}, naive by {err_before}")
    save_jpeg(before, os.path.join(out, "cmyk-before.jpg"))
    save_jpeg(after, os.path.join(out, "cmyk-after.jpg"))
    return (f"cmyk: {after.size}; mean error per channel against LittleCMS "
            f"with the profile: naive {err_before:.1f}, ours {err_after:.1f}")


def test_card():
    font = ImageFont.load_default()
    left, top, right, bottom = font.getbbox(CARD_WORD)
    mask = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).text((-left, -top), CARD_WORD, fill=255, font=font)
    mask = mask.resize((mask.width * CARD_GLYPH_SCALE,
                        mask.height * CARD_GLYPH_SCALE), Image.NEAREST)
    if mask.width > CARD_WIDTH or mask.height > CARD_HEIGHT:
        fail(f"linear: the word is {mask.size}, larger than the card")
    ink = np.zeros((CARD_HEIGHT, CARD_WIDTH), dtype=bool)
    x0 = (CARD_WIDTH - mask.width) // 2
    y0 = (CARD_HEIGHT - mask.height) // 2
    ink[y0:y0 + mask.height, x0:x0 + mask.width] = np.asarray(mask) >= 128
    y, x = np.mgrid[0:CARD_HEIGHT, 0:CARD_WIDTH]
    checker = np.where((x + y) % 2 == 0, 255, 0)
    card = np.where(ink, checker, CARD_BACKGROUND).astype(np.uint8)
    return Image.fromarray(card, "L"), ink


def _ink_corner_box(ink):
    """A CARD_ZOOM_SIZE square with the top-left corner of the ink a
    quarter of the way in from its top-left."""
    rows, cols = np.nonzero(ink)
    x0 = cols.min() - CARD_ZOOM_SIZE // 4
    y0 = rows.min() - CARD_ZOOM_SIZE // 4
    return (x0, y0, x0 + CARD_ZOOM_SIZE, y0 + CARD_ZOOM_SIZE)


def linear(cli, out, tmp):
    card, ink = test_card()
    card_path = os.path.join(tmp, "linear-card.png")
    save_png(card, card_path)
    # A corner of the first letter at 1:1 scale, enlarged, so the README
    # can show what the input is made of.
    patch = card.crop(_ink_corner_box(ink))
    save_png(patch.resize((patch.width * CARD_ZOOM_FACTOR,
                           patch.height * CARD_ZOOM_FACTOR), Image.NEAREST),
             os.path.join(out, "linear-input-zoom.png"))
    before_path = os.path.join(tmp, "linear-before.png")
    after_path = os.path.join(tmp, "linear-after.png")
    run_cli(cli, ["-s", str(THUMB_SIZE), card_path, "-o", before_path])
    run_cli(cli, ["-s", str(THUMB_SIZE), "--linear", card_path,
                  "-o", after_path])
    before = Image.open(before_path).convert("L")
    after = Image.open(after_path).convert("L")

    # The middle of the letters' strokes, away from their edges: the ink
    # mask shrunk to the thumbnail and eroded to where it is solid.
    small = Image.fromarray(ink.astype(np.uint8) * 255).resize(
        before.size, Image.BOX)
    solid = np.asarray(small) == 255
    solid[1:-1, 1:-1] &= (solid[:-2, 1:-1] & solid[2:, 1:-1] &
                          solid[1:-1, :-2] & solid[1:-1, 2:])
    means = [np.asarray(im, dtype=np.float64)[solid].mean()
             for im in (before, after)]
    if not (abs(means[0] - CARD_BACKGROUND) <= MEAN_TOLERANCE and
            abs(means[1] - SRGB_HALF_LIGHT) <= MEAN_TOLERANCE):
        fail(f"linear: checkerboard came out {means[0]:.1f} and "
             f"{means[1]:.1f}, expected {CARD_BACKGROUND} and "
             f"{SRGB_HALF_LIGHT}")
    save_png(before, os.path.join(out, "linear-before.png"))
    save_png(after, os.path.join(out, "linear-after.png"))
    return (f"linear: {before.size}; checkerboard mean {means[0]:.1f} "
            f"without --linear, {means[1]:.1f} with")


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    cli, corpus, out = argv[1:]
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="readme-pictures.") as tmp:
        for line in (orientation(cli, corpus, out, tmp),
                     alpha(cli, corpus, out, tmp),
                     cmyk(cli, corpus, out, tmp),
                     linear(cli, out, tmp)):
            print("readme_pictures: " + line)


if __name__ == "__main__":
    main(sys.argv)
