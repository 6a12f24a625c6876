"""Thumbnailer, thumbnail() and probe(): the binding proper."""

from __future__ import annotations

import ctypes
import enum
import threading
import weakref
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple, Union

from . import _lib
from ._buffer import with_input
from .errors import error_for

__all__ = [
    "Format",
    "Fit",
    "Subsampling",
    "Option",
    "Info",
    "ImageInfo",
    "Thumbnailer",
    "thumbnail",
    "probe",
    "option_bounds",
    "version",
    "library_path",
]


class Format(str, enum.Enum):
    """``thumb_format``. Members are strings, so ``"webp"`` and
    ``Format.WEBP`` are interchangeable."""

    AUTO = "auto"  # as output: the input's format, GIF included
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"
    GIF = "gif"


_FORMAT_CODES = {Format.AUTO: 0, Format.JPEG: 1, Format.PNG: 2, Format.WEBP: 3, Format.GIF: 4}
_FORMAT_ALIASES = {"jpg": Format.JPEG}


class Fit(str, enum.Enum):
    """``thumb_fit``: how the image fills the requested box."""

    INSIDE = "inside"  # largest size within the box, aspect kept (default)
    COVER = "cover"  # fills the box, aspect kept, overflow cropped centrally
    FILL = "fill"  # exactly the box, aspect ignored


_FIT_CODES = {Fit.INSIDE: 0, Fit.COVER: 1, Fit.FILL: 2}


class Subsampling(str, enum.Enum):
    """``thumb_subsampling``: JPEG chroma subsampling."""

    S420 = "420"  # default: smallest files, as cameras do
    S444 = "444"  # full chroma: sharper coloured edges


_SUBSAMPLING_CODES = {Subsampling.S420: 0, Subsampling.S444: 1}


class Option(enum.IntEnum):
    """``thumb_option`` keys this binding names. :meth:`Thumbnailer.set`
    and :meth:`Thumbnailer.get` take any integer key, so options added to
    the library later work without a new binding."""

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


# EXIF orientations 5..8 swap width and height.
_FIRST_TRANSPOSING_ORIENTATION = 5


@dataclass(frozen=True)
class ImageInfo:
    """What :func:`probe` reads from an image's header."""

    format: str  #: a :class:`Format` ("jpeg", "png", "webp", "gif")
    width: int  #: as stored, before orientation
    height: int
    orientation: int  #: EXIF 1..8; 1 when absent or invalid
    frames: int  #: 1 for still images
    has_alpha: bool
    bit_depth: int  #: bits per sample as stored, 1..16

    @property
    def oriented_size(self) -> Tuple[int, int]:
        """(width, height) once the EXIF orientation is applied."""
        if self.orientation >= _FIRST_TRANSPOSING_ORIENTATION:
            return self.height, self.width
        return self.width, self.height


Size = Union[int, str, Tuple[Optional[int], Optional[int]], None]
Data = Union[bytes, bytearray, memoryview]

_BOOL_OPTIONS = {"enlarge", "jpeg_progressive", "webp_lossless", "autorotate"}
_INT_OPTIONS = {
    "width",
    "height",
    "quality",
    "png_compression",
    "max_input_bytes",
    "max_pixels",
    "max_dimension",
}
_KEYWORDS = sorted(
    _BOOL_OPTIONS | _INT_OPTIONS | {"fit", "format", "jpeg_subsampling", "background"}
)


def _enum_code(kind: type, codes: Dict[Any, int], value: Any, aliases: Optional[Dict[str, Any]] = None) -> int:
    if isinstance(value, kind):
        return codes[value]
    if isinstance(value, int) and not isinstance(value, bool):
        return value  # a raw code: the library checks its range
    if isinstance(value, str):
        key = value.lower()
        if aliases and key in aliases:
            return codes[aliases[key]]
        try:
            return codes[kind(key)]
        except ValueError:
            pass
    names = ", ".join(repr(m.value) for m in codes)
    raise ValueError("%r is not a %s: use one of %s" % (value, kind.__name__, names))


def _subsampling_code(value: Any) -> int:
    # 420 and 444 as numbers too, the way people write them.
    if isinstance(value, int) and not isinstance(value, bool) and str(value) in ("420", "444"):
        value = str(value)
    if isinstance(value, str) and not isinstance(value, Subsampling):
        value = value.replace(":", "")
    return _enum_code(Subsampling, _SUBSAMPLING_CODES, value)


def _parse_size(size: Size) -> Tuple[int, int]:
    if size is None:
        return 0, 0
    if isinstance(size, bool):
        raise TypeError("size must be an int, a (width, height) tuple or 'WxH'")
    if isinstance(size, int):
        return size, size
    if isinstance(size, str):
        text = size.strip().lower()
        if "x" not in text:
            return int(text), int(text)
        w, _, h = text.partition("x")
        return (int(w) if w else 0), (int(h) if h else 0)
    w, h = size
    return (w or 0), (h or 0)


def _parse_background(value: Any) -> int:
    if isinstance(value, str):
        return int(value.lstrip("#"), 16)
    if isinstance(value, tuple):
        r, g, b = value
        return (r << 16) | (g << 8) | b
    return int(value)


