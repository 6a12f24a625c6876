"""The binding's names against include/thumbnail.h, parsed.

Every enum value of the header must have its name in the binding, with the
same number, and the binding no name the header lacks: a new option, status,
format or info key added to the library fails here until the binding has
it. The version and the format names, extensions and MIME types are the
library's.

Run from bindings/python with THUMBNAIL_LIBRARY pointing at the library:
    python3 -m unittest discover -s tests -p 'test_names.py' -v
"""

import os
import re
import unittest

import corpus
import thumbnail
from thumbnail import Color, Crop, Fit, Format, Info, Option, Simd, Status, Subsampling, _lib, _names

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "include", "thumbnail.h")

# C enum -> (binding class, prefixes its values' names drop). A value
# whose remaining name starts with a digit gets the class's initial in
# front (THUMB_SUBSAMPLING_420 -> Subsampling.S420).
BINDINGS = {
    "thumb_status": (Status, ("THUMB_ERR_", "THUMB_")),
    "thumb_format": (Format, ("THUMB_FORMAT_",)),
    "thumb_fit": (Fit, ("THUMB_FIT_",)),
    "thumb_subsampling": (Subsampling, ("THUMB_SUBSAMPLING_",)),
    "thumb_color": (Color, ("THUMB_COLOR_",)),
    "thumb_crop": (Crop, ("THUMB_CROP_",)),
    "thumb_simd": (Simd, ("THUMB_SIMD_",)),
    "thumb_option": (Option, ("THUMB_OPT_",)),
    "thumb_info": (Info, ("THUMB_INFO_",)),
}

ENUM = re.compile(r"typedef enum (\w+) \{(.*?)\} (\w+);", re.S)
# A doc comment, or one enumerator "NAME = NUMBER".
ITEM = re.compile(r"(/\*\*<?)(.*?)\*/|(\w+)\s*=\s*(\d+)", re.S)
DEFINE = re.compile(r"^#define (THUMB_VERSION_(?:MAJOR|MINOR|PATCH)) (\d+)$", re.M)


class Enumerator:
    def __init__(self, name, number):
        self.name, self.number, self.doc = name, number, ""


def parse_header(path):
    """{C enum name: [Enumerator]}, each with its doc comment, and the
    version macros."""
    with open(path) as f:
        text = f.read()
    enums = {}
    for m in ENUM.finditer(text):
        name, body, typedef = m.groups()
        if name != typedef:
            raise AssertionError("enum %s is typedef'd as %s" % (name, typedef))
        values, doc = [], ""
        for item in ITEM.finditer(body):
            opener, comment, ident, number = item.groups()
            if opener == "/**<" and values:
                values[-1].doc += comment  # trails the value it describes
            elif opener:
                doc = comment
            else:
                values.append(Enumerator(ident, int(number)))
                values[-1].doc, doc = doc, ""
        enums[name] = values
    version = {k: int(v) for k, v in DEFINE.findall(text)}
    return enums, version


def binding_name(cls, prefixes, c_name):
    for prefix in prefixes:
        if c_name.startswith(prefix):
            rest = c_name[len(prefix) :]
            return cls.__name__[0] + rest if rest[0].isdigit() else rest
    raise AssertionError("%s does not start with %s" % (c_name, " or ".join(prefixes)))


def number_of(member):
    return member.code if isinstance(member, _names._Value) else int(member)


