#!/usr/bin/python3
"""The `thumbnail` command: formats from extensions, batch mode, exit codes,
clean one-line errors, no partial output, --help.

Run by CTest as: cli_behaviour.py THUMBNAIL CORPUS_DIR
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

THUMBNAIL = CORPUS = None


def run(*args):
    return subprocess.run([THUMBNAIL, *args], capture_output=True, text=True,
                          timeout=120)


def corpus(rel):
    return os.path.join(CORPUS, rel)


def magic(path):
    with open(path, "rb") as f:
        head = f.read(12)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return "?"


class Cli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def out(self, name):
        return os.path.join(self.dir, name)

    def test_extension_picks_the_format_for_every_input_format(self):
        inputs = ["jpeg/2569067123_aca715a2ee_o.jpg", "png/buggie.png",
                  "webp/libwebp-test-data/lossless_vec_2_1.webp",
                  "gif/porsche.gif"]
        for src in inputs:
            for ext, fmt in (("jpg", "jpeg"), ("jpeg", "jpeg"), ("png", "png"),
                             ("webp", "webp")):
                dst = self.out("t." + ext)
                r = run("-s", "256", corpus(src), "-o", dst)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(magic(dst), fmt, src)

    def test_format_flag_overrides_the_extension(self):
        dst = self.out("t.jpg")
        r = run("-s", "64", "-f", "png", corpus("gif/porsche.gif"), "-o", dst)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(magic(dst), "png")

    def test_unknown_extension_without_format_is_a_usage_error(self):
        r = run("-s", "64", corpus("gif/porsche.gif"), "-o", self.out("t.bmp"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("-f", r.stderr)

    def test_bad_input_fails_cleanly_with_one_line_and_no_output(self):
        dst = self.out("t.jpg")
        r = run("-s", "64", corpus("bad/jpeg/truncated.jpg"), "-o", dst)
        self.assertEqual(r.returncode, 1)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("truncated.jpg", lines[0])
        self.assertIn("JPEG", lines[0])
        self.assertFalse(os.path.exists(dst))
        self.assertEqual(os.listdir(self.dir), [])

    def test_missing_input_is_reported(self):
        r = run("-s", "64", self.out("nope.jpg"), "-o", self.out("t.jpg"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot read", r.stderr)

    def test_batch_goes_on_past_failures_and_names_outputs_after_inputs(self):
        outdir = self.out("thumbs")
        inputs = [corpus("jpeg/flowers.jpeg"), corpus("bad/png/broken.png"),
                  corpus("gif/porsche.gif"), corpus("bad/unsupported/circle.svg"),
                  corpus("png/buggie.png")]
        r = run("-s", "100", "-f", "webp", "-o", outdir, *inputs)
        self.assertEqual(r.returncode, 1)
        failures = r.stderr.strip().splitlines()
        self.assertEqual(len(failures), 2, r.stderr)
        self.assertIn("broken.png", failures[0])
        self.assertIn("circle.svg", failures[1])
        self.assertIn("unsupported format: SVG", failures[1])
        self.assertEqual(sorted(os.listdir(outdir)),
                         ["buggie.webp", "flowers.webp", "porsche.webp"])
        for name in os.listdir(outdir):
            self.assertEqual(magic(os.path.join(outdir, name)), "webp")

    def test_batch_without_format_keeps_each_input_format(self):
        outdir = self.out("thumbs")
        r = run("-s", "50", "-o", outdir, corpus("jpeg/flowers.jpeg"),
                corpus("gif/porsche.gif"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(os.listdir(outdir)),
                         ["flowers.jpg", "porsche.gif"])

    def test_usage_errors_exit_2(self):
        for args in ([], ["-s", "64", corpus("gif/porsche.gif")],
                     ["-s", "0", "-o", "x.jpg", "in.jpg"],
                     ["-s", "abc", "-o", "x.jpg", "in.jpg"],
                     ["--fit", "squash", "-o", "x.jpg", "in.jpg"],
                     ["-q", "101", "-o", "x.jpg", "in.jpg"],
                     ["--bogus", "-o", "x.jpg", "in.jpg"],
                     ["-s"]):
            r = run(*args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertTrue(r.stderr.startswith("thumbnail: "), r.stderr)

    def test_sizes_follow_vipsthumbnail_syntax(self):
        src = corpus("jpeg/2569067123_aca715a2ee_o.jpg")  # 2725x2225
        for size, want in (("256", (256, 209)), ("300x200", (245, 200)),
                           ("300x", (300, 245)), ("x100", (122, 100))):
            dst = self.out("t.png")
            r = run("-v", "-s", size, src, "-o", dst)
            self.assertEqual(r.returncode, 0, r.stderr)
            m = re.search(r"-> \S+ (\d+)x(\d+)", r.stderr)
            self.assertEqual((int(m[1]), int(m[2])), want, size)

    def test_fit_modes(self):
        src = corpus("jpeg/2569067123_aca715a2ee_o.jpg")
        for fit, want in (("inside", (200, 163)), ("cover", (200, 200)),
                          ("fill", (200, 200))):
            r = run("-v", "-s", "200", "--fit", fit, src, "-o", self.out("t.png"))
            self.assertEqual(r.returncode, 0, r.stderr)
            m = re.search(r"-> \S+ (\d+)x(\d+)", r.stderr)
            self.assertEqual((int(m[1]), int(m[2])), want, fit)

    def test_help_documents_every_option_and_the_exit_codes(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        for opt in ("--size", "--fit", "--enlarge", "--format", "--quality",
                    "--progressive", "--subsampling", "--png-compression",
                    "--lossless", "--background", "--no-rotate",
                    "--max-pixels", "--output", "--verbose", "--version",
                    "--crop", "--first-frame", "--color", "--keep-exif",
                    "--accurate", "Exit status"):
            self.assertIn(opt, r.stdout)

    def test_metadata_and_colour_flags(self):
        src = corpus("orientation/Landscape_6.jpg")
        plain, kept = self.out("plain.jpg"), self.out("kept.jpg")
        self.assertEqual(run("-s", "64", src, "-o", plain).returncode, 0)
        r = run("-s", "64", "--color", "tagged", "--keep-exif", "--accurate",
                src, "-o", kept)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(plain, "rb") as f:
            plain_bytes = f.read()
        with open(kept, "rb") as f:
            kept_bytes = f.read()
        self.assertNotIn(b"Exif\0\0", plain_bytes)
        self.assertNotIn(b"ICC_PROFILE", plain_bytes)
        self.assertIn(b"Exif\0\0", kept_bytes)
        self.assertIn(b"ICC_PROFILE", kept_bytes)
        r = run("--color", "bogus", src, "-o", kept)
        self.assertEqual(r.returncode, 2)

    def test_pixel_limit_option(self):
        r = run("--max-pixels", "1000", "-s", "10",
                corpus("jpeg/flowers.jpeg"), "-o", self.out("t.jpg"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("THUMB_OPT_MAX_PIXELS", r.stderr)


if __name__ == "__main__":
    THUMBNAIL, CORPUS = sys.argv[1], sys.argv[2]
    del sys.argv[1:3]
    unittest.main(verbosity=2)
