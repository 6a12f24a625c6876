#!/usr/bin/python3
"""`-` is standard input as INPUT and standard output as OUT; standard
output gets the image's bytes and nothing else.

Run as: test_cli_streams.py THUMBNAIL CORPUS_DIR
"""
import os

import cli_support
from cli_support import ScratchTest, corpus, format_of, read, run

JPEG = "jpeg/flowers.jpeg"
PNG = "png/buggie.png"


class Streams(ScratchTest):
    def test_output_to_stdout_is_the_same_image_as_to_a_file(self):
        r = run("-s", "64", "-f", "webp", "-o", "-", corpus(JPEG), text=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, b"")
        self.assertEqual(run("-s", "64", "-o", self.out("t.webp"), corpus(JPEG)).returncode, 0)
        self.assertEqual(r.stdout, read(self.out("t.webp")))
        self.assertFalse(os.path.exists("-"))

    def test_input_from_stdin_with_the_format_from_the_extension(self):
        r = run("-s", "64", "-o", self.out("t.webp"), "-", stdin=read(corpus(PNG)))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(format_of(read(self.out("t.webp"))), "webp")
        self.assertEqual(run("-s", "64", "-o", self.out("f.webp"), corpus(PNG)).returncode, 0)
        self.assertEqual(read(self.out("t.webp")), read(self.out("f.webp")))

    def test_stdin_to_stdout_keeps_the_input_format_without_f(self):
        for rel, fmt in ((JPEG, "jpeg"), (PNG, "png"), ("gif/porsche.gif", "gif")):
            with self.subTest(rel):
                r = run("-s", "32", "-o", "-", "-", stdin=read(corpus(rel)))
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(format_of(r.stdout), fmt)
        r = run("-s", "32", "-f", "png", "-o", "-", "-", stdin=read(corpus(JPEG)))
        self.assertEqual(format_of(r.stdout), "png")

    def test_verbose_goes_to_stderr_only(self):
        r = run("-v", "-s", "32", "-f", "png", "-o", "-", corpus(JPEG), text=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"decode", r.stderr)
        self.assertEqual(format_of(r.stdout), "png")
        self.assertNotIn(b"decode", r.stdout)

    def test_stdin_in_a_batch_is_named_stdin(self):
        r = run("-s", "32", "-s", "16", "-o", self.out("d"), "-", stdin=read(corpus(JPEG)))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(os.listdir(self.out("d"))), ["stdin-16.jpg", "stdin-32.jpg"])

    def test_stdout_with_several_outputs_is_refused_and_nothing_is_written(self):
        for args in (["-s", "32", corpus(JPEG), corpus(PNG)], ["-s", "32", "-s", "16", corpus(JPEG)],
                     ["-f", "png", "-f", "webp", corpus(JPEG)]):
            with self.subTest(args):
                r = run("-o", "-", *args, text=False)
                self.assertEqual(r.returncode, 2)
                self.assertEqual(r.stdout, b"")
                self.assertIn(b"-o - writes one image to standard output", r.stderr)
                self.assertIn(b"makes 2", r.stderr)

    def test_stdin_twice_is_refused(self):
        r = run("-s", "32", "-o", self.out("d"), "-", "-", stdin=b"")
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"more than once", r.stderr)

    def test_a_broken_stream_fails_with_one_line_and_no_bytes(self):
        r = run("-s", "32", "-o", "-", "-", stdin=read(corpus(JPEG))[:200])
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, b"")
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)


if __name__ == "__main__":
    cli_support.main()
