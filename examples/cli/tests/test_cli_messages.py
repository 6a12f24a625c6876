#!/usr/bin/python3
"""Every error message of the command says what is valid, with the range
and its units, as the library states them.

Run as: test_cli_messages.py THUMBNAIL CORPUS_DIR
"""
import os

import cli_support
from cli_support import ScratchTest, corpus, run

JPEG = "jpeg/flowers.jpeg"  # 1920x1080

# Each bad value, and what its message must say: the valid values or range.
USAGE = [
    (["-s", "99999"], ["invalid size '99999'", "1..65535 pixels", "WxH"]),
    (["-s", "0x10"], ["invalid size '0x10'", "1..65535 pixels"]),
    (["--size", "abc"], ["invalid size 'abc'", "N, WxH, Wx or xH"]),
    (["--fit", "crop"], ["invalid fit 'crop'", "inside, cover or fill"]),
    (["--crop", "face"], ["invalid crop 'face'", "centre, entropy or attention"]),
    (["-f", "bmp"], ["invalid format 'bmp'", "jpeg, png, webp, gif or avif"]),
    (["-f", "heic"], ["cannot write HEIF", "reads HEIF", "writes only jpeg, png, webp, gif or avif"]),
    (["-f", "image/jxl"], ["cannot write JXL", "reads JXL", "jpeg, png, webp, gif or avif"]),
    (["-q", "0"], ["invalid quality '0'", "1..100"]),
    (["--quality", "101"], ["invalid quality '101'", "1..100"]),
    (["--subsampling", "422"], ["invalid subsampling '422'", "420 or 444"]),
    (["--png-compression", "10"], ["invalid PNG compression '10'", "0..9"]),
    (["--background", "fff"], ["invalid background 'fff'", "RRGGBB", "six hex digits"]),
    (["--background", "-12345"], ["invalid background '-12345'", "RRGGBB"]),
    (["--background", "0x1234"], ["invalid background '0x1234'", "RRGGBB"]),
    (["--max-pixels", "0"], ["invalid pixel limit '0'", "1..", "pixels"]),
    (["--color", "p3"], ["invalid color 'p3'", "srgb, tagged or keep"]),
    (["-j", "0"], ["invalid job count '0'", "1..256"]),
    (["-o", ""], ["empty output name"]),
    (["--bogus"], ["unknown option '--bogus'"]),
    (["-q"], ["option '-q' needs a value"]),
]


class Messages(ScratchTest):
    def test_every_bad_value_names_the_valid_ones(self):
        for args, wants in USAGE:
            with self.subTest(args):
                full = args if "-o" in args else args + ["-o", self.out("t.jpg")]
                r = run(*full, corpus(JPEG)) if args != ["-q"] else run("-o", self.out("t.jpg"), corpus(JPEG), *args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertTrue(r.stderr.startswith("thumbnail: "), r.stderr)
                for want in wants:
                    self.assertIn(want, r.stderr)
        self.assertEqual(os.listdir(self.dir), [])

    def test_missing_input_or_output_says_what_to_give(self):
        r = run("-s", "64", "-o", self.out("t.jpg"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("no input file (give INPUT..., or - for standard input)", r.stderr)
        r = run("-s", "64", corpus(JPEG))
        self.assertEqual(r.returncode, 2)
        self.assertIn("no output given (-o OUT)", r.stderr)

    def test_a_directory_as_input_says_it_is_a_directory(self):
        os.mkdir(self.out("photos"))
        r = run("-s", "64", "-o", self.out("outd"), self.out("photos"))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("is a directory", r.stderr)
        self.assertNotIn("cannot tell the format", r.stderr)
        r = run("-s", "64", "-o", self.out("many"), self.out("photos"), corpus(JPEG))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("photos: cannot read: it is a directory", r.stderr)

    def test_the_output_extension_names_the_formats_written(self):
        r = run("-s", "64", corpus(JPEG), "-o", self.out("t.bmp"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("-f (jpeg, png, webp, gif or avif)", r.stderr)
        self.assertIn(".jpg, .png, .webp, .gif or .avif", r.stderr)
        r = run("-s", "64", corpus(JPEG), "-o", self.out("t.heic"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot write HEIF", r.stderr)

    def test_pixel_limits_are_in_pixels_when_small(self):
        r = run("--max-pixels", "10", "-s", "64", corpus(JPEG), "-o", self.out("t.jpg"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("over the limit of 10 pixels", r.stderr)
        self.assertIn("(2.1 megapixels)", r.stderr)
        self.assertNotIn("0.0 megapixels", r.stderr)
        r = run("--max-pixels", "1000", "-s", "64", "--fit", "fill", "--enlarge", "-s", "100x100",
                corpus("png/buggie.png"), "-o", self.out("d"))
        self.assertEqual(r.returncode, 1)
        self.assertNotIn("0.0 megapixels", r.stderr)


if __name__ == "__main__":
    cli_support.main()
