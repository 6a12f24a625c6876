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

vipsthumbnail's answers (exit status, message, dimensions) are cached in
$THUMB_TEST_CACHE (default ~/.cache/libthumbnail), keyed by its version,
the file's bytes and the arguments: CI runs the suite once per compiler
and build type, and libvips' answers do not change between them.
"""
import concurrent.futures
import hashlib
import json
import os
import threading
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


class VipsCache:
    """vipsthumbnail's answers, persisted between runs."""

    def __init__(self, vipsthumbnail):
        version = subprocess.run([vipsthumbnail, "--version"],
                                 capture_output=True, text=True).stdout
        self.salt = version.strip().encode()
        root = os.environ.get("THUMB_TEST_CACHE") or os.path.join(
            os.path.expanduser("~"), ".cache", "libthumbnail")
        os.makedirs(root, exist_ok=True)
        self.path = os.path.join(root, "vipsthumbnail-dims.json")
        try:
            with open(self.path) as f:
                self.entries = json.load(f)
        except (OSError, ValueError):
            self.entries = {}
        self.lock = threading.Lock()
        self.hits = 0

    def key(self, src, argv):
        h = hashlib.sha256(self.salt)
        with open(src, "rb") as f:
            h.update(f.read())
        h.update("\0".join(argv).encode())
        return h.hexdigest()

    def run(self, vipsthumbnail, src, size, out):
        """(returncode, stderr, (w, h) or None)."""
        key = self.key(src, [size, os.path.splitext(out)[1]])
        with self.lock:
            if key in self.entries:
                self.hits += 1
                code, err, wh = self.entries[key]
                return code, err, tuple(wh) if wh else None
        v = subprocess.run([vipsthumbnail, src, "-s", size, "-o", out],
                           capture_output=True, text=True)
        wh = dims(None, out) if v.returncode == 0 else None
        with self.lock:
            self.entries[key] = [v.returncode, v.stderr, wh]
        return v.returncode, v.stderr, wh

    def save(self):
        tmp = f"{self.path}.{os.getpid()}"
        with open(tmp, "w") as f:
            json.dump(self.entries, f)
        os.replace(tmp, self.path)


def check(args, cache, rel, description, tmp):
    thumbnail, vipsthumbnail, vipsheader, corpus = args
    src = os.path.join(corpus, rel)
    stem = os.path.join(tmp, rel.replace("/", "_"))
    unsupported = description.startswith("JPEG ") and (
        ", 12-bit," in description or ", lossless," in description)
    problems = []
    for vips_size, extra, exts in (("256x256>", [], ("jpg", "png", "webp")),
                                   ("256", ["--enlarge"], ("png",))):
        vout = f"{stem}.vips{len(extra)}.png"
        v_code, v_err, theirs = cache.run(vipsthumbnail, src, vips_size, vout)
        for ext in exts:
            out = f"{stem}.ours{len(extra)}.{ext}"
            r = subprocess.run([thumbnail, "-s", "256", *extra, src, "-o", out],
                               capture_output=True, text=True)
            if r.returncode < 0:
                problems.append(f"thumbnail killed by signal {-r.returncode}")
            elif r.returncode != 0:
                if not (unsupported and r.returncode == 1):
                    problems.append(f"thumbnail failed: {r.stderr.strip()}")
            elif v_code != 0:
                if not unsupported:
                    problems.append("vipsthumbnail failed: " + v_err.strip())
            else:
                ours = dims(vipsheader, out)
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
    # Every Nth file only when THUMB_CLI_VS_VIPS_STRIDE=N: the sanitizer
    # build (scripts/ci/20-sanitize.sh) takes a quarter, as its command is
    # several times slower.
    files = files[::int(os.environ.get("THUMB_CLI_VS_VIPS_STRIDE", "1"))]
    failed = 0
    cache = VipsCache(args[1])
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        jobs = [pool.submit(check, args, cache, rel, desc, tmp)
                for rel, desc in files]
        for job in jobs:
            rel, problems = job.result()
            for p in problems:
                print(f"FAIL {rel}: {p}")
            failed += bool(problems)
    cache.save()
    print(f"{len(files) - failed} passed, {failed} failed "
          f"({cache.hits} vipsthumbnail answers from {cache.path})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
