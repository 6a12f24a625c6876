#!/usr/bin/python3
"""Every corpus image with an embedded ICC profile (RGB, grey or CMYK; v2
and v4) comes out of `thumbnail` converted to sRGB as libvips converts it:
  thumbnail -s 256 IN -o OUT.png
  vipsthumbnail IN --size '256x256>' --export-profile srgb -o OUT.png

Run by CTest as:
  test_color_vs_vips.py THUMBNAIL VIPSTHUMBNAIL CORPUS_DIR

The profiled files are found by reading every good corpus file's ICC
profile with Pillow, not from a list, so a file added to the corpus is
tested too; the files that pin down the profile kinds the library must
handle (Adobe RGB, Display P3, ProPhoto, grey, CMYK, v2, v4) must be among
them.

A second, independent reference checks the same outputs: Pillow's
ImageCms (lcms2) converts the full image as the library does (relative
colorimetric, with black point compensation for CMYK profiles), then
Pillow's Lanczos resizes it to our output size.

Thresholds, on 8-bit RGB composited on white, per file:
  vs libvips: mean absolute difference <= 1.5 and PSNR >= 38 dB.
  vs Pillow:  mean absolute difference <= 0.6 and PSNR >= 42 dB.
Why these: libvips converts after shrinking and through float Lab, we
convert 8-bit rows before the Lanczos pass, and the resamplers differ
(libvips' shrink-on-load and its reduce kernels), so single pixels differ
by tens of levels at sharp edges: hence a mean and a PSNR, not a
maximum. Measured on the 22 profiled files (libvips 8.14.1, lcms2 2.14,
Pillow 9.4): at worst mean 1.07 / PSNR 40.7 dB against libvips
(xmp_test.jpg, extended-lossy.webp) and mean 0.38 / PSNR 45.8 dB against
Pillow; the thresholds leave about 1.5x margin on the mean. The same
files left unconverted differ from the Pillow reference by a mean of
12.2 (SWOP CMYK through the naive formula), 17.0 (ProPhoto), 3.5
(FOGRA27 CMYK), 2.3 (Display P3), 2.1 (Gray Gamma 2.2) and 1.2 (Adobe
RGB on xmp_test.jpg, a muted photo): all fail the Pillow threshold. For
profiles that are sRGB or close to it (the "Display" ones) any output
passes, converted or not; test_color.c pins down that wide-gamut pixels
are converted, against values computed with lcms2 directly.

libvips 8.14 does not apply some embedded profiles: it says so on stderr
("profile incompatible with image" for the CMYK JPEGs, whose profile it
replaces by its built-in CMYK fallback; "does not support ... intent",
after which it leaves the profile out). For those files the libvips
comparison is not meaningful and only the Pillow one is made, and the
test prints that it did so.
"""
import io
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image, ImageCms

os.environ["VIPS_CONCURRENCY"] = "1"

SIZE = 256
GOOD_DIRS = ("jpeg", "png", "webp", "orientation")
# Profile kinds the issue names, by a file that carries each.
REQUIRED = {
    "jpeg/xmp_test.jpg": "Adobe RGB (1998)",
    "png/p3.png": "Display P3",
    "png/prophoto.png": "ProPhoto RGB",
    "jpeg/concert.jpg": "grey (Gray Gamma 2.2)",
    "png/16-bit-grey-alpha.png": "grey + alpha (Greyscale D50)",
    "jpeg/Channel_digital_image_CMYK_color.jpg": "CMYK (SWOP v2), YCCK",
    "jpeg/Kiara_limited_progressive_four_components.jpg": "CMYK (FOGRA27)",
    "jpeg/icc-v4.jpg": "ICC v4",
    "png/icc-v2.png": "ICC v2",
    "webp/extended-lossy.webp": "WebP ICCP chunk",
}
MAX_MEAN_VIPS, MIN_PSNR_VIPS = 1.5, 38.0
MAX_MEAN_PIL, MIN_PSNR_PIL = 0.6, 42.0
VIPS_SKIPPED_PROFILE = ("profile incompatible with image",
                        "does not support")
SPACES = (b"RGB ", b"GRAY", b"CMYK")
ORIENTATION_TAG = 0x0112
ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def profiled_files(corpus):
    for d in GOOD_DIRS:
        for dirpath, _, names in os.walk(os.path.join(corpus, d)):
            for name in sorted(names):
                path = os.path.join(dirpath, name)
                try:
                    with Image.open(path) as im:
                        icc = im.info.get("icc_profile")
                except Exception:
                    continue
                if icc and len(icc) >= 128 and icc[16:20] in SPACES:
                    yield os.path.relpath(path, corpus), icc


