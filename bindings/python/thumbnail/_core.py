"""Thumbnailer, thumbnail() and probe(): the binding proper."""

from __future__ import annotations

import ctypes
import dataclasses
import enum
import threading
import weakref
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from . import _lib
from ._buffer import with_input
from ._names import VALUE_ENUMS, Crop, Fit, Format, Info, Option, Subsampling
from .errors import ThumbnailError, error_for

if TYPE_CHECKING:  # _many imports this module
    from ._many import Output

__all__ = [
    "ImageInfo",
    "Thumbnailer",
    "thumbnail",
    "probe",
    "option_bounds",
    "version",
    "library_path",
]


# EXIF orientations 5..8 swap width and height.
_FIRST_TRANSPOSING_ORIENTATION = 5


@dataclasses.dataclass(frozen=True, repr=False)
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

    def __repr__(self) -> str:
        # The format as the string it is equal to: format='jpeg'.
        fields = (
            "%s=%r" % (f.name, str(v) if isinstance(v, enum.Enum) else v)
            for f in dataclasses.fields(self)
            for v in (getattr(self, f.name),)
        )
        return "ImageInfo(%s)" % ", ".join(fields)


Size = Union[int, str, Tuple[Optional[int], Optional[int]], None]
Data = Union[bytes, bytearray, memoryview]

# Every option is a keyword: its THUMB_OPT_ name in lower case.
_KEYWORDS = sorted(o.name.lower() for o in Option)

# Other spellings people use for a value.
_ALIASES: Dict[type, Dict[str, Any]] = {Crop: {"center": Crop.CENTRE}}


def _enum_code(kind: Any, value: Any) -> int:
    """The library's number for an option value given as a member of
    ``kind``, its string, or a raw number (whose range the library
    checks)."""
    if isinstance(value, kind):
        return value.code
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        if kind is Format:
            return Format.from_name(value).code
        key = value.lower().replace("-", "_")
        if kind is Subsampling:
            key = key.replace(":", "")
        member = _ALIASES.get(kind, {}).get(key)
        if member is not None:
            return member.code
        try:
            return kind(key).code
        except ValueError:
            pass
    names = ", ".join(repr(m.value) for m in kind)
    raise ValueError("%r is not a %s: use one of %s" % (value, kind.__name__, names))


def _subsampling_code(value: Any) -> int:
    # 420 and 444 as numbers too, the way people write them.
    if isinstance(value, int) and not isinstance(value, bool) and str(value) in ("420", "444"):
        value = str(value)
    return _enum_code(Subsampling, value)


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


def _option_value(key: Option, value: Any) -> Any:
    kind = VALUE_ENUMS.get(key)
    if kind is Subsampling:
        return _subsampling_code(value)
    if kind is not None:
        return _enum_code(kind, value)
    if key == Option.BACKGROUND:
        return _parse_background(value)
    return value  # a number or a bool: Thumbnailer.set checks the type


def _option_values(size: Size, fit: Any, format: Any, quality: Optional[int], options: Mapping[str, Any]) -> Dict[int, Any]:
    """Maps keyword arguments to {option key: value}; None means "leave"."""
    values: Dict[int, Any] = {}
    if size is not None:
        values[Option.WIDTH], values[Option.HEIGHT] = _parse_size(size)
    named = dict(options, fit=fit, format=format, quality=quality)
    for name, value in named.items():
        if name not in _KEYWORDS:
            raise TypeError(
                "unknown thumbnail option %r; the options are: size, %s "
                "(and Thumbnailer.set(key, value) for any key)" % (name, ", ".join(_KEYWORDS))
            )
        if value is not None:
            key = Option[name.upper()]
            values[key] = _option_value(key, value)
    return values


def ctx_error(lib: Any, status: int, ctx: int) -> ThumbnailError:
    """The exception for a context's failed call: its message, else the
    status's own words."""
    message = lib.ctx_error(ctx).decode("utf-8", "replace")
    if not message:
        message = lib.strerror(status).decode("utf-8", "replace")
    return error_for(status, message)


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
        fit: ``"inside"`` (default), ``"cover"`` or ``"fill"`` (a
            :class:`Fit`).
        format: ``"auto"`` (default: the input's format, GIF included), or
            any name, extension or MIME type the library knows: ``"jpeg"``,
            ``"jpg"``, ``"png"``, ``"webp"``, ``"image/gif"``... (a
            :class:`Format`).
        quality: JPEG and lossy WebP quality, 1..100 (default 80).
        **options: every other option (see :class:`Option`): width,
            height, enlarge, jpeg_progressive, jpeg_subsampling (``"420"`` /
            ``"444"``), png_compression (0..9), webp_lossless, background
            (``0xRRGGBB``, ``"#rrggbb"`` or an ``(r, g, b)`` tuple),
            autorotate, max_input_bytes, max_pixels, max_dimension,
            timeout_ms, simd (a :class:`Simd`), accurate, color (a
            :class:`Color`), keep_exif, crop (a :class:`Crop`), animation,
            max_frames, max_animation_pixels, linear, png_16bit,
            jpeg_optimize_coding. Switches take bools.
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
        raise ctx_error(self._lib, status, ctx)

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

    @staticmethod
    def run_many(thumbnailers: Iterable["Thumbnailer"], data: Data) -> List["Output"]:
        """Thumbnails of ``data`` for several Thumbnailers from one decode,
        each with its own options, as if each had called :meth:`run`::

            big, small = Thumbnailer(1280, format="webp"), Thumbnailer(320)
            outs = Thumbnailer.run_many([big, small], data)
            webp = outs[0].result()

        Returns one :class:`Output` per Thumbnailer, in their order: its
        ``.data`` and ``.info``, or its ``.error`` (a failed output does not
        raise and leaves the others made; a decoding error fails them all
        with the same error). Each Thumbnailer's :meth:`info` describes its
        own output afterwards. The first Thumbnailer's ``timeout_ms`` and
        ``max_input_bytes`` apply to all; the other options, limits
        included, are each one's own. An output much smaller than the
        largest (or beside an ``accurate`` one) is made from a finer decode
        than its own :meth:`run` would use, so its bytes may differ; its
        ``Info.DECODED_WIDTH`` says. The GIL is released for the whole
        run. Raises ValueError for no Thumbnailer, one given twice or a
        closed one, RuntimeError for one busy in another thread."""
        from ._many import run_many

        return run_many(thumbnailers, data)

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
    try:
        return Format.from_code(code)
    except ValueError:
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
