"""Exceptions raised for libthumbnail's status codes.

Every failure of the library raises a :class:`ThumbnailError` subclass chosen
by the status code; ``.code`` keeps the code (see :class:`Status`) and the
message is the library's own, naming the cause ("JPEG: Premature end of JPEG
file"). Where a built-in exception means the same thing the class derives
from it too, so ``except ValueError`` and ``except MemoryError`` still work.
"""

from __future__ import annotations

from typing import Dict, Type

from ._names import Status

__all__ = [
    "Status",
    "ThumbnailError",
    "InvalidArgumentError",
    "UnsupportedFormatError",
    "UnsupportedFeatureError",
    "CorruptImageError",
    "LimitExceededError",
    "OutOfMemoryError",
    "CallbackError",
    "EncodeError",
    "InternalError",
    "DeadlineExceededError",
]


class ThumbnailError(Exception):
    """Base of every error the library reports.

    Attributes:
        code: the library's status code (an ``int``; a :class:`Status` when
            this binding knows it).
        message: the library's message naming the cause.
    """

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        try:
            self.code: int = Status(code)
        except ValueError:  # a code newer than this binding
            self.code = code
        self.message = message


class InvalidArgumentError(ThumbnailError, ValueError):
    """An option key or value the library refuses (out of range, unknown)."""


class UnsupportedFormatError(ThumbnailError):
    """The bytes are not an image the library reads (TIFF, SVG, AVIF...).

    Also the base of :class:`UnsupportedFeatureError`, so one ``except``
    catches every "cannot handle this kind of image".
    """


class UnsupportedFeatureError(UnsupportedFormatError):
    """A known format using a feature the library does not handle
    (12-bit or lossless JPEG, for example)."""


class CorruptImageError(ThumbnailError):
    """The image data is damaged or ends early."""


class LimitExceededError(ThumbnailError):
    """The image is over a limit (input bytes, pixels, width or height)."""


class OutOfMemoryError(ThumbnailError, MemoryError):
    """An allocation in the library failed."""


class CallbackError(ThumbnailError, OSError):
    """A read or write callback reported failure."""

    def __init__(self, code: int, message: str) -> None:
        # OSError's own constructor would treat two arguments as
        # (errno, strerror); keep ThumbnailError's meaning instead.
        ThumbnailError.__init__(self, code, message)


class EncodeError(ThumbnailError):
    """An encoder failed for a reason other than memory."""


class InternalError(ThumbnailError):
    """A bug in the library: please report it."""


class DeadlineExceededError(ThumbnailError, TimeoutError):
    """The run took longer than its ``timeout_ms`` option allowed."""


_BY_CODE: Dict[int, Type[ThumbnailError]] = {
    Status.INVALID_ARGUMENT: InvalidArgumentError,
    Status.UNSUPPORTED_FORMAT: UnsupportedFormatError,
    Status.UNSUPPORTED_FEATURE: UnsupportedFeatureError,
    Status.CORRUPT: CorruptImageError,
    Status.LIMIT: LimitExceededError,
    Status.NOMEM: OutOfMemoryError,
    Status.IO: CallbackError,
    Status.ENCODE: EncodeError,
    Status.INTERNAL: InternalError,
    Status.TIMEOUT: DeadlineExceededError,
}


def error_for(code: int, message: str) -> ThumbnailError:
    """The exception for a non-zero status code and its message."""
    return _BY_CODE.get(code, ThumbnailError)(code, message)
