#!/usr/bin/env python3
"""Checks that function.zip runs: unzips it to a temporary directory (as
Lambda does to /var/task), starts its bootstrap under the Runtime API
emulator against moto_server, thumbnails a JPEG, an iPhone HEIC and a
JPEG XL (which load the bundled libheif, and the bundled libjxl as
relax_versions.py left it) from S3 events, and checks that every shared
object the process maps comes from the package, except the runtime's own:
glibc's, and libstdc++ and libgcc_s, which provided.al2023 has as well."""

import argparse
import os
import re
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402

RUNTIME = re.compile(r"/(ld-linux-x86-64\.so\.2|lib(c|m|pthread|dl|rt|"
                     r"resolv|util|anl|nsl|stdc\+\+|gcc_s)\.so\.[0-9][0-9.]*)$")
# A JPEG, and an iPhone 8 Plus HEIC: an 8x6 grid of HEVC tiles turned by
# irot (corpus MANIFEST.tsv).
IMAGES = [("orientation/Landscape_1.jpg", "smoke test.jpg"),
          ("heif/arrow.heic", "smoke test.heic"),
          ("jxl/bicycles.jxl", "smoke test.jxl")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--zip", required=True)
    ap.add_argument("--corpus", required=True)
    args = ap.parse_args()
    for var in [v for v in os.environ if v.startswith(("AWS_", "THUMB_"))]:
        del os.environ[var]
    with tempfile.TemporaryDirectory() as work, e2e.Processes() as procs:
        task = os.path.join(work, "task")
        with zipfile.ZipFile(args.zip) as z:
            z.extractall(task)
        for name in z.namelist():
            # zipfile drops permissions; Lambda keeps them.
            info = z.getinfo(name)
            mode = info.external_attr >> 16
            if mode:
                os.chmod(os.path.join(task, name), mode & 0o7777)
        endpoint = e2e.start_moto(procs, work, "package")
        s3 = e2e.client("s3", endpoint)
        s3.create_bucket(Bucket="src")
        s3.create_bucket(Bucket="dst")
        uploads = []
        for path, name in IMAGES:
            data = open(os.path.join(args.corpus, path), "rb").read()
            key = e2e.SOURCE_PREFIX + name
            s3.put_object(Bucket="src", Key=key, Body=data)
            uploads.append((key, len(data)))
        env = {"AWS_ACCESS_KEY_ID": "testing",
               "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_SESSION_TOKEN": "token", "AWS_ENDPOINT_URL_S3": endpoint,
               "LAMBDA_TASK_ROOT": task,
               # As Lambda sets it, system directories first (here Debian's,
               # which hold the same libraries): only bootstrap's DT_RPATH
               # makes the packaged copies win.
               "LD_LIBRARY_PATH": "/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:"
                                  "/lib64:/usr/lib64:%s:%s/lib" % (task, task)}
        env.update(e2e.thumbnail_config("src", "dst"))
        bs = e2e.Bootstrap(procs, os.path.join(task, "bootstrap"), env)
        try:
            for key, size in uploads:
                res = bs.invoke(e2e.s3_event("src", key, size))
                e2e.check(res.kind == "response",
                          "packaged bootstrap, %s: %s %s %s"
                          % (key, res.kind, res.body, bs.stderr))
            with open("/proc/%d/maps" % bs.proc.pid) as f:
                mapped = {line.split()[-1] for line in f
                          if ".so" in line.split()[-1]}
        finally:
            bs.close()
        outside = [m for m in mapped
                   if not m.startswith(task + "/") and not RUNTIME.search(m)]
        e2e.check(not outside, "loaded from outside the package: %s" % outside)
        e2e.check(any(m.endswith("/lib/libheif.so.1") for m in mapped),
                  "the HEIC was not read through the bundled libheif")
        e2e.check(any(m.endswith("/lib/libjxl.so.0.7") for m in mapped),
                  "the JPEG XL was not read through the bundled libjxl")
        for key, _ in uploads:
            for size, _, _ in e2e.parse_sizes(e2e.SIZES):
                s3.head_object(Bucket="dst", Key=e2e.thumb_key(key, size))
        print("package: the unzipped bootstrap made the thumbnails of a "
              "JPEG, a HEIC and a JPEG XL, %d libraries loaded from the "
              "package" %
              sum(1 for m in mapped if m.startswith(task + "/")))


if __name__ == "__main__":
    main()