def _option_values(size: Size, fit: Any, format: Any, quality: Optional[int], options: Mapping[str, Any]) -> Dict[int, int]:
    """Maps keyword arguments to {option key: value}; None means "leave"."""
    values: Dict[int, int] = {}
    if size is not None:
        values[Option.WIDTH], values[Option.HEIGHT] = _parse_size(size)
    if fit is not None:
        values[Option.FIT] = _enum_code(Fit, _FIT_CODES, fit)
    if format is not None:
        values[Option.FORMAT] = _enum_code(Format, _FORMAT_CODES, format, _FORMAT_ALIASES)
    if quality is not None:
        values[Option.QUALITY] = quality
    for name, value in options.items():
        if name not in _KEYWORDS:
            raise TypeError(
                "unknown thumbnail option %r; the options are: size, fit, format, "
                "quality, %s (and Thumbnailer.set(key, value) for any key)"
                % (name, ", ".join(_KEYWORDS))
            )
        if value is None:
            continue
        key = Option[name.upper()]
        if name in _BOOL_OPTIONS:
            values[key] = 1 if value else 0
        elif name == "jpeg_subsampling":
            values[key] = _subsampling_code(value)
        elif name == "background":
            values[key] = _parse_background(value)
        else:
            values[key] = value
    return values


def _free_ctx(ctx: int) -> None:
    _lib.lib().ctx_free(ctx)


class Thumbnailer:
    """A reusable thumbnailing context with its options and scratch memory.

    Options are given as keywords (the library's ``THUMB_OPT_`` names in
    lower case) and stay set across runs::

        with Thumbnailer(size=256, format="webp") as t:
            for data in images:
                thumb = t.run(data)

    Use one per thread: a Thumbnailer refuses to be entered by a second
    thread while it is busy (``RuntimeError``). Separate Thumbnailers run in
    parallel: the GIL is released while the library works.

    Args:
        size: the box: ``256`` (256x256), ``(320, 240)``, ``(200, None)``
            (width only), or ``"320x240"`` / ``"200x"`` / ``"x100"``. None
            keeps the image's size (the library's default).
        fit: ``"inside"`` (default), ``"cover"`` or ``"fill"``.
        format: ``"jpeg"``, ``"png"``, ``"webp"``, or ``"auto"`` (default:
            the input's format).
        quality: JPEG and lossy WebP quality, 1..100 (default 80).
        **options: width, height, enlarge, jpeg_progressive,
            jpeg_subsampling (``"420"`` / ``"444"``), png_compression (0..9),
            webp_lossless, background (``0xRRGGBB``, ``"#rrggbb"`` or an
            ``(r, g, b)`` tuple), autorotate, max_input_bytes, max_pixels,
            max_dimension.
        extra: ``{option key: value}`` for options this binding has no name
            for (keys added to the library after it).
    """

    def __init__(
        self,
        size: Size = None,
        fit: Union[Fit, str, None] = None,
        format: Union[Format, str, None] = None,
        quality: Optional[int] = None,
        *,
        extra: Optional[Mapping[int, int]] = None,
        **options: Any,
    ) -> None:
        lib = _lib.lib()
        self._lib = lib
        self._busy = threading.Lock()
        ctx = lib.ctx_new()
        if not ctx:
            raise MemoryError("thumb_ctx_new: out of memory")
        self._ctx: Optional[int] = ctx
        self._finalizer = weakref.finalize(self, _free_ctx, ctx)
        self.configure(size, fit, format, quality, extra=extra, **options)

    # -- lifetime -----------------------------------------------------------

    def close(self) -> None:
        """Frees the context now (it is also freed when garbage-collected).
        Safe to call twice."""
        with self._busy:
            self._ctx = None
            self._finalizer()

    @property
    def closed(self) -> bool:
        return self._ctx is None

    def __enter__(self) -> "Thumbnailer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _acquire(self) -> int:
        if not self._busy.acquire(blocking=False):
            raise RuntimeError(
                "this Thumbnailer is in use by another thread; create one per thread"
            )
        if self._ctx is None:
            self._busy.release()
            raise ValueError("the Thumbnailer is closed")
        return self._ctx

    def _raise(self, status: int, ctx: int) -> None:
        message = self._lib.ctx_error(ctx).decode("utf-8", "replace")
        if not message:
            message = self._lib.strerror(status).decode("utf-8", "replace")
        raise error_for(status, message)

    # -- options ------------------------------------------------------------

    def configure(
        self,
        size: Size = None,
        fit: Union[Fit, str, None] = None,
        format: Union[Format, str, None] = None,
        quality: Optional[int] = None,
        *,
        extra: Optional[Mapping[int, int]] = None,
        **options: Any,
    ) -> None:
        """Sets the given options (as in the constructor); the others keep
        their values. Raises :class:`InvalidArgumentError` (a ValueError)
        for a value out of range, naming the option and its range."""
        values = _option_values(size, fit, format, quality, options)
        if extra:
            values.update(extra)
        for key, value in values.items():
            self.set(key, value)

    def set(self, key: int, value: int) -> None:
        """Sets one option by key (an :class:`Option` or any integer key
        the library knows)."""
        if isinstance(value, bool):
            value = int(value)
        if not isinstance(value, int):
            raise TypeError("option %s takes an int, not %s" % (_key_name(key), type(value).__name__))
        ctx = self._acquire()
        try:
            status = self._lib.ctx_set(ctx, int(key), value)
            if status:
                self._raise(status, ctx)
        finally:
            self._busy.release()

    def get(self, key: int) -> int:
        """An option's current value."""
        ctx = self._acquire()
        try:
            value = ctypes.c_int64()
            status = self._lib.ctx_get(ctx, int(key), ctypes.byref(value))
            if status:
                raise error_for(status, "unknown option key %s" % _key_name(key))
            return value.value
        finally:
            self._busy.release()

    def reset(self) -> None:
        """Puts every option back to its default."""
        ctx = self._acquire()
        try:
            self._lib.ctx_reset(ctx)
        finally:
            self._busy.release()

    # -- work ---------------------------------------------------------------

    def run(self, data: Data) -> bytes:
        """The thumbnail of the encoded image ``data`` (bytes, bytearray,
        memoryview or any buffer; read in place, not copied), encoded as
        the options say. Raises a :class:`ThumbnailError` subclass."""
        ctx = self._acquire()
        try:
            out = ctypes.c_void_p()
            out_len = ctypes.c_size_t()

            def call(ptr: Any, size: int) -> int:
                return self._lib.run(ctx, ptr, size, ctypes.byref(out), ctypes.byref(out_len))

            status = with_input(data, call)
            if status:
                self._raise(status, ctx)
            # The output belongs to the context until its next call: copy.
            return ctypes.string_at(out.value, out_len.value)
        finally:
            self._busy.release()

    def probe(self, data: Data) -> ImageInfo:
        """Reads the header of ``data`` only (no pixels are decoded, limits
        are not applied)."""
        ctx = self._acquire()
        try:
            status = with_input(data, lambda ptr, size: self._lib.probe(ctx, ptr, size))
            if status:
                self._raise(status, ctx)
            info = self._lib.ctx_info
            code = info(ctx, Info.FORMAT)
            return ImageInfo(
                format=_format_name(self._lib, code),
                width=info(ctx, Info.WIDTH),
                height=info(ctx, Info.HEIGHT),
                orientation=info(ctx, Info.ORIENTATION),
                frames=info(ctx, Info.FRAMES),
                has_alpha=bool(info(ctx, Info.HAS_ALPHA)),
                bit_depth=info(ctx, Info.BIT_DEPTH),
            )
        finally:
            self._busy.release()

    def info(self, key: int) -> Optional[int]:
        """An information key (:class:`Info`, or any key the library
        knows) from the last run or probe; None when it has no value."""
        ctx = self._acquire()
        try:
            value = self._lib.ctx_info(ctx, int(key))
            return None if value < 0 else value
        finally:
            self._busy.release()

    def __repr__(self) -> str:
        return "<Thumbnailer %s>" % ("closed" if self.closed else "open")


