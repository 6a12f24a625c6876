"""What the `thumbnail` command's tests share: running it, the corpus, a
scratch directory, reading a file's format from its first bytes.

Each test file is run as: test_cli_X.py THUMBNAIL CORPUS_DIR
"""
import os
import subprocess
import sys
import tempfile
import unittest

# Set by main() from the command line.
THUMBNAIL = CORPUS = None

# The repository: the man page and the command's source are checked too.
SOURCE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))

# Each format's signature: (offset, bytes).
SIGNATURES = {
    "jpeg": (0, b"\xff\xd8\xff"),
    "png": (0, b"\x89PNG\r\n\x1a\n"),
    "webp": (8, b"WEBP"),
    "gif": (0, b"GIF8"),
}


def run(*args, stdin=None, text=True):
    """The command's result; stdin: bytes to feed it (then output is bytes)."""
    if stdin is not None:
        return subprocess.run([THUMBNAIL, *args], input=stdin, capture_output=True, timeout=60)
    return subprocess.run([THUMBNAIL, *args], capture_output=True, text=text, timeout=60)


def corpus(rel):
    return os.path.join(CORPUS, rel)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def format_of(data):
    """The format bytes' first bytes say, or "?"."""
    return next((fmt for fmt, (at, sig) in SIGNATURES.items() if data[at : at + len(sig)] == sig), "?")


class ScratchTest(unittest.TestCase):
    """A test with a fresh directory of its own (self.dir, self.out(name))."""

    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = tmp.name

    def out(self, name):
        return os.path.join(self.dir, name)

    def copy(self, rel, name):
        """Corpus file rel copied to name in the scratch directory."""
        path = self.out(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(read(corpus(rel)))
        return path


def main():
    global THUMBNAIL, CORPUS
    THUMBNAIL, CORPUS = sys.argv[1], sys.argv[2]
    del sys.argv[1:3]
    unittest.main(module="__main__", verbosity=2)
