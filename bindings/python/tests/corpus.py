"""The shared test-image corpus: where it is, its files and MANIFEST rows.

$THUMB_CORPUS_DIR, else ../shared/corpus beside the repository. A missing
corpus is an error, never a skip.
"""

import csv
import os
from typing import Iterator, NamedTuple

_REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def corpus_dir() -> str:
    path = os.environ.get("THUMB_CORPUS_DIR") or os.path.join(_REPO_ROOT, "..", "shared", "corpus")
    if not os.path.isfile(os.path.join(path, "MANIFEST.tsv")):
        raise FileNotFoundError(
            "image corpus not found at %s (set THUMB_CORPUS_DIR)" % os.path.abspath(path)
        )
    return path


def read(rel: str) -> bytes:
    with open(os.path.join(corpus_dir(), rel), "rb") as f:
        return f.read()


class Row(NamedTuple):
    path: str
    description: str


def rows(prefix: str = "") -> Iterator[Row]:
    with open(os.path.join(corpus_dir(), "MANIFEST.tsv"), newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if r["path"].startswith(prefix):
                yield Row(r["path"], r["description"])


# Directories of images every decoder should read.
GOOD_DIRS = ("jpeg/", "png/", "webp/", "gif/", "orientation/")


def may_be_unsupported(description: str) -> bool:
    """JPEG flavours libjpeg-turbo 2.1 cannot decode (12-bit, lossless):
    a clean "unsupported feature" error is right for them."""
    return description.startswith("JPEG ") and (
        ", 12-bit," in description or ", lossless," in description
    )
