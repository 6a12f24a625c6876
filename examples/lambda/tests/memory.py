#!/usr/bin/env python3
"""Peak memory of the function by input kind, on 127.0.0.1: for each kind,
a fresh bootstrap (as a cold Lambda) under the Runtime API emulator
thumbnails one upload from moto_server with the README's THUMB_SIZES, and
its peak resident set (VmHWM, what Lambda reports as "Max Memory Used")
is read from /proc. Prints the README's table; fails unless the smallest
MemorySize the template allows holds twice the worst kind plus a source
at the THUMB_MAX_INPUT_BYTES default.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402
from coldstart import vm_hwm_kib  # noqa: E402
from e2e import SOURCE_PREFIX, Bootstrap, Processes, check, client  # noqa

# A srcset of three sizes, as a web page wants them.
SIZES = "1280x1280,640x640,320x320"
# Room kept for what a real invocation adds (the runtime's own pages, a
# larger batch): MemorySize must hold this many times the worst case.
HEADROOM = 2
KIB = 1024
# THUMB_MAX_INPUT_BYTES's default (config.c): a source that large is held
# whole while it is decoded.
MAX_INPUT_MIB = 64

# (what, corpus path, how to make the input from it)
KINDS = [
    ("baseline JPEG, 12 MP (3000x4000)", "jpeg/Carrie.jpg", None),
    ("progressive JPEG, 12 MP (3000x4000)", "jpeg/Carrie.jpg", "progressive"),
    ("baseline JPEG, 33 MP (7680x4320)",
     "jpeg/speed_bench_hv_subsampling.jpg", None),
    ("PNG RGBA, 3 MP (2048x1536)",
     "png/alpha-premultiply-2048x1536-paper.png", None),
    ("WebP lossy, 24 MP (11158x2156)", "webp/bryce.webp", None),
    ("GIF animation, 42 frames (245x245)", "gif/iss634.gif", None),
    ("WebP animation, 42 frames (245x245)", "webp/iss634.webp", None),
    ("HEIC, 12 MP iPhone grid (4032x3024)", "heif/pug.heic", None),
    ("AVIF, 5x4 grid of 720p tiles (6400x2880)",
     "heif/Summer_in_Tomsk_720p_5x4_grid.avif", None),
]

PROGRESSIVE = """
import sys
from PIL import Image
Image.open(sys.argv[1]).save(sys.argv[2], "JPEG", quality=90,
                             progressive=True)
"""


def template_memory_mb(path):
    text = open(path).read()
    m = re.search(r"MemorySize:\s*\n\s*Type: Number\s*\n.*?MinValue: (\d+)",
                  text, re.S)
    check(m, "no MemorySize parameter in %s" % path)
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--template", required=True)
    ap.add_argument("--pil-python", default="/usr/bin/python3")
    args = ap.parse_args()
    e2e.clean_environment()
    memory_mb = template_memory_mb(args.template)
    rows = []
    with tempfile.TemporaryDirectory() as workdir, Processes() as procs:
        endpoint = e2e.start_moto(procs, workdir, "memory")
        s3 = client("s3", endpoint)
        s3.create_bucket(Bucket="src")
        s3.create_bucket(Bucket="dst")
        env = e2e.open_env(endpoint, "src", "dst")
        env["THUMB_SIZES"] = SIZES
        for i, (what, corpus_path, make) in enumerate(KINDS):
            path = os.path.join(args.corpus, corpus_path)
            if make == "progressive":
                made = os.path.join(workdir, "progressive.jpg")
                subprocess.run([args.pil_python, "-c", PROGRESSIVE, path,
                                made], check=True)
                path = made
            data = open(path, "rb").read()
            key = SOURCE_PREFIX + "kind-%d%s" % (i, os.path.splitext(
                corpus_path)[1])
            s3.put_object(Bucket="src", Key=key, Body=data)
            bs = Bootstrap(procs, args.bootstrap, env)
            try:
                res = bs.invoke(e2e.s3_event("src", key, len(data)))
                check(res.kind == "response", "%s: %s %s" % (what, res.kind,
                                                             res.body))
                peak = vm_hwm_kib(bs.proc.pid)
                logs, _ = bs.records()
            finally:
                bs.close()
            log = [r for r in logs if r.get("msg") == "thumbnail"][0]
            rows.append((what, len(data), peak, log["totalMs"]))
    print("| Input | File | Peak memory (VmHWM) | Time, 3 sizes |")
    print("|---|---:|---:|---:|")
    for what, size, peak, ms in rows:
        print("| %s | %.1f MiB | %.1f MiB | %.0f ms |" % (
            what, size / KIB / KIB, peak / KIB, ms))
    worst = max(peak for _, _, peak, _ in rows) / KIB
    need = (worst + MAX_INPUT_MIB) * HEADROOM
    check(need <= memory_mb, "the worst input peaks at %.1f MiB: MemorySize's"
          " MinValue %d MB is under %.0f" % (worst, memory_mb, need))
    print("memory: the worst input peaks at %.1f MiB; MemorySize's MinValue "
          "%d MB holds twice that plus a %d MiB source" %
          (worst, memory_mb, MAX_INPUT_MIB))


if __name__ == "__main__":
    main()
