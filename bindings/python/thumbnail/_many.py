"""Several thumbnails from one decode: Thumbnailer.run_many(), thumbnails().

A failed output does not raise: each comes back as an :class:`Output`
holding its bytes or its error, so the ones that were made are never lost
to one that was not (as ``asyncio.gather(..., return_exceptions=True)``
returns them). ``output.result()`` raises the error where a caller wants
the exception after all. Only mistakes in the call itself (no outputs, a
Thumbnailer twice, an option value out of range) raise.
"""

from __future__ import annotations

import ctypes
import dataclasses
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from . import _lib
from ._buffer import with_input
from ._core import Data, Size, Thumbnailer, _format_name, ctx_error
from ._names import Fit, Format, Info
from .errors import ThumbnailError

__all__ = ["Output", "run_many", "thumbnails"]


@dataclasses.dataclass(frozen=True, repr=False)
class Output:
    """One output of :meth:`Thumbnailer.run_many` or :func:`thumbnails`:
    its encoded bytes and information, or the error that stopped it."""

    #: the encoded thumbnail; None when it failed
    data: Optional[bytes]
    #: why it failed (a :class:`ThumbnailError` subclass); None when made
    error: Optional[ThumbnailError]
    #: every :class:`Info` key with a value after the run: the input's
    #: (also after a failure, once the header was read), and for a made
    #: output its size, format, timings and DECODED_WIDTH/HEIGHT
    info: Mapping[Info, int]

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def format(self) -> Optional[str]:
        """The output's :class:`Format` ("webp"...); None when it failed."""
        code = self.info.get(Info.OUTPUT_FORMAT)
        return None if code is None else _format_name(_lib.lib(), code)

    @property
    def width(self) -> Optional[int]:
        return self.info.get(Info.OUTPUT_WIDTH)

    @property
    def height(self) -> Optional[int]:
        return self.info.get(Info.OUTPUT_HEIGHT)

    def result(self) -> bytes:
        """The bytes, or raises the output's error."""
        if self.error is not None:
            raise self.error
        assert self.data is not None
        return self.data

    def __repr__(self) -> str:
        if self.error is not None:
            return "<Output failed: %s: %s>" % (type(self.error).__name__, self.error)
        return "<Output %s %dx%d, %d bytes>" % (self.format, self.width, self.height, len(self.data or b""))


def _collect(lib: Any, ctx: int) -> Output:
    info: Dict[Info, int] = {}
    for key in Info:
        value = lib.ctx_info(ctx, key)
        if value >= 0:
            info[key] = value
    status = lib.ctx_status(ctx)
    if status:
        return Output(None, ctx_error(lib, status, ctx), info)
    out = ctypes.c_void_p()
    out_len = ctypes.c_size_t()
    status = lib.ctx_output(ctx, ctypes.byref(out), ctypes.byref(out_len))
    if status:
        return Output(None, ctx_error(lib, status, ctx), info)
    # The output belongs to the context until its next call: copy.
    return Output(ctypes.string_at(out.value, out_len.value), None, info)


def run_many(thumbnailers: Iterable[Thumbnailer], data: Data) -> List[Output]:
    """See :meth:`Thumbnailer.run_many`."""
    ts = list(thumbnailers)
    if not ts:
        raise ValueError("run_many needs at least one Thumbnailer")
    for t in ts:
        if not isinstance(t, Thumbnailer):
            raise TypeError("run_many takes Thumbnailers, not %s" % type(t).__name__)
    if len({id(t) for t in ts}) != len(ts):
        raise ValueError("a Thumbnailer appears twice in run_many: each output needs its own")
    held: List[Thumbnailer] = []
    try:
        ctxs = []
        for t in ts:
            ctxs.append(t._acquire())
            held.append(t)
        lib = _lib.lib()
        array = (ctypes.c_void_p * len(ctxs))(*ctxs)
        # One ctypes call for the whole run: the GIL is released from the
        # decode to the last encode.
        with_input(data, lambda ptr, size: lib.run_many(array, len(ctxs), ptr, size))
        return [_collect(lib, ctx) for ctx in ctxs]
    finally:
        for t in held:
            t._busy.release()


def _listed(name: str, values: Any, example: str) -> List[Any]:
    # A bare "320x240", 256 or "webp" is one value, not a list of them: say
    # so rather than iterate its characters.
    if isinstance(values, (str, bytes, int)) or not isinstance(values, Iterable):
        raise TypeError("%s must be a list, e.g. %s=%s" % (name, name, example))
    listed = list(values)
    if not listed:
        raise ValueError("%s is empty: give at least one" % name)
    return listed


def thumbnails(
    data: Data,
    sizes: Sequence[Size],
    formats: Optional[Sequence[Union[Format, str, None]]] = None,
    fit: Union[Fit, str, None] = None,
    quality: Optional[int] = None,
    *,
    extra: Optional[Mapping[int, int]] = None,
    **options: Any,
) -> List[Output]:
    """Every size in every format of the encoded image ``data``, from one
    decode.

    ``thumbnails(jpeg, sizes=[1280, 640, 320], formats=["webp", "jpeg"])``
    returns six :class:`Output` s in the order ``[(s, f) for s in sizes
    for f in formats]`` (``itertools.product(sizes, formats)``): 1280 WebP,
    1280 JPEG, 640 WebP, ... Sizes are spelled as :class:`Thumbnailer`'s
    ``size``, formats as its ``format`` (default: ``["auto"]``); the other
    options (``fit``, ``quality``, ``crop``...) apply to every output.

    A failed output is an ``Output`` with its ``.error``; the others are
    made. A decoding error fails every output with the same error.
    """
    for name in ("size", "format"):
        if name in options:
            raise TypeError("thumbnails() takes %ss=[...], not %s=" % (name, name))
    size_list = _listed("sizes", sizes, "[1280, 640, 320]")
    format_list = [None] if formats is None else _listed("formats", formats, '["webp", "jpeg"]')
    ts: List[Thumbnailer] = []
    try:
        for size in size_list:
            for format in format_list:
                ts.append(Thumbnailer(size, fit, format, quality, extra=extra, **options))
        return run_many(ts, data)
    finally:
        for t in ts:
            t.close()
