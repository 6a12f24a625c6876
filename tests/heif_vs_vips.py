#!/usr/bin/python3
"""Every good HEIF, AVIF and JPEG XL file of the corpus thumbnails like
an independent reference: the primary image decoded by Debian's
heif-convert (libheif) or djxl (libjxl), then resized by vipsthumbnail
(Lanczos3, colour-managed to sRGB through the file's ICC profile).

Run by CTest as:
  heif_vs_vips.py THUMBNAIL VIPSTHUMBNAIL HEIF_CONVERT DJXL CORPUS_DIR

For each file: `thumbnail -s 256 -f png` against
`vipsthumbnail -s '256x256>'` (no enlarging, as libthumbnail) of the
reference decode, both composited on white, compared in PSNR over RGB,
with the same size. heif-convert writes JPEG at quality 100 (its PNG
writer drops some ICC profiles) unless the image has alpha. Not
vipsthumbnail on the file itself: it decodes an embedded thumbnail of at
least the output size where libthumbnail wants twice that, and libvips
8.14 ignores an ICC profile beside an nclx box.

Where the two are not meant to agree, the file is checked otherwise:
- PQ/HLG HDR (nclx transfer 16 or 18): libvips 8.14 ignores nclx and shows
  the PQ code values as if they were sRGB; libthumbnail tone-maps them.
  Those must have the same size and a sensible picture: not clipped,
  not black.
- Files vipsthumbnail cannot read (libheif 1.15's own gaps): ours must
  either decode or fail cleanly with an "unsupported feature" or
  "corrupt" message; never crash.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

os.environ.setdefault("VIPS_CONCURRENCY", "1")

MIN_PSNR = 30.0
# A tone-mapped HDR picture: at most this fraction of pixels blown out to
# white and a mean level inside this range.
MAX_CLIPPED = 0.05
MEAN_RANGE = (30, 225)
HDR_TRANSFERS = ("/16/", "/18/")
DIRS = ("heif/", "jxl/")
# HDR test patterns whose flat areas lie far above HDR reference white
# (PQ code 0.67, about 2.5 times 203 nits): white in any SDR rendering.
BRIGHT_BY_DESIGN = {"heif/colors_hdr_srgb.avif"}
# Valid files libthumbnail names as unsupported, with the reason:
KNOWN_UNSUPPORTED = {
    # The alpha item has an irot of its own: decoded untransformed
    # (src/codec/heif_decode.c) colour and alpha differ in size, which
    # libheif 1.15 cannot combine.
    "heif/abc_color_irot_alpha_irot.avif",
}


def manifest(corpus):
    with open(os.path.join(corpus, "MANIFEST.tsv")) as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[0].startswith(DIRS):
                yield cols[0], cols[4]


def rgba(path):
    im = Image.open(path)
    im.load()
    return np.asarray(im.convert("RGBA"), dtype=np.float64)


def on_white(path):
    px = rgba(path)
    a = px[..., 3:4] / 255.0
    return px[..., :3] * a + 255.0 * (1.0 - a)


def psnr(a, b):
    mse = np.mean((a - b) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def unpremultiply(path):
    """djxl 0.7 writes a premultiplied image's colour to PNG as it is
    stored (premultiplied), which PNG does not allow: divide it out."""
    im = Image.open(path)
    im.load()
    px = np.asarray(im, dtype=np.float64)
    top = 65535.0 if px.max() > 255 else 255.0
    a = px[..., 3:4] / top
    rgb = np.where(a > 0, px[..., :3] / np.maximum(a, 1e-9), 0.0)
    out = np.concatenate([rgb, px[..., 3:4]], axis=-1) * (255.0 / top)
    Image.fromarray(np.clip(out + 0.5, 0, 255).astype(np.uint8),
                    "RGBA").save(path)


def reference(rel, description, src, tmp, heif_convert, djxl):
    """A full-size decode of src by the Debian tool, or None."""
    if rel.startswith("jxl/"):
        out = os.path.join(tmp, "ref.png")
        r = run([djxl, src, out, "--bits_per_sample=16"])
        if r.returncode == 0 and "premultiplied" in description:
            unpremultiply(out)
    else:
        # heif-convert's PNG writer drops some ICC profiles: JPEG at
        # quality 100 then, as long as there is no alpha to keep.
        jpeg = "ICC" in description and "alpha" not in description
        out = os.path.join(tmp, "ref.jpg" if jpeg else "ref.png")
        r = run([heif_convert, "-q", "100", src, out])
        # A file of several top-level images comes out as ref-1, ref-2...
        # in the order heif-info lists them: take the primary's.
        if r.returncode == 0 and not os.path.exists(out):
            info = run([os.path.join(os.path.dirname(heif_convert),
                                     "heif-info"), src]).stdout
            images = [l for l in info.splitlines() if l.startswith("image:")]
            primary = [i for i, l in enumerate(images) if "primary" in l]
            if primary:
                out = f"-{primary[0] + 1}".join(os.path.splitext(out))
    return out if r.returncode == 0 and os.path.exists(out) else None


def run(argv):
    return subprocess.run(argv, capture_output=True, text=True, timeout=300)


def main():
    thumbnail, vipsthumbnail, heif_convert, djxl, corpus = sys.argv[1:6]
    failures = []
    compared = hdr = ours_only = 0
    with tempfile.TemporaryDirectory() as tmp:
        for rel, description in manifest(corpus):
            src = os.path.join(corpus, rel)
            ours = os.path.join(tmp, "ours.png")
            theirs = os.path.join(tmp, "vips.png")
            for p in os.listdir(tmp):
                os.remove(os.path.join(tmp, p))
            r = run([thumbnail, "-s", "256", "-f", "png", "-o", ours, src])
            if r.returncode not in (0, 1) or "Sanitizer" in r.stderr:
                failures.append(f"{rel}: thumbnail crashed: {r.stderr}")
                continue
            ref = reference(rel, description, src, tmp, heif_convert, djxl)
            # The reference decoders turn the pixels upright; heif-convert
            # copies the Exif block (orientation tag included) into its
            # JPEG, which must not turn them again.
            argv = [vipsthumbnail, ref or src, "-s", "256x256>", "-o", theirs]
            if ref:
                argv.append("--no-rotate")
            if ref and "ICC" in description:
                # vipsthumbnail leaves some profiles (ColorSpin) unapplied
                # unless asked for sRGB.
                argv += ["--export-profile", "srgb"]
            v = run(argv)
            vips_ok = v.returncode == 0 and os.path.exists(theirs)
            if rel in KNOWN_UNSUPPORTED:
                if r.returncode == 0 or "unsupported feature" not in r.stderr:
                    failures.append(f"{rel}: expected unsupported feature, "
                                    f"got {r.returncode} {r.stderr}")
                continue
            if not vips_ok:
                ours_only += 1
                if r.returncode != 0 and not (
                        "unsupported feature" in r.stderr
                        or "corrupt" in r.stderr):
                    failures.append(f"{rel}: {r.stderr.strip()}")
                print(f"{rel}: vipsthumbnail fails; ours: "
                      f"{'ok' if r.returncode == 0 else r.stderr.strip()}")
                continue
            if r.returncode != 0:
                failures.append(f"{rel}: vipsthumbnail reads it, we fail: "
                                f"{r.stderr.strip()}")
                continue
            a, b = on_white(ours), on_white(theirs)
            if a.shape != b.shape:
                failures.append(f"{rel}: size {a.shape[1]}x{a.shape[0]}, "
                                f"vipsthumbnail {b.shape[1]}x{b.shape[0]}")
                continue
            if any(t in description for t in HDR_TRANSFERS):
                hdr += 1
                # Transparent pixels composited on white are not blown.
                opaque = rgba(ours)[..., 3] > 0
                clipped = float(
                    np.mean(np.all(a >= 254.5, axis=-1)[opaque]))
                mean = float(np.mean(a))
                print(f"{rel}: HDR, {clipped:.3f} clipped, mean {mean:.1f}")
                if (clipped > MAX_CLIPPED and rel not in BRIGHT_BY_DESIGN
                    ) or not (
                        MEAN_RANGE[0] <= mean <= MEAN_RANGE[1]):
                    failures.append(f"{rel}: HDR picture clipped {clipped:.3f}"
                                    f" mean {mean:.1f}")
                continue
            compared += 1
            p = psnr(a, b)
            print(f"{rel}: {p:.1f} dB")
            if p < MIN_PSNR:
                failures.append(f"{rel}: {p:.1f} dB against vipsthumbnail")
    print(f"{compared} compared, {hdr} HDR, {ours_only} vipsthumbnail cannot "
          "read")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
