#!/usr/bin/python3
"""Where outputs go: `-o DIR/` is a directory even for one input, made
with its parents; an output that would replace an input is refused before
anything is written, unless --overwrite; an existing output that is not an
input is replaced silently, as libvips and ImageMagick do.

Run as: test_cli_outputs.py THUMBNAIL CORPUS_DIR
"""
import os

import cli_support
from cli_support import ScratchTest, corpus, format_of, read, run

JPEG = "jpeg/flowers.jpeg"
PNG = "png/buggie.png"


def snapshot(top):
    """{relative path: bytes} of every file under top."""
    tree = {}
    for root, _, files in os.walk(top):
        for name in files:
            path = os.path.join(root, name)
            tree[os.path.relpath(path, top)] = read(path)
    return tree


class Directories(ScratchTest):
    def test_trailing_slash_makes_a_directory_for_one_input(self):
        r = run("-s", "64", "-f", "webp", "-o", self.out("thumbs") + "/", corpus(JPEG))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(os.listdir(self.out("thumbs")), ["flowers.webp"])

    def test_trailing_slash_makes_the_parents_too(self):
        r = run("-s", "64", "-o", self.out("a/b/c") + "/", corpus(JPEG), corpus(PNG))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(os.listdir(self.out("a/b/c"))), ["buggie.png", "flowers.jpg"])

    def test_without_the_slash_one_input_makes_a_file(self):
        r = run("-s", "64", "-f", "webp", "-o", self.out("thumbs"), corpus(JPEG))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isfile(self.out("thumbs")))
        self.assertEqual(format_of(read(self.out("thumbs"))), "webp")

    def test_a_file_in_the_way_of_the_directory_is_an_error(self):
        with open(self.out("file"), "wb") as f:
            f.write(b"x")
        r = run("-s", "64", "-o", self.out("file/sub") + "/", corpus(JPEG))
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot create directory", r.stderr)


class Overwrite(ScratchTest):
    def refused(self, args, victim):
        before = snapshot(self.dir)
        r = run(*args)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("would replace the input", r.stderr)
        self.assertIn(victim, r.stderr)
        self.assertIn("--overwrite", r.stderr)
        self.assertEqual(snapshot(self.dir), before, "something was written")

    def test_batch_into_the_inputs_own_directory_is_refused(self):
        a = self.copy(JPEG, "d/a.jpg")
        self.copy(PNG, "d/b.png")
        self.refused(["-s", "64", "-o", self.out("d"), self.out("d/a.jpg"), self.out("d/b.png")], a)

    def test_output_named_as_its_input_is_refused(self):
        a = self.copy(JPEG, "a.jpg")
        self.refused(["-s", "64", "-o", a, a], a)

    def test_another_spelling_and_a_hard_link_count_as_the_same_file(self):
        a = self.copy(JPEG, "d/a.jpg")
        os.link(a, self.out("link.jpg"))
        self.refused(["-s", "64", "-o", self.out("link.jpg"), a], a)
        self.refused(["-s", "64", "-o", self.out("d/../d/a.jpg"), a], a)
        self.refused(["-s", "64", "-o", self.out("d/./"), a], a)

    def test_one_input_replacing_another_input_is_refused(self):
        # d/b.png -> d/b.jpg, which is the other input.
        b_png = self.copy(PNG, "d/b.png")
        b_jpg = self.copy(JPEG, "d/b.jpg")
        self.refused(["-s", "64", "-f", "jpg", "-o", self.out("d"), b_png, b_jpg], b_jpg)

    def test_overwrite_writes_over_the_inputs(self):
        a = self.copy(JPEG, "d/a.jpg")
        original = read(a)
        r = run("--overwrite", "-s", "64", "-o", self.out("d"), a, corpus(PNG))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotEqual(read(a), original)
        self.assertEqual(format_of(read(a)), "jpeg")
        r = run("--overwrite", "-s", "32", "-o", a, a)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_an_existing_output_that_is_no_input_is_replaced(self):
        with open(self.out("t.jpg"), "wb") as f:
            f.write(b"old")
        r = run("-s", "64", "-o", self.out("t.jpg"), corpus(JPEG))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(format_of(read(self.out("t.jpg"))), "jpeg")

    def test_same_directory_with_other_names_is_fine(self):
        a = self.copy(JPEG, "d/a.jpg")
        original = read(a)
        r = run("-s", "64", "-f", "webp", "-o", self.out("d"), a)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(read(a), original)
        self.assertEqual(sorted(os.listdir(self.out("d"))), ["a.jpg", "a.webp"])


if __name__ == "__main__":
    cli_support.main()
