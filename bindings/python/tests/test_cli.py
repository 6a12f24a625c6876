"""``python3 -m thumbnail`` against the C command it mirrors.

Both are run on the same arguments in fresh folders: the same exit code,
the same output files, byte for byte (both decode once with the same
options through thumb_run_many). $THUMB_CLI is the C command.

Run from bindings/python with THUMBNAIL_LIBRARY and THUMB_CLI set:
    python3 -m unittest discover -s tests -p 'test_cli.py' -v
"""

import os
import subprocess
import sys
import tempfile
import unittest

import corpus
import thumbnail

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(thumbnail.__file__)))
PORTRAIT = os.path.join(REPO, "examples", "sample", "portrait-exif6.jpg")
SMALL = os.path.join(corpus.corpus_dir(), "png", "pngsuite", "basn2c08.png")  # 32x32


def c_command():
    path = os.environ.get("THUMB_CLI")
    if not path or not os.access(path, os.X_OK):
        raise FileNotFoundError("THUMB_CLI must name the C thumbnail command (got %r)" % path)
    return [os.path.abspath(path)]


PY_COMMAND = [sys.executable, "-m", "thumbnail"]


def run(command, args, cwd):
    env = dict(os.environ, PYTHONPATH=PACKAGE_PARENT, THUMBNAIL_LIBRARY=os.path.abspath(thumbnail.library_path()))
    return subprocess.run(command + args, cwd=cwd, env=env, capture_output=True, timeout=300)


def tree(folder):
    """{relative path: bytes} of every file under folder."""
    files = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                files[os.path.relpath(path, folder)] = f.read()
    return files


