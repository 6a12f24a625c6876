#!/usr/bin/env python3
"""Checks that function.zip runs: unzips it to a temporary directory (as
Lambda does to /var/task), starts its bootstrap under the Runtime API
emulator against moto_server, thumbnails a JPEG, an iPhone HEIC and a
JPEG XL (which load the bundled libheif, and the bundled libjxl as
relax_versions.py left it) from S3 events, and the JPEG as AVIF (the
bundled libavif, with libgav1 as relax_versions.py left it) twice: on
demand for a client that accepts image/avif, and from an S3 event in a
second process configured with THUMB_FORMAT=avif. Each AVIF must decode
with avifdec at the size its box allows; before them, an on-demand
request whose Accept lacks AVIF must be answered in WebP without loading
libavif. Checks that every shared
object the processes map comes from the package, except the runtime's
own: glibc's, and libstdc++ and libgcc_s, which provided.al2023 has as
well."""

import argparse
import base64
import os
import re
import subprocess
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
# The on-demand AVIF: one of e2e.thumbnail_config's THUMB_ONDEMAND_SIZES.
ONDEMAND_BOX = (320, 240)
AVIF_RESOLUTION = re.compile(r"Resolution\s*:\s*(\d+)x(\d+)")


def avif_size(path):
    """The size avifdec decodes path at (it decodes every frame for
    --info), or a failure naming what it said."""
    out = subprocess.run(["avifdec", "--info", path], capture_output=True,
                         text=True)
    found = AVIF_RESOLUTION.search(out.stdout)
    e2e.check(out.returncode == 0 and found and "1 frame" in out.stdout,
              "%s: avifdec: %s" % (path, out.stdout + out.stderr))
    return int(found.group(1)), int(found.group(2))


def mapped(bs):
    with open("/proc/%d/maps" % bs.proc.pid) as f:
        return {line.split()[-1] for line in f if ".so" in line.split()[-1]}


def ondemand(bs, key, accept, content_type):
    """The on-demand answer for key in ONDEMAND_BOX to a client sending
    accept, which must be a 200 of content_type."""
    res = bs.invoke(e2e.url_event(key, "width=%d&height=%d" % ONDEMAND_BOX,
                                  accept))
    doc = res.json() if res.kind == "response" else {}
    e2e.check(doc.get("statusCode") == 200 and
              doc["headers"]["Content-Type"] == content_type,
              "packaged bootstrap, on-demand %s: %s %s %s"
              % (content_type, res.kind, res.body, bs.stderr))
    return doc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--zip", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--pil-python", default="/usr/bin/python3")
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
        bootstrap = os.path.join(task, "bootstrap")
        jpeg_key, jpeg_size = uploads[0]
        avifs = []  # (what, path, box width, box height)
        bs = e2e.Bootstrap(procs, bootstrap, env)
        try:
            for key, size in uploads:
                res = bs.invoke(e2e.s3_event("src", key, size))
                e2e.check(res.kind == "response",
                          "packaged bootstrap, %s: %s %s %s"
                          % (key, res.kind, res.body, bs.stderr))
            # A client that does not take AVIF is answered without
            # loading libavif (ondemand.c reads Accept first).
            ondemand(bs, jpeg_key, "image/webp,*/*", "image/webp")
            e2e.check(not any("/libavif.so" in m for m in mapped(bs)),
                      "libavif loaded for a client that does not accept "
                      "AVIF")
            doc = ondemand(bs, jpeg_key, "image/avif,image/webp,*/*",
                           "image/avif")
            path = os.path.join(work, "ondemand.avif")
            with open(path, "wb") as f:
                f.write(base64.b64decode(doc["body"]))
            avifs.append(("on demand", path) + ONDEMAND_BOX)
            maps = mapped(bs)
        finally:
            bs.close()
        # THUMB_FORMAT=avif: the configuration, checked before the first
        # /next, loads libavif then; the S3-event path writes .avif keys.
        env.update({"THUMB_FORMAT": "avif", "THUMB_DEST_BUCKET": "dst-avif"})
        s3.create_bucket(Bucket="dst-avif")
        bs = e2e.Bootstrap(procs, bootstrap, env)
        try:
            res = bs.invoke(e2e.s3_event("src", jpeg_key, jpeg_size))
            e2e.check(res.kind == "response",
                      "packaged bootstrap, THUMB_FORMAT=avif: %s %s %s"
                      % (res.kind, res.body, bs.stderr))
            maps |= mapped(bs)
        finally:
            bs.close()
        for size, box_w, box_h in e2e.parse_sizes(e2e.SIZES):
            key = e2e.thumb_key(jpeg_key, size, "avif")
            path = e2e.check_thumbnail(s3, work, "dst-avif", key,
                                       "image/avif")
            avifs.append(("THUMB_FORMAT=avif " + size, path, box_w, box_h))
        outside = [m for m in maps
                   if not m.startswith(task + "/") and not RUNTIME.search(m)]
        e2e.check(not outside, "loaded from outside the package: %s" % outside)
        e2e.check(any(m.endswith("/lib/libheif.so.1") for m in maps),
                  "the HEIC was not read through the bundled libheif")
        e2e.check(any(m.endswith("/lib/libjxl.so.0.7") for m in maps),
                  "the JPEG XL was not read through the bundled libjxl")
        e2e.check(any(m.endswith("/lib/libavif.so.15") for m in maps),
                  "the AVIF was not written through the bundled libavif")
        for key, _ in uploads:
            for size, _, _ in e2e.parse_sizes(e2e.SIZES):
                s3.head_object(Bucket="dst", Key=e2e.thumb_key(key, size))
        jpeg_path = os.path.join(args.corpus, IMAGES[0][0])
        src_w, src_h = e2e.image_info(args.pil_python,
                                      [jpeg_path])[jpeg_path][3:5]
        for what, path, box_w, box_h in avifs:
            w, h = avif_size(path)
            e2e.check_dims(what, w, h, src_w, src_h, box_w, box_h)
        print("package: the unzipped bootstrap made the thumbnails of a "
              "JPEG, a HEIC and a JPEG XL, and %d AVIF ones that avifdec "
              "reads at their sizes; %d libraries loaded from the package" %
              (len(avifs), sum(1 for m in maps if m.startswith(task + "/"))))


if __name__ == "__main__":
    main()