def on_white(im):
    """8-bit RGB as float, alpha composited on white."""
    im = im.convert("RGBA")
    a = np.asarray(im).astype(np.float64)
    alpha = a[..., 3:] / 255.0
    return a[..., :3] * alpha + 255.0 * (1.0 - alpha)


def compare(a, b):
    d = np.abs(a - b)
    mse = float((d ** 2).mean())
    psnr = float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)
    return float(d.mean()), psnr


def pillow_reference(path, icc, size):
    """ImageCms to sRGB (relative colorimetric + BPC), then Lanczos."""
    im = Image.open(path)
    im.load()
    # EXIF orientation as the library applies it: from the EXIF block
    # only (getexif() would also take XMP's, which the library ignores).
    exif = Image.Exif()
    if im.info.get("exif"):
        exif.load(im.info["exif"])
    transpose = ORIENTATION_TRANSPOSE.get(exif.get(ORIENTATION_TAG))
    if transpose is not None:
        im = im.transpose(transpose)
    src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    srgb = ImageCms.createProfile("sRGB")
    alpha = None
    if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info:
        alpha = im.convert("RGBA").getchannel("A")
    space = icc[16:20]
    if space == b"GRAY":
        base = im.convert("L")
    elif space == b"CMYK":
        base = im.convert("CMYK")
    else:
        base = im.convert("RGB")
    # Black point compensation for CMYK only, as the library does.
    flags = ImageCms.FLAGS["BLACKPOINTCOMPENSATION"] if space == b"CMYK" else 0
    xf = ImageCms.buildTransform(src, srgb, base.mode, "RGB",
                                 ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                 flags=flags)
    rgb = ImageCms.applyTransform(base, xf)
    if alpha is not None:
        rgb.putalpha(alpha)
    return rgb.resize(size, Image.LANCZOS)


def main():
    thumbnail, vipsthumbnail, corpus = sys.argv[1:4]
    files = list(profiled_files(corpus))
    found = {path for path, _ in files}
    missing = [f"{p} ({what})" for p, what in REQUIRED.items()
               if p not in found]
    if missing:
        sys.exit("profiled corpus files missing: " + ", ".join(missing))
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for rel, icc in files:
            path = os.path.join(corpus, rel)
            ours = os.path.join(tmp, "ours.png")
            vips = os.path.join(tmp, "vips.png")
            r = subprocess.run([thumbnail, "-s", str(SIZE), "-o", ours, path],
                               capture_output=True, text=True)
            if r.returncode != 0:
                failures.append(f"{rel}: thumbnail failed: {r.stderr.strip()}")
                continue
            # An absolute -o: vipsthumbnail writes a relative one beside
            # its input, inside the corpus.
            v = subprocess.run([vipsthumbnail, path, "--size",
                                f"{SIZE}x{SIZE}>", "--export-profile", "srgb",
                                "-o", vips], capture_output=True, text=True)
            with Image.open(ours) as im:
                a = on_white(im)
                size = im.size
            line = f"{rel:58s}"
            ref = on_white(pillow_reference(path, icc, size))
            mean, psnr = compare(a, ref)
            line += f" pillow: mean {mean:5.2f} psnr {psnr:5.1f}"
            if mean > MAX_MEAN_PIL or psnr < MIN_PSNR_PIL:
                failures.append(f"{rel}: vs Pillow mean {mean:.2f}, "
                                f"PSNR {psnr:.1f} dB")
            skipped = next((w for w in VIPS_SKIPPED_PROFILE if w in v.stderr),
                           None)
            if v.returncode != 0:
                failures.append(f"{rel}: vipsthumbnail failed: {v.stderr}")
            elif skipped:
                line += f"  vips: not compared (libvips: '{skipped}')"
            else:
                with Image.open(vips) as im:
                    b = on_white(im)
                if b.shape != a.shape:
                    failures.append(f"{rel}: size {a.shape} vs libvips "
                                    f"{b.shape}")
                else:
                    mean, psnr = compare(a, b)
                    line += f"  vips: mean {mean:5.2f} psnr {psnr:5.1f}"
                    if mean > MAX_MEAN_VIPS or psnr < MIN_PSNR_VIPS:
                        failures.append(f"{rel}: vs libvips mean {mean:.2f}, "
                                        f"PSNR {psnr:.1f} dB")
            print(line)
    print(f"{len(files)} profiled files")
    if failures:
        sys.exit("FAILED:\n  " + "\n  ".join(failures))


if __name__ == "__main__":
    main()
