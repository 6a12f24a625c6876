#!/usr/bin/python3
"""The `thumbnail` command names formats as the library does: -f and the
output's extension take whatever thumb_format_from_name() takes (names,
extensions with or without the dot, MIME types, in any case), and a batch
names each output with thumb_format_extension().

Run as: test_cli_formats.py THUMBNAIL CORPUS_DIR
"""
import os

import cli_support
from cli_support import ScratchTest, corpus, read, run

INPUTS = {
    "jpeg": "jpeg/flowers.jpeg",
    "png": "png/buggie.png",
    "webp": "webp/libwebp-test-data/lossless_vec_2_1.webp",
    "gif": "gif/porsche.gif",
}

# Every spelling of each format the library knows.
SPELLINGS = {
    "jpeg": ["jpeg", "JPEG", "jpg", ".jpg", "jpe", ".JPE", "jfif", "image/jpeg", "Image/JPEG"],
    "png": ["png", ".png", "PNG", "image/png"],
    "webp": ["webp", ".WebP", "image/webp"],
    "gif": ["gif", ".gif", "GIF", "image/gif"],
}

# The library's usual extension of each format (thumb_format_extension).
EXTENSION = {"jpeg": "jpg", "png": "png", "webp": "webp", "gif": "gif"}


def magic(path):
    """The format a file's first bytes say, or "?"."""
    return cli_support.format_of(read(path))


class CliFormats(ScratchTest):
    def test_format_flag_takes_every_spelling(self):
        # The output's name says nothing: the format is -f's alone.
        for fmt, spellings in SPELLINGS.items():
            for spelling in spellings:
                with self.subTest(spelling):
                    dst = self.out("thumb.out")
                    r = run("-s", "48", "-f", spelling, corpus(INPUTS["jpeg"]), "-o", dst)
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.assertEqual(magic(dst), fmt)

    def test_output_extension_takes_every_extension(self):
        for fmt, spellings in SPELLINGS.items():
            for spelling in spellings:
                if "/" in spelling:
                    continue  # a MIME type is no file name
                ext = spelling.lstrip(".")
                with self.subTest(ext):
                    dst = self.out("thumb." + ext)
                    r = run("-s", "48", corpus(INPUTS["png"]), "-o", dst)
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.assertEqual(magic(dst), fmt)

    def test_auto_keeps_the_input_format(self):
        for fmt, src in INPUTS.items():
            with self.subTest(fmt):
                dst = self.out("thumb.out")
                r = run("-s", "48", "-f", "auto", corpus(src), "-o", dst)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(magic(dst), fmt)

    def test_unknown_names_are_usage_errors(self):
        for args in (["-f", "tiff"], ["-f", "image/tiff"], ["-f", ""], ["-f", "jpeg "]):
            with self.subTest(args):
                r = run("-s", "48", *args, corpus(INPUTS["jpeg"]), "-o", self.out("t.jpg"))
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn("invalid format '%s'" % args[1], r.stderr)
        # "auto" is a format name, but no file extension.
        for name in ("t.auto", "t.tiff", "t"):
            with self.subTest(name):
                r = run("-s", "48", corpus(INPUTS["jpeg"]), "-o", self.out(name))
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn("cannot tell the format", r.stderr)
        self.assertEqual(os.listdir(self.dir), [])

    def test_batch_outputs_get_the_library_extension(self):
        inputs = [corpus(src) for src in INPUTS.values()]
        for fmt, spellings in SPELLINGS.items():
            spelling = spellings[-1]  # the MIME type
            with self.subTest(spelling):
                outdir = self.out(fmt)
                r = run("-s", "48", "-f", spelling, "-o", outdir, *inputs)
                self.assertEqual(r.returncode, 0, r.stderr)
                stems = sorted(os.path.splitext(os.path.basename(p))[0] for p in inputs)
                self.assertEqual(sorted(os.listdir(outdir)), ["%s.%s" % (s, EXTENSION[fmt]) for s in stems])
                for name in os.listdir(outdir):
                    self.assertEqual(magic(os.path.join(outdir, name)), fmt)

    def test_batch_without_format_keeps_each_input_format_and_names_it(self):
        outdir = self.out("auto")
        r = run("-s", "48", "-o", outdir, *(corpus(src) for src in INPUTS.values()))
        self.assertEqual(r.returncode, 0, r.stderr)
        names = {}
        for fmt, src in INPUTS.items():
            stem = os.path.splitext(os.path.basename(src))[0]
            names["%s.%s" % (stem, EXTENSION[fmt])] = fmt
        self.assertEqual(sorted(os.listdir(outdir)), sorted(names))
        for name, fmt in names.items():
            self.assertEqual(magic(os.path.join(outdir, name)), fmt)

    def test_verbose_names_formats_as_the_library(self):
        r = run("-v", "-s", "48", "-f", "image/webp", corpus(INPUTS["gif"]), "-o", self.out("t.x"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r" gif -> \S+ \d+x\d+ webp, ")


if __name__ == "__main__":
    cli_support.main()
