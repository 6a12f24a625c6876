"""Every enum of include/thumbnail.h, by name.

The binding loads the library with ctypes and compiles nothing, so the
header's numbers are copied here once. tests/test_names.py parses the
header and fails when one of its enum values has no name here, or another
number: a new option, status or info key cannot ship without its binding.

The option values (formats, fits, crops...) are strings as well as
members: ``Format.WEBP == "webp"``, and ``.code`` is the library's number.
"""

from __future__ import annotations

import ctypes
import enum
from typing import Any, Optional

from . import _lib


class Status(enum.IntEnum):
    """``thumb_status``: stable numbers, one per kind of failure."""

    OK = 0
    INVALID_ARGUMENT = 1
    UNSUPPORTED_FORMAT = 2
    UNSUPPORTED_FEATURE = 3
    CORRUPT = 4
    LIMIT = 5
    NOMEM = 6
    IO = 7
    ENCODE = 8
    INTERNAL = 9
    TIMEOUT = 10


class _Value(str, enum.Enum):
    """An option value: a string for keywords, with the library's number
    in ``.code``. ``str()`` is the string, on every Python version."""

    code: int

    def __new__(cls, text: str, code: int) -> "_Value":
        member = str.__new__(cls, text)
        member._value_ = text
        member.code = code
        return member

    def __str__(self) -> str:
        return self.value

    @classmethod
    def from_code(cls, code: int) -> Any:
        """The member whose library number is ``code``; ValueError for
        none."""
        for member in cls:
            if member.code == code:
                return member
        raise ValueError("%d is no %s of this binding" % (code, cls.__name__))


def _text(value: Optional[bytes]) -> Optional[str]:
    return None if value is None else value.decode()


class Format(_Value):
    """``thumb_format``. Members are strings, so ``"webp"`` and
    ``Format.WEBP`` are interchangeable. Names, extensions and MIME types
    are the library's own (:meth:`from_name`, :attr:`extension`,
    :attr:`mime_type`)."""

    AUTO = "auto", 0  # as output: the input's format, GIF included
    JPEG = "jpeg", 1
    PNG = "png", 2
    WEBP = "webp", 3
    GIF = "gif", 4
    # HEIF and JPEG XL are input only: read, never written ("auto" gives
    # JPEG, or PNG with alpha, for them). AVIF is written too when the
    # library is built with libavif.
    HEIF = "heif", 5
    AVIF = "avif", 6
    JXL = "jxl", 7

    @classmethod
    def from_name(cls, name: str) -> "Format":
        """The format a name stands for, as the library reads it: a format
        name (``"jpeg"``), a file extension with or without its dot
        (``"jpg"``, ``".JPE"``) or a MIME type (``"image/webp"``), in any
        case. ValueError for anything else."""
        code = ctypes.c_int()
        # A NUL would end the C string early: "jpeg\0x" is no name.
        if "\0" in name or _lib.lib().format_from_name(name.encode(), ctypes.byref(code)):
            raise ValueError(
                "%r is not an image format libthumbnail knows by name, "
                "extension or MIME type (%s...)" % (name, ", ".join(m.value for m in cls))
            )
        return cls.from_code(code.value)

    @property
    def extension(self) -> Optional[str]:
        """The usual file extension, without the dot (``"jpg"``); None for
        AUTO."""
        return _text(_lib.lib().format_extension(self.code))

    @property
    def mime_type(self) -> Optional[str]:
        """The MIME type (``"image/jpeg"``); None for AUTO."""
        return _text(_lib.lib().format_mime_type(self.code))

    @property
    def can_read(self) -> bool:
        """True when the loaded library reads this format: HEIF, AVIF and
        JPEG XL can be left out when it is built. False for AUTO."""
        return bool(_lib.lib().format_can_read(self.code))

    @property
    def can_write(self) -> bool:
        """True when the loaded library writes this format, so
        ``format=`` takes it: JPEG, PNG, WebP and GIF. False for AUTO."""
        return bool(_lib.lib().format_can_write(self.code))