class TestSameAsTheCCommand(unittest.TestCase):
    def both(self, args):
        """Runs both commands in fresh folders; returns the Python run and
        its files after checking they equal the C command's."""
        results = []
        for command in (c_command(), PY_COMMAND):
            with tempfile.TemporaryDirectory() as cwd:
                r = run(command, args, cwd)
                results.append((r, tree(cwd)))
        (c, c_files), (py, py_files) = results
        self.assertEqual(py.returncode, c.returncode, "%s\nC: %s\nPython: %s" % (args, c.stderr, py.stderr))
        self.assertEqual(sorted(py_files), sorted(c_files), args)
        for name in c_files:
            self.assertEqual(py_files[name], c_files[name], "%s differs: %s" % (name, args))
        return py, py_files

    def test_one_file_format_from_its_extension(self):
        py, files = self.both(["-s", "256", "-o", "thumb.webp", PORTRAIT])
        self.assertEqual(py.returncode, 0, py.stderr)
        info = thumbnail.probe(files["thumb.webp"])
        self.assertEqual((info.format, info.width, info.height), ("webp", 171, 256))

    def test_sizes_by_formats_into_a_folder(self):
        gif = os.path.join(corpus.corpus_dir(), "gif", "animated-loop-3.gif")
        args = ["-s", "200", "-s", "64x", "-s", "x50", "-f", "webp", "-f", "jpg", "-o", "out", PORTRAIT, gif]
        py, files = self.both(args)
        self.assertEqual(py.returncode, 0, py.stderr)
        self.assertEqual(
            sorted(files),
            sorted(
                "out/%s-%s.%s" % (stem, size, ext)
                for stem in ("portrait-exif6", "animated-loop-3")
                for size in ("200", "64x", "x50")
                for ext in ("webp", "jpg")
            ),
        )

    def test_every_common_option(self):
        gif = os.path.join(corpus.corpus_dir(), "gif", "animated-loop-3.gif")
        for args in (
            ["-s", "100x60", "--fit", "cover", "--crop", "attention", "-q", "40", "-o", "a.jpg", PORTRAIT],
            ["-s", "100x60", "--fit", "fill", "--format", "image/png", "-o", "a.bin", PORTRAIT],
            ["-s", "32", "--crop", "center", "--fit", "cover", "-o", "a.gif", gif],
            ["-s", "32", "--first-frame", "-o", "a.gif", gif],
            ["-s", "100", "--enlarge", "--quality", "90", "-f", "webp", "-o", "big", SMALL],
            ["--size", "48", "-o", "same.gif", gif],
        ):
            with self.subTest(args=args):
                py, files = self.both(args)
                self.assertEqual(py.returncode, 0, py.stderr)
                self.assertEqual(len(files), 1)
        # --first-frame is what makes a GIF still.
        _, animated = self.both(["-s", "32", "-o", "a.gif", gif])
        _, still = self.both(["-s", "32", "--first-frame", "-o", "a.gif", gif])
        self.assertGreater(thumbnail.probe(animated["a.gif"]).frames, 1)
        self.assertEqual(thumbnail.probe(still["a.gif"]).frames, 1)

    def test_a_failed_input_fails_alone(self):
        bad = os.path.join(corpus.corpus_dir(), "bad", "jpeg", "truncated.jpg")
        args = ["-s", "64", "-f", "png", "-o", "out", bad, PORTRAIT, "/no/such/file.jpg"]
        py, files = self.both(args)
        self.assertEqual(py.returncode, 1)
        self.assertEqual(sorted(files), ["out/portrait-exif6.png"])
        stderr = py.stderr.decode()
        self.assertIn("truncated.jpg: ", stderr)
        self.assertIn("/no/such/file.jpg: cannot read: No such file or directory", stderr)

    def test_usage_errors(self):
        for args in (
            ["-s", "99999", "-o", "a.jpg", PORTRAIT],
            ["-s", "0x", "-o", "a.jpg", PORTRAIT],
            ["-s", "x", "-o", "a.jpg", PORTRAIT],
            ["--fit", "crop", "-o", "a.jpg", PORTRAIT],
            ["--crop", "middle", "-o", "a.jpg", PORTRAIT],
            ["-q", "0", "-o", "a.jpg", PORTRAIT],
            ["-q", "101", "-o", "a.jpg", PORTRAIT],
            ["-f", "tiff", "-o", "a.jpg", PORTRAIT],
            ["-o", "a.jpg"],
            [PORTRAIT],
            ["-o", "a.auto", PORTRAIT],
            ["-o", "noextension", PORTRAIT],
            ["--no-such-option", "-o", "a.jpg", PORTRAIT],
            ["-o"],
        ):
            with self.subTest(args=args):
                py, files = self.both(args)
                self.assertEqual(py.returncode, 2)
                self.assertEqual(files, {})
                self.assertTrue(py.stderr.startswith(b"thumbnail: "), py.stderr)

    def test_version_and_help(self):
        with tempfile.TemporaryDirectory() as cwd:
            c = run(c_command(), ["--version"], cwd)
            py = run(PY_COMMAND, ["--version"], cwd)
            self.assertEqual((py.returncode, py.stdout), (c.returncode, c.stdout))
            self.assertEqual(py.stdout.decode(), "thumbnail %s\n" % thumbnail.version())
            for flag in ("-h", "--help"):
                py = run(PY_COMMAND, [flag], cwd)
                self.assertEqual(py.returncode, 0)
                for option in ("--size", "--format", "--output", "--fit", "--crop", "--quality", "--first-frame", "--version", "Exit status"):
                    self.assertIn(option, py.stdout.decode())


class TestOwnBehaviour(unittest.TestCase):
    def test_trailing_slash_is_a_folder_even_for_one_input(self):
        with tempfile.TemporaryDirectory() as cwd:
            r = run(PY_COMMAND, ["-s", "200x", "-f", "webp", "-o", "thumbs/", PORTRAIT], cwd)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(sorted(tree(cwd)), ["thumbs/portrait-exif6.webp"])

    def test_an_input_only_format_is_refused_as_output(self):
        with tempfile.TemporaryDirectory() as cwd:
            r = run(PY_COMMAND, ["-f", "heic", "-o", "a.heic", PORTRAIT], cwd)
            self.assertEqual(r.returncode, 2)
            self.assertIn(b"invalid format 'heic'", r.stderr)
            self.assertIn(b"jpeg, png, webp, gif", r.stderr)
            self.assertEqual(tree(cwd), {})


if __name__ == "__main__":
    unittest.main()
