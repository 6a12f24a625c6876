#!/usr/bin/python3
"""The `thumbnail` command: formats from extensions, batch mode (one after
another and on several threads), exit codes, clean one-line errors, no
partial output, --help.

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


# Distinct images of every input format, a large one among them so that
# workers finish out of order.
BATCH = ["jpeg/flowers.jpeg", "jpeg/2569067123_aca715a2ee_o.jpg",
         "jpeg/Carrie.jpg", "orientation/Landscape_6.jpg", "png/buggie.png",
         "webp/libwebp-test-data/lossless_vec_2_1.webp", "gif/porsche.gif"]


def read_tree(top):
    """{file name: bytes} of a directory of outputs."""
    tree = {}
    for name in os.listdir(top):
        with open(os.path.join(top, name), "rb") as f:
            tree[name] = f.read()
    return tree


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
        # On several threads the lines come as inputs finish.
        failures = sorted(r.stderr.strip().splitlines(),
                          key=lambda line: "circle.svg" in line)
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
                    "--progressive", "--optimize-coding", "--subsampling", "--png-compression",
                    "--lossless", "--background", "--no-rotate",
                    "--max-pixels", "--output", "--verbose", "--version",
                    "--crop", "--first-frame", "--color", "--keep-exif",
                    "--accurate", "--jobs", "Exit status"):
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

    def test_parallel_batch_writes_the_same_bytes_as_one_after_another(self):
        inputs = [corpus(rel) for rel in BATCH]
        want = None
        for jobs in ("1", "2", "3", "7", "16", None):
            outdir = self.out("j%s" % jobs)
            extra = ["-j", jobs] if jobs else []  # None: one per CPU
            r = run("-s", "96", *extra, "-o", outdir, *inputs)
            self.assertEqual(r.returncode, 0, (jobs, r.stderr))
            self.assertEqual(r.stderr, "")
            got = read_tree(outdir)
            if want is None:
                want = got
                self.assertEqual(len(want), len(BATCH))
            else:
                self.assertEqual(sorted(got), sorted(want), jobs)
                for name in want:
                    self.assertEqual(got[name], want[name], (jobs, name))

    def test_more_jobs_than_inputs_and_one_input_with_jobs(self):
        two = [corpus("jpeg/flowers.jpeg"), corpus("png/buggie.png")]
        r1 = run("-s", "80", "-j", "1", "-o", self.out("one"), *two)
        r3 = run("-s", "80", "-j", "3", "-o", self.out("three"), *two)
        self.assertEqual((r1.returncode, r3.returncode), (0, 0), r3.stderr)
        self.assertEqual(read_tree(self.out("one")),
                         read_tree(self.out("three")))
        self.assertEqual(len(read_tree(self.out("one"))), 2)
        r = run("-s", "80", "-j", "4", two[0], "-o", self.out("single.jpg"))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.out("single.jpg"), "rb") as f:
            self.assertEqual(f.read(), read_tree(self.out("one"))["flowers.jpg"])

    def test_parallel_batch_reports_the_one_corrupt_input_and_writes_the_rest(
            self):
        bad = corpus("bad/jpeg/truncated.jpg")
        inputs = [corpus(rel) for rel in BATCH]
        inputs.insert(3, bad)
        for jobs in ("2", "3"):
            outdir = self.out("j" + jobs)
            r = run("-s", "96", "-j", jobs, "-f", "png", "-o", outdir, *inputs)
            self.assertEqual(r.returncode, 1, r.stderr)
            lines = r.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, r.stderr)
            self.assertTrue(lines[0].startswith("thumbnail: %s: JPEG" % bad),
                            lines[0])
            # Every other output, and nothing else: no temporary file, none
            # for the corrupt input.
            want = sorted(os.path.splitext(os.path.basename(p))[0] + ".png"
                          for p in inputs if p != bad)
            self.assertEqual(sorted(os.listdir(outdir)), want)
            for name in want:
                self.assertEqual(magic(os.path.join(outdir, name)), "png")

    def test_inputs_sharing_an_output_name_the_later_one_wins(self):
        # a/x.jpg and b/x.jpg both map to OUT/x.jpg; c/x.png to OUT/x.png
        # unless -f makes it a JPEG too. However the workers finish, the
        # output is the one of the last of them on the command line, as
        # when converted one after another.
        srcs = {"a/x.jpg": "jpeg/Carrie.jpg", "b/x.jpg": "jpeg/flowers.jpeg",
                "c/x.png": "png/buggie.png"}
        for rel, src in srcs.items():
            os.makedirs(self.out(os.path.dirname(rel)), exist_ok=True)
            with open(corpus(src), "rb") as f, open(self.out(rel), "wb") as g:
                g.write(f.read())
        alone = {}
        for rel in srcs:
            dst = self.out("alone-" + rel.replace("/", "-") + ".jpg")
            self.assertEqual(run("-s", "64", "-f", "jpeg", self.out(rel),
                                 "-o", dst).returncode, 0)
            with open(dst, "rb") as f:
                alone[rel] = f.read()
        # The large input first: it finishes last when run in parallel.
        order = ["a/x.jpg", "b/x.jpg"]
        for jobs in ("1", "2", "3"):
            outdir = self.out("auto" + jobs)
            r = run("-s", "64", "-j", jobs, "-o", outdir,
                    *[self.out(rel) for rel in order + ["c/x.png"]])
            self.assertEqual(r.returncode, 0, r.stderr)
            got = read_tree(outdir)
            self.assertEqual(sorted(got), ["x.jpg", "x.png"], jobs)
            self.assertEqual(got["x.jpg"], alone["b/x.jpg"], jobs)
            outdir = self.out("jpeg" + jobs)
            r = run("-s", "64", "-j", jobs, "-f", "jpeg", "-o", outdir,
                    self.out("c/x.png"), *[self.out(rel) for rel in order])
            self.assertEqual(r.returncode, 0, r.stderr)
            got = read_tree(outdir)
            self.assertEqual(sorted(got), ["x.jpg"], jobs)
            self.assertEqual(got["x.jpg"], alone["b/x.jpg"], jobs)

    def test_jobs_usage_errors_exit_2(self):
        good = corpus("gif/porsche.gif")
        for value in ("0", "x", "-1", "257", "2.5", ""):
            for flag in ("-j", "--jobs"):
                r = run(flag, value, "-s", "64", "-o", self.out("t"), good,
                        good)
                self.assertEqual(r.returncode, 2, (flag, value, r.stderr))
                self.assertTrue(r.stderr.startswith("thumbnail: "), r.stderr)
        self.assertFalse(os.path.exists(self.out("t")))
        r = run("--jobs=256", "-s", "64", "-o", self.out("t.gif"), good)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_repeated_sizes_and_formats_name_each_output_and_match_single_runs(
            self):
        outdir = self.out("srcset")
        inputs = [corpus("jpeg/flowers.jpeg"), corpus("gif/chi.gif")]
        sizes, formats = ["100", "50x", "x40"], ["webp", "png"]
        args = [a for s in sizes for a in ("-s", s)]
        args += [a for f in formats for a in ("-f", f)]
        r = run(*args, "-o", outdir, *inputs)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = read_tree(outdir)
        self.assertEqual(sorted(got), sorted(
            f"{stem}-{s}.{f}" for stem in ("flowers", "chi")
            for s in sizes for f in formats))
        # Each made as one run with that size and format would make it.
        for stem, src in zip(("flowers", "chi"), inputs):
            for s in sizes:
                for f in formats:
                    one = self.out(f"one.{f}")
                    r = run("-s", s, "-f", f, src, "-o", one)
                    self.assertEqual(r.returncode, 0, r.stderr)
                    with open(one, "rb") as single:
                        self.assertEqual(got[f"{stem}-{s}.{f}"],
                                         single.read(), f"{stem} {s} {f}")

    def test_one_input_with_several_sizes_writes_into_a_directory(self):
        outdir = self.out("made")
        r = run("-s", "64", "-s", "32", corpus("png/buggie.png"), "-o", outdir)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(os.listdir(outdir)),
                         ["buggie-32.png", "buggie-64.png"])

    def test_one_output_failing_leaves_the_others_written(self):
        # WebP holds at most 16383 pixels a side; PNG holds this.
        outdir = self.out("mixed")
        r = run("-s", "17000x8", "--fit", "fill", "--enlarge", "-f", "webp",
                "-f", "png", corpus("png/buggie.png"), "-o", outdir)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn("larger than WebP's limit", r.stderr)
        self.assertEqual(os.listdir(outdir), ["buggie-17000x8.png"])

    def test_too_many_sizes_is_a_usage_error(self):
        args = [a for n in range(1, 18) for a in ("-s", str(n))]
        r = run(*args, corpus("png/buggie.png"), "-o", self.out("d"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("more than 16 sizes", r.stderr)


if __name__ == "__main__":
    THUMBNAIL, CORPUS = sys.argv[1], sys.argv[2]
    del sys.argv[1:3]
    unittest.main(verbosity=2)