class Fit(_Value):
    """``thumb_fit``: how the image fills the requested box."""

    INSIDE = "inside", 0  # largest size within the box, aspect kept (default)
    COVER = "cover", 1  # fills the box, aspect kept, overflow cropped (see Crop)
    FILL = "fill", 2  # exactly the box, aspect ignored


class Subsampling(_Value):
    """``thumb_subsampling``: JPEG chroma subsampling."""

    S420 = "420", 0  # default: smallest files, as cameras do
    S444 = "444", 1  # full chroma: sharper coloured edges


class Color(_Value):
    """``thumb_color``: what happens to an embedded ICC profile."""

    SRGB = "srgb", 0  # converted to sRGB, written untagged (default)
    SRGB_TAGGED = "srgb_tagged", 1  # converted, an sRGB profile embedded
    KEEP = "keep", 2  # no conversion, the input's profile embedded


class Crop(_Value):
    """``thumb_crop``: which window ``fit="cover"`` keeps."""

    CENTRE = "centre", 0  # the middle (default)
    ENTROPY = "entropy", 1  # the busiest region
    ATTENTION = "attention", 2  # edges, skin tones and saturated colour


class Simd(_Value):
    """``thumb_simd``: the instruction set of the resize kernels."""

    AUTO = "auto", 0  # the fastest this CPU has (default)
    SCALAR = "scalar", 1
    SSE41 = "sse41", 2
    AVX2 = "avx2", 3
    AVX512 = "avx512", 4
    NEON = "neon", 5


class Option(enum.IntEnum):
    """``thumb_option``: every option key of the library.
    :meth:`Thumbnailer.set` and :meth:`Thumbnailer.get` also take any
    integer key, for a library newer than this binding."""

    WIDTH = 1
    HEIGHT = 2
    FIT = 3
    ENLARGE = 4
    FORMAT = 5
    QUALITY = 6
    JPEG_PROGRESSIVE = 7
    JPEG_SUBSAMPLING = 8
    PNG_COMPRESSION = 9
    WEBP_LOSSLESS = 10
    BACKGROUND = 11
    AUTOROTATE = 12
    MAX_INPUT_BYTES = 13
    MAX_PIXELS = 14
    MAX_DIMENSION = 15
    TIMEOUT_MS = 16
    SIMD = 17
    ACCURATE = 18
    COLOR = 19
    KEEP_EXIF = 20
    CROP = 21
    ANIMATION = 22
    MAX_FRAMES = 23
    MAX_ANIMATION_PIXELS = 24
    LINEAR = 25
    PNG_16BIT = 26
    JPEG_OPTIMIZE_CODING = 27


class Info(enum.IntEnum):
    """``thumb_info`` keys for :meth:`Thumbnailer.info`."""

    FORMAT = 1
    WIDTH = 2
    HEIGHT = 3
    ORIENTATION = 4
    FRAMES = 5
    HAS_ALPHA = 6
    BIT_DEPTH = 7
    INPUT_BYTES = 8
    OUTPUT_FORMAT = 9
    OUTPUT_WIDTH = 10
    OUTPUT_HEIGHT = 11
    OUTPUT_BYTES = 12
    DECODE_US = 13
    RESIZE_US = 14
    ENCODE_US = 15
    TOTAL_US = 16
    DECODED_WIDTH = 17
    DECODED_HEIGHT = 18


# The options whose value is one of the enums above ("A thumb_fit." in the
# header): keywords take the enum's strings for them.
VALUE_ENUMS = {
    Option.FIT: Fit,
    Option.FORMAT: Format,
    Option.JPEG_SUBSAMPLING: Subsampling,
    Option.COLOR: Color,
    Option.CROP: Crop,
    Option.SIMD: Simd,
}