class TestHeaderNames(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.enums, cls.version = parse_header(HEADER)

    def test_the_parser_reads_the_header(self):
        # A parser that found nothing would pass every check below.
        self.assertGreaterEqual(len(self.enums), len(BINDINGS))
        self.assertEqual(self.enums["thumb_option"][0].name, "THUMB_OPT_WIDTH")
        self.assertIn("A thumb_fit.", self.enums["thumb_option"][2].doc)
        self.assertIn("a thumb_format", self.enums["thumb_info"][0].doc)
        self.assertEqual(set(self.version), {"THUMB_VERSION_MAJOR", "THUMB_VERSION_MINOR", "THUMB_VERSION_PATCH"})

    def test_every_enum_of_the_header_has_a_binding(self):
        self.assertEqual(sorted(self.enums), sorted(BINDINGS))

    def test_every_value_has_its_name_and_number(self):
        for c_enum, (cls, prefixes) in BINDINGS.items():
            with self.subTest(c_enum):
                header = {binding_name(cls, prefixes, e.name): e.number for e in self.enums[c_enum]}
                binding = {m.name: number_of(m) for m in cls}
                missing = sorted(set(header) - set(binding))
                self.assertFalse(missing, "%s lacks %s" % (cls.__name__, missing))
                self.assertEqual(binding, header)

    def test_every_option_taking_an_enum_takes_its_names(self):
        # "A thumb_fit." in an option's comment: the keyword takes Fit's
        # strings (fit="cover").
        classes = {c_enum: cls for c_enum, (cls, _) in BINDINGS.items()}
        want = {}
        for e in self.enums["thumb_option"]:
            m = re.match(r"\s*A (thumb_\w+)", e.doc)
            if m:
                want[Option[binding_name(Option, ("THUMB_OPT_",), e.name)]] = classes[m.group(1)]
        self.assertGreaterEqual(len(want), 6)
        self.assertEqual(_names.VALUE_ENUMS, want)

    def test_every_option_is_a_keyword(self):
        with thumbnail.Thumbnailer() as t:
            for option in Option:
                with self.subTest(option.name):
                    default = t.get(option)
                    t.configure(**{option.name.lower(): default})
                    self.assertEqual(t.get(option), default)

    def test_the_version_is_the_headers(self):
        v = self.version
        want = "%d.%d.%d" % (v["THUMB_VERSION_MAJOR"], v["THUMB_VERSION_MINOR"], v["THUMB_VERSION_PATCH"])
        self.assertEqual(thumbnail.__version__, want)
        self.assertEqual(thumbnail.version(), want)
        self.assertEqual(_lib.ABI_MAJOR, v["THUMB_VERSION_MAJOR"])
        with self.assertRaises(AttributeError):
            thumbnail.__no_such_thing__


# The header's functions the binding deliberately leaves out: Python
# manages memory itself, and the binding passes bytes where the C API
# takes read/write callbacks.
UNBOUND_FUNCTIONS = {"thumb_ctx_new_with_allocator", "thumb_run_io"}
FUNCTION = re.compile(r"^THUMB_API [^;]*?\b(thumb_\w+)\(", re.M)


class TestHeaderFunctions(unittest.TestCase):
    def test_every_function_of_the_header_is_bound(self):
        # A function added to the library cannot go without its binding
        # unnoticed: each has its ctypes prototype, or is listed above.
        with open(HEADER) as f:
            functions = FUNCTION.findall(f.read())
        self.assertGreaterEqual(len(functions), 20)
        lib = _lib.lib()
        bound = {name for name in functions if hasattr(lib, name[len("thumb_") :])}
        self.assertEqual(sorted(set(functions) - bound), sorted(UNBOUND_FUNCTIONS))


class TestFormatNames(unittest.TestCase):
    """Names, extensions and MIME types are the library's."""

    def test_member_strings_are_the_library_names(self):
        lib = _lib.lib()
        for f in Format:
            self.assertEqual(lib.format_name(f.code).decode(), f.value)
            self.assertEqual(str(f), f.value)

    def test_extensions_and_mime_types(self):
        self.assertEqual(
            {f.value: (f.extension, f.mime_type) for f in Format},
            {
                "auto": (None, None),
                "jpeg": ("jpg", "image/jpeg"),
                "png": ("png", "image/png"),
                "webp": ("webp", "image/webp"),
                "gif": ("gif", "image/gif"),
                "heif": ("heic", "image/heif"),
                "avif": ("avif", "image/avif"),
                "jxl": ("jxl", "image/jxl"),
            },
        )

    def test_from_name_takes_names_extensions_and_mime_types(self):
        cases = {
            "jpeg": Format.JPEG,
            "JPG": Format.JPEG,
            ".jpe": Format.JPEG,
            "jfif": Format.JPEG,
            "image/jpeg": Format.JPEG,
            "png": Format.PNG,
            "Image/WebP": Format.WEBP,
            ".gif": Format.GIF,
            "auto": Format.AUTO,
        }
        for name, want in cases.items():
            self.assertIs(Format.from_name(name), want, name)
        for f in Format:
            if f is not Format.AUTO:
                self.assertIs(Format.from_name(f.extension), f)
                self.assertIs(Format.from_name(f.mime_type), f)
        for bad in ("tiff", "image/tiff", "", "jpeg ", "jpeg\0png"):
            with self.assertRaises(ValueError, msg=bad):
                Format.from_name(bad)

    def test_can_write_is_what_the_format_option_takes(self):
        # AUTO is taken as an output setting but is no format written;
        # AVIF is written where libavif loads (it does on the test machines).
        self.assertEqual([str(f) for f in Format if f.can_write],
                         ["jpeg", "png", "webp", "gif", "avif"])
        with thumbnail.Thumbnailer() as t:
            for f in Format:
                if f is Format.AUTO:
                    continue
                with self.subTest(f.value):
                    if f.can_write:
                        t.configure(format=f)
                        self.assertEqual(t.get(Option.FORMAT), f.code)
                    else:
                        with self.assertRaises(thumbnail.InvalidArgumentError):
                            t.configure(format=f)

    def test_can_read(self):
        self.assertFalse(Format.AUTO.can_read)
        for f in (Format.JPEG, Format.PNG, Format.WEBP, Format.GIF):
            self.assertTrue(f.can_read, f.value)
        # The optional formats: a build that reads one thumbnails the
        # corpus's sample of it ("auto" keeps a format it writes, else
        # gives JPEG); one that does not says the format is unsupported.
        samples = {
            Format.HEIF: "heif/RGB_8_chroma444.heif",
            Format.AVIF: "heif/Monochrome.avif",
            Format.JXL: "jxl/grayscale_jpeg.jxl",
        }
        for f, path in samples.items():
            with self.subTest(f.value):
                data = corpus.read(path)
                if f.can_read:
                    want = f if f.can_write else "jpeg"
                    self.assertEqual(thumbnail.probe(thumbnail.thumbnail(data, 32)).format, want)
                else:
                    with self.assertRaises(thumbnail.UnsupportedFormatError):
                        thumbnail.thumbnail(data, 32)

    def test_the_format_keyword_takes_every_spelling(self):
        with thumbnail.Thumbnailer() as t:
            for spelling, want in (("jpg", 1), (".JPE", 1), ("image/webp", 3), ("image/gif", 4), (Format.PNG, 2)):
                t.configure(format=spelling)
                self.assertEqual(t.get(Option.FORMAT), want, spelling)
            with self.assertRaises(ValueError):
                t.configure(format="image/tiff")


if __name__ == "__main__":
    unittest.main()
