"""The README's examples, run: what it shows is what the binding does.

Run from bindings/python with THUMBNAIL_LIBRARY pointing at the library:
    python3 -m unittest discover -s tests -p 'test_readme.py' -v
"""

import doctest
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import corpus
import thumbnail
from thumbnail import errors

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
README = os.path.join(REPO, "bindings", "python", "README.md")
PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(thumbnail.__file__)))


def python_block_after(heading):
    """The first ```python block under a README heading."""
    with open(README) as f:
        text = f.read()
    section = text[text.index(heading) :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


class TestReadme(unittest.TestCase):
    def test_interactive_examples(self):
        # As a reader runs them: from the root of a clone (the library
        # loaded first, as $THUMBNAIL_LIBRARY may be a relative path).
        thumbnail.version()
        cwd = os.getcwd()
        os.chdir(REPO)
        try:
            result = doctest.testfile(README, module_relative=False, verbose=False)
        finally:
            os.chdir(cwd)
        self.assertEqual(result.failed, 0)
        self.assertGreaterEqual(result.attempted, 10)  # found the examples

    def test_every_public_name_is_documented(self):
        with open(README) as f:
            text = f.read()
        missing = [n for n in thumbnail.__all__ if not re.search(r"`[^`]*\b%s\b[^`]*`" % n, text)]
        self.assertEqual(missing, [])

    def test_the_error_table_is_the_bindings(self):
        # Every exception with the status it stands for, as raised.
        with open(README) as f:
            rows = re.findall(r"^\| `(\w+Error)`[^|]*\| `(\w+)` \|", f.read(), re.M)
        documented = {name: status for name, status in rows}
        raised = {cls.__name__: status.name for status, cls in errors._BY_CODE.items()}
        self.assertEqual(documented, raised)
        self.assertEqual(sorted(documented), sorted(n for n in thumbnail.__all__ if n.endswith("Error") and n not in ("ThumbnailError", "LibraryNotFoundError")))

    def test_thumbnail_a_directory(self):
        script = python_block_after("## Example: thumbnail a directory")
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = os.path.join(tmp, "src"), os.path.join(tmp, "dst")
            os.mkdir(src)
            shutil.copy(os.path.join(REPO, "examples", "sample", "portrait-exif6.jpg"), src)
            shutil.copy(os.path.join(corpus.corpus_dir(), "png", "pngsuite", "basn6a08.png"), src)
            with open(os.path.join(src, "notes.txt"), "w") as f:
                f.write("not an image\n")
            shutil.copy(os.path.join(corpus.corpus_dir(), "bad", "jpeg", "truncated.jpg"), src)
            out = subprocess.run(
                [sys.executable, "-c", script, src, dst],
                env=dict(os.environ, PYTHONPATH=PACKAGE_PARENT),
                capture_output=True,
                text=True,
                timeout=120,
            )
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertEqual(sorted(os.listdir(dst)), ["basn6a08.webp", "portrait-exif6.webp"])
            with open(os.path.join(dst, "portrait-exif6.webp"), "rb") as f:
                portrait = thumbnail.probe(f.read())
            self.assertEqual((portrait.format, portrait.width, portrait.height), ("webp", 213, 320))
            # Unsupported input is skipped quietly, a broken one reported.
            self.assertNotIn("notes.txt", out.stderr)
            self.assertIn("truncated.jpg", out.stderr)


if __name__ == "__main__":
    unittest.main()
