"""The package's version, read at build time from the library's header.

include/thumbnail.h is the one place the version is written (CMake reads
it there too). Building from a clone finds it two directories up; a source
distribution made from a clone carries the version in its PKG-INFO, which
is read there instead. Everything else is in pyproject.toml.
"""

import os
import re

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = os.path.join(HERE, "..", "..", "include", "thumbnail.h")
PKG_INFO = os.path.join(HERE, "PKG-INFO")


def header_version(path):
    with open(path) as f:
        text = f.read()
    parts = [re.search(r"^#define THUMB_VERSION_%s (\d+)$" % part, text, re.M) for part in ("MAJOR", "MINOR", "PATCH")]
    if not all(parts):
        raise SystemExit("%s: no THUMB_VERSION_MAJOR/MINOR/PATCH defines" % path)
    return ".".join(m.group(1) for m in parts)


def sdist_version(path):
    with open(path) as f:
        m = re.search(r"^Version: (\S+)$", f.read(), re.M)
    if not m:
        raise SystemExit("%s: no Version line" % path)
    return m.group(1)


def version():
    # An unpacked sdist has PKG-INFO beside setup.py; a clone never does.
    if os.path.exists(PKG_INFO):
        return sdist_version(PKG_INFO)
    if os.path.exists(HEADER):
        return header_version(HEADER)
    raise SystemExit(
        "cannot find the libthumbnail header for the package's version: build from "
        "bindings/python in a clone of the repository (looked for %s)" % os.path.normpath(HEADER)
    )


setup(version=version())
