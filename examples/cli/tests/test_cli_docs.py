#!/usr/bin/python3
"""--help, the man page and the options getopt accepts agree: an option in
one and not the others fails, and so does a man page stamped with another
version than the library's.

Run as: test_cli_docs.py THUMBNAIL CORPUS_DIR
"""
import glob
import os
import re

import cli_support
from cli_support import SOURCE, ScratchTest, run

MAN_PAGE = os.path.join(SOURCE, "doc", "thumbnail.1")
HEADER = os.path.join(SOURCE, "include", "thumbnail.h")


def source_options():
    """{long name: short letter or None} from the command's long_options[],
    and the short letters of its getopt string."""
    text = "".join(open(p).read() for p in glob.glob(os.path.join(SOURCE, "examples", "cli", "*.c")))
    table = re.search(r"long_options\[\] = \{(.*?)\n\};", text, re.S)[1]
    longs = {}
    for name, value in re.findall(r'\{"([a-z0-9-]+)",\s*\w+,\s*NULL,\s*([^}]+)\}', table):
        value = value.strip()
        longs[name] = value[1] if value.startswith("'") else None
    shorts = set(re.findall(r"\w", re.search(r'getopt_long\([^"]*"([^"]*)"', text)[1]))
    return longs, shorts


def help_options(help_text):
    """{long name: short letter or None} of the option lines of --help."""
    found = {}
    for short, name in re.findall(r"^\s+(?:-(\w), )?--([a-z0-9-]+)", help_text, re.M):
        found[name] = short or None
    return found


def man_options():
    """{long name: short letter or None} of the .TP items of OPTIONS."""
    text = open(MAN_PAGE).read()
    section = re.search(r"^\.SH OPTIONS\n(.*?)^\.SH ", text, re.S | re.M)[1]
    found = {}
    for head in re.findall(r"^\.TP\n(.*)$", section, re.M):
        head = head.replace("\\-", "-")
        name = re.search(r"--([a-z0-9-]+)", head)
        if name:
            short = re.search(r'(?:^\.\w+ |")-(\w)\b', head)
            found[name[1]] = short[1] if short else None
    return found


class Docs(ScratchTest):
    def test_help_man_page_and_getopt_name_the_same_options(self):
        longs, shorts = source_options()
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        in_help, in_man = help_options(r.stdout), man_options()
        self.assertGreater(len(longs), 20)
        self.assertEqual(sorted(set(longs) - set(in_help)), [], "accepted, not in --help")
        self.assertEqual(sorted(set(in_help) - set(longs)), [], "in --help, not accepted")
        self.assertEqual(sorted(set(longs) - set(in_man)), [], "accepted, not in the man page")
        self.assertEqual(sorted(set(in_man) - set(longs)), [], "in the man page, not accepted")
        self.assertEqual(in_help, longs)
        self.assertEqual(in_man, longs)
        self.assertEqual(shorts, {s for s in longs.values() if s})

    def test_every_option_is_accepted_as_documented(self):
        longs, _ = source_options()
        for name in longs:
            with self.subTest(name):
                r = run("--" + name, "x", "-o", self.out("t.jpg"), "in.jpg")
                self.assertNotIn("unknown option", r.stderr)

    def test_man_page_is_stamped_with_the_library_version(self):
        header = open(HEADER).read()
        version = ".".join(re.search(r"#define THUMB_VERSION_%s (\d+)" % part, header)[1]
                           for part in ("MAJOR", "MINOR", "PATCH"))
        self.assertEqual(run("--version").stdout.strip(), "thumbnail " + version)
        th = re.search(r'^\.TH THUMBNAIL 1 "[^"]*" "([^"]*)"', open(MAN_PAGE).read(), re.M)
        self.assertEqual(th[1], "libthumbnail " + version)

    def test_both_document_the_exit_codes_and_the_streams(self):
        help_text = run("--help").stdout
        man = open(MAN_PAGE).read().replace("\\-", "-")
        for status in ("0", "1", "2"):
            self.assertRegex(help_text, r"\b%s\b" % status)
            self.assertRegex(man, r"\.B %s\n" % status)
        for doc in (help_text, man):
            self.assertIn("standard input", doc)
            self.assertIn("standard output", doc)
            self.assertIn("--overwrite", doc)


if __name__ == "__main__":
    cli_support.main()
