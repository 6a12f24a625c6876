#!/usr/bin/env python3
"""A real browser as the client of the on-demand path, all on 127.0.0.1.

moto_server holds one source of every format; bootstrap runs under the
Runtime API emulator; a small HTTP front turns each request into a
Function URL event (the browser's own Accept header included) and the
response back into HTTP, as the Function URL does. Headless Chromium
loads a page of <img> tags, every source at every on-demand size, which
writes each image's naturalWidth/naturalHeight (or its failure) into the
page; --dump-dom reads them back. Every image must decode at the size
the box allows, and be served in the best format Chromium accepts that
the library writes (AVIF). --screenshot writes the page as a PNG.
"""

import argparse
import base64
import html
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402
from e2e import SOURCE_PREFIX, Bootstrap, Processes, check  # noqa

SOURCES = [("orientation/Landscape_1.jpg", "photo.jpg"),
           ("orientation/Portrait_6.jpg", "rotated.jpg"),
           ("png/Flag_of_the_Netherlands-alpha.png", "flag.png"),
           ("webp/4.webp", "still.webp"),
           ("gif/porsche.gif", "still.gif"),
           ("gif/animated-loop-3.gif", "animated.gif"),
           ("webp/rotating-squares.webp", "animated.webp")]
SIZES = "64x64,160x120,200x"
# Chromium's page load, images included, must end within this.
BROWSER_SECONDS = 120

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>libthumbnail on-demand</title>
<style>body{font:13px sans-serif}figure{display:inline-block;margin:6px;
vertical-align:top}img{border:1px solid #ccc}</style></head><body>
<h3>On-demand thumbnails through bootstrap, as Chromium sees them</h3>
%s
<pre id="out"></pre>
<script>
const out = {};
const imgs = document.querySelectorAll("img");
let left = imgs.length;
function done(img, what) {
  out[img.id] = what;
  img.nextElementSibling.textContent += " " + JSON.stringify(what);
  if (--left === 0)
    document.getElementById("out").textContent = JSON.stringify(out);
}
imgs.forEach(img => {
  if (img.complete && img.naturalWidth)
    done(img, [img.naturalWidth, img.naturalHeight]);
  else {
    img.onload = () => done(img, [img.naturalWidth, img.naturalHeight]);
    img.onerror = () => done(img, "error");
  }
});
</script></body></html>"""


class Front:
    """HTTP on 127.0.0.1 -> Function URL event -> bootstrap -> HTTP."""

    def __init__(self, bs, page):
        self.served = {}  # path -> (status, Content-Type)
        lock = threading.Lock()
        front = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, fmt, *args):
                pass

            def do_GET(self):
                if self.path == "/":
                    body = page.encode()
                    self.send_response(200)
                    self.send_header("Content-Type",
                                     "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                path, _, query = self.path[1:].partition("?")
                key = urllib.parse.unquote(path)
                with lock:  # one invocation at a time, as one instance
                    doc = bs.invoke(e2e.url_event(
                        key, query, self.headers.get("Accept", ""))).json()
                body = doc.get("body", "")
                body = (base64.b64decode(body) if doc.get("isBase64Encoded")
                        else body.encode())
                headers = doc.get("headers", {})
                front.served[self.path] = (doc["statusCode"],
                                           headers.get("Content-Type"),
                                           self.headers.get("Accept", ""))
                self.send_response(doc["statusCode"])
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d/" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def chromium(args, workdir, url, extra):
    profile = tempfile.mkdtemp(dir=workdir)
    return subprocess.run(
        [args.chromium, "--headless", "--no-sandbox", "--disable-gpu",
         "--no-first-run", "--user-data-dir=" + profile,
         "--virtual-time-budget=60000"] + extra + [url],
        capture_output=True, timeout=BROWSER_SECONDS)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--pil-python", default="/usr/bin/python3")
    ap.add_argument("--screenshot")
    args = ap.parse_args()
    e2e.clean_environment()
    sizes = e2e.parse_sizes(SIZES)
    info = e2e.image_info(args.pil_python, [
        os.path.join(args.corpus, p) for p, _ in SOURCES])
    figures, want = [], {}
    for i, (path, key) in enumerate(SOURCES):
        uw, uh = info[os.path.join(args.corpus, path)][3:5]
        for j, (name, bw, bh) in enumerate(sizes):
            ident = "i%d_%d" % (i, j)
            query = "&".join("%s=%d" % (n, v) for n, v in
                             (("width", bw), ("height", bh)) if v)
            src = "/%s?%s" % (urllib.parse.quote(SOURCE_PREFIX + key), query)
            figures.append('<figure><img id="%s" src="%s"><figcaption>%s '
                           '%s</figcaption></figure>' % (
                               ident, html.escape(src), html.escape(key),
                               name))
            want[ident] = (key, name, src, uw, uh, bw, bh)
    with tempfile.TemporaryDirectory() as workdir, Processes() as procs:
        endpoint, _ = e2e.moto_with_sources(procs, workdir, "browser",
                                            args.corpus, SOURCES)
        env = e2e.open_env(endpoint, "src", "dst")
        env["THUMB_ONDEMAND_SIZES"] = SIZES
        bs = Bootstrap(procs, args.bootstrap, env)
        front = Front(bs, PAGE % "\n".join(figures))
        try:
            res = chromium(args, workdir, front.url, ["--dump-dom"])
            check(res.returncode == 0, "chromium: %s" % res.stderr[-2000:])
            m = re.search(r'<pre id="out">([^<]*)</pre>',
                          res.stdout.decode("utf-8", "replace"))
            check(m and m.group(1), "the page did not finish: %s" %
                  res.stdout[-2000:])
            got = json.loads(html.unescape(m.group(1)))
            if args.screenshot:
                chromium(args, workdir, front.url, [
                    "--screenshot=" + os.path.abspath(args.screenshot),
                    "--window-size=1000,760", "--hide-scrollbars"])
        finally:
            front.close()
            bs.close()
    for ident, (key, name, src, uw, uh, bw, bh) in want.items():
        dims = got.get(ident)
        check(isinstance(dims, list), "%s %s: %s in the browser" %
              (key, name, dims))
        e2e.check_dims("%s %s" % (key, name), dims[0], dims[1], uw, uh, bw,
                       bh)
        status, ctype, accept = front.served[src]
        check(status == 200 and ctype == "image/avif" and
              "image/avif" in accept, "%s %s: %s %s for Accept %s" %
              (key, name, status, ctype, accept))
    print("browser: Chromium decoded %d on-demand thumbnails (%d sources x "
          "%d sizes) at the expected sizes, all AVIF for its Accept %r" %
          (len(want), len(SOURCES), len(sizes), accept))


if __name__ == "__main__":
    main()
