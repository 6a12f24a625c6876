#!/usr/bin/python3
"""The `thumbnail` command gives the same output dimensions as libvips'
`vipsthumbnail` for every good corpus image, in every output format.

Run by CTest as:
  cli_vs_vipsthumbnail.py THUMBNAIL VIPSTHUMBNAIL VIPSHEADER CORPUS_DIR

libthumbnail never enlarges unless asked, vipsthumbnail does by default, so:
  thumbnail -s 256 IN -o OUT.{jpg,png,webp}  vs  vipsthumbnail -s '256x256>'
  thumbnail -s 256 --enlarge IN -o OUT.png   vs  vipsthumbnail -s 256
Both autorotate by EXIF orientation. Files neither can decode (12-bit and
lossless JPEG with libjpeg-turbo 2.1) must fail in both with a clean exit.
"""
import concurrent.futures
import os
import subprocess
import sys
import tempfile

from PIL import Image

os.environ.setdefault("VIPS_CONCURRENCY", "1")

GOOD_DIRS = ("jpeg/", "png/", "webp/", "gif/", "orientation/")


def manifest(corpus):
    with open(os.path.join(corpus, "MANIFEST.tsv")) as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[0].startswith(GOOD_DIRS):
                yield cols[0], cols[4]


def dims(vipsheader, path):
    # Pillow reads the header in-process: a vipsheader process per file
    # (libvips start-up) made this test take over ten minutes.
    del vipsheader
    with Image.open(path) as im:
        return im.size


def check(args, rel, description, tmp):
    thumbnail, vipsthumbnail, vipsheader, corpus = args
    src = os.path.join(corpus, rel)
    stem = os.path.join(tmp, rel.replace("/", "_"))
    unsupported = description.startswith("JPEG ") and (
        ", 12-bit," in description or ", lossless," in description)
    problems = []
    for vips_size, extra, exts in (("256x256>", [], ("jpg", "png", "webp")),
                                   ("256", ["--enlarge"], ("png",))):
        vout = f"{stem}.vips{len(extra)}.png"
        v = subprocess.run([vipsthumbnail, src, "-s", vips_size, "-o", vout],
                           capture_output=True, text=True)
        for ext in exts:
            out = f"{stem}.ours{len(extra)}.{ext}"
            r = subprocess.run([thumbnail, "-s", "256", *extra, src, "-o", out],
                               capture_output=True, text=True)
            if r.returncode < 0:
                problems.append(f"thumbnail killed by signal {-r.returncode}")
            elif r.returncode != 0:
                if not (unsupported and r.returncode == 1):
                    problems.append(f"thumbnail failed: {r.stderr.strip()}")
            elif v.returncode != 0:
                if not unsupported:
                    problems.append("vipsthumbnail failed: " + v.stderr.strip())
            else:
                ours, theirs = dims(vipsheader, out), dims(vipsheader, vout)
                if ours != theirs:
                    problems.append(f"{' '.join(extra)} .{ext}: ours "
                                    f"{ours[0]}x{ours[1]}, vipsthumbnail "
                                    f"{theirs[0]}x{theirs[1]}")
    return rel, problems


def main():
    args = sys.argv[1:5]
    if len(args) != 4:
        print(__doc__)
        return 2
    files = list(manifest(args[3]))
    if len(files) < 400:
        print(f"only {len(files)} good corpus files found")
        return 1
    failed = 0
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        jobs = [pool.submit(check, args, rel, desc, tmp)
                for rel, desc in files]
        for job in jobs:
            rel, problems = job.result()
            for p in problems:
                print(f"FAIL {rel}: {p}")
            failed += bool(problems)
    print(f"{len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