def _key_name(key: int) -> str:
    try:
        return "THUMB_OPT_" + Option(key).name
    except ValueError:
        return str(int(key))


def _format_name(lib: Any, code: int) -> str:
    for member, value in _FORMAT_CODES.items():
        if value == code:
            return member
    return lib.format_name(code).decode()  # a format newer than the binding


def thumbnail(
    data: Data,
    size: Size = None,
    fit: Union[Fit, str, None] = None,
    format: Union[Format, str, None] = None,
    quality: Optional[int] = None,
    *,
    extra: Optional[Mapping[int, int]] = None,
    **options: Any,
) -> bytes:
    """The thumbnail of the encoded image ``data``, as encoded bytes.

    ``thumbnail(jpeg_bytes, 256, format="webp")`` fits the image inside
    256x256 and encodes it as WebP. The options are those of
    :class:`Thumbnailer`, which is faster for many images (it keeps its
    scratch memory). Raises a :class:`ThumbnailError` subclass.
    """
    with Thumbnailer(size, fit, format, quality, extra=extra, **options) as t:
        return t.run(data)


def probe(data: Data) -> ImageInfo:
    """The header facts of the encoded image ``data`` (no pixel decoding)."""
    with Thumbnailer() as t:
        return t.probe(data)


def option_bounds(key: int) -> Tuple[int, int]:
    """The valid range (inclusive) of an option key."""
    lo, hi = ctypes.c_int64(), ctypes.c_int64()
    lib = _lib.lib()
    status = lib.option_bounds(int(key), ctypes.byref(lo), ctypes.byref(hi))
    if status:
        raise error_for(status, "unknown option key %s" % _key_name(key))
    return lo.value, hi.value


def version() -> str:
    """The loaded library's version, "MAJOR.MINOR.PATCH"."""
    return _lib.lib().version_string().decode()


def library_path() -> str:
    """Where the loaded library came from (a path or a loader name)."""
    return _lib.lib().path
