"""Finding and loading the libthumbnail shared library, and its C prototypes.

The library is looked for, in order:

1. the path in the ``THUMBNAIL_LIBRARY`` environment variable (when set, it is
   the only place tried, so a wrong path fails loudly instead of silently
   picking up another copy);
2. a ``libthumbnail`` shared object next to this package's modules;
3. the system loader (``LD_LIBRARY_PATH``, the ld.so cache), by its SONAME and
   then through :func:`ctypes.util.find_library`.

It is loaded on first use, so ``import thumbnail`` always succeeds and the
error, when there is one, says every place that was tried.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import threading
from typing import List, Optional

ENV_VAR = "THUMBNAIL_LIBRARY"

# The ABI this binding speaks: the library's major version (its SONAME
# number). A library of another major version may have renumbered nothing,
# but promises nothing either.
ABI_MAJOR = 0
_SONAME = "libthumbnail.so.%d" % ABI_MAJOR

# thumb_version() is MAJOR * 10000 + MINOR * 100 + PATCH.
_VERSION_MAJOR_FACTOR = 10000


class LibraryNotFoundError(OSError):
    """The libthumbnail shared library could not be found or loaded."""


class _Lib:
    """The loaded library with typed prototypes."""

    def __init__(self, dll: ctypes.CDLL, path: str) -> None:
        self.dll = dll
        self.path = path
        c_int64_p = ctypes.POINTER(ctypes.c_int64)
        ctx_p = ctypes.c_void_p
        # (name, restype, argtypes). ctypes.CDLL releases the GIL around
        # every call, so threads run the C code in parallel.
        prototypes = [
            ("thumb_version", ctypes.c_uint, []),
            ("thumb_version_string", ctypes.c_char_p, []),
            ("thumb_strerror", ctypes.c_char_p, [ctypes.c_int]),
            ("thumb_ctx_new", ctx_p, []),
            ("thumb_ctx_free", None, [ctx_p]),
            ("thumb_ctx_set", ctypes.c_int, [ctx_p, ctypes.c_int, ctypes.c_int64]),
            ("thumb_ctx_get", ctypes.c_int, [ctx_p, ctypes.c_int, c_int64_p]),
            ("thumb_ctx_reset", None, [ctx_p]),
            ("thumb_option_bounds", ctypes.c_int, [ctypes.c_int, c_int64_p, c_int64_p]),
            (
                "thumb_run",
                ctypes.c_int,
                [
                    ctx_p,
                    ctypes.c_void_p,
                    ctypes.c_size_t,
                    ctypes.POINTER(ctypes.c_void_p),
                    ctypes.POINTER(ctypes.c_size_t),
                ],
            ),
            (
                "thumb_run_many",
                ctypes.c_int,
                [ctypes.POINTER(ctx_p), ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t],
            ),
            (
                "thumb_ctx_output",
                ctypes.c_int,
                [ctx_p, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t)],
            ),
            ("thumb_ctx_status", ctypes.c_int, [ctx_p]),
            ("thumb_probe", ctypes.c_int, [ctx_p, ctypes.c_void_p, ctypes.c_size_t]),
            ("thumb_ctx_info", ctypes.c_int64, [ctx_p, ctypes.c_int]),
            ("thumb_ctx_error", ctypes.c_char_p, [ctx_p]),
            ("thumb_format_name", ctypes.c_char_p, [ctypes.c_int]),
            ("thumb_format_from_name", ctypes.c_int, [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]),
            ("thumb_format_extension", ctypes.c_char_p, [ctypes.c_int]),
            ("thumb_format_mime_type", ctypes.c_char_p, [ctypes.c_int]),
            ("thumb_format_can_read", ctypes.c_int, [ctypes.c_int]),
            ("thumb_format_can_write", ctypes.c_int, [ctypes.c_int]),
        ]
        for name, restype, argtypes in prototypes:
            try:
                fn = getattr(dll, name)
            except AttributeError:
                raise LibraryNotFoundError(
                    "%s has no %s(): this binding needs a newer libthumbnail" % (path, name)
                ) from None
            fn.restype = restype
            fn.argtypes = argtypes
            setattr(self, name[len("thumb_") :], fn)


def _library_file_names() -> List[str]:
    if sys.platform == "darwin":
        return ["libthumbnail.%d.dylib" % ABI_MAJOR, "libthumbnail.dylib"]
    if sys.platform == "win32":
        return ["thumbnail.dll"]
    return [_SONAME, "libthumbnail.so"]


def _load(path: str) -> ctypes.CDLL:
    return ctypes.CDLL(path)


def _find_and_load() -> _Lib:
    tried: List[str] = []
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        try:
            return _checked(_load(explicit), explicit)
        except OSError as e:
            raise LibraryNotFoundError(
                "%s=%s: cannot load the libthumbnail shared library: %s"
                % (ENV_VAR, explicit, e)
            ) from None

    here = os.path.dirname(os.path.abspath(__file__))
    for name in _library_file_names():
        candidate = os.path.join(here, name)
        if os.path.exists(candidate):
            try:
                return _checked(_load(candidate), candidate)
            except OSError as e:
                tried.append("%s (%s)" % (candidate, e))
        else:
            tried.append("%s (absent)" % candidate)

    system_names = _library_file_names()
    found = ctypes.util.find_library("thumbnail")
    if found and found not in system_names:
        system_names.append(found)
    for name in system_names:
        try:
            return _checked(_load(name), name)
        except OSError as e:
            tried.append("system loader: %s (%s)" % (name, e))

    raise LibraryNotFoundError(
        "cannot find the libthumbnail shared library. Build it (cmake) and set "
        "%s to its path, copy it next to the thumbnail package, or install it "
        "where the system loader looks. Tried: %s" % (ENV_VAR, "; ".join(tried))
    )


def _checked(dll: ctypes.CDLL, path: str) -> _Lib:
    lib = _Lib(dll, path)
    major = lib.version() // _VERSION_MAJOR_FACTOR
    if major != ABI_MAJOR:
        raise LibraryNotFoundError(
            "%s is libthumbnail %s, but this binding needs major version %d"
            % (path, lib.version_string().decode(), ABI_MAJOR)
        )
    return lib


_lock = threading.Lock()
_lib: Optional[_Lib] = None


def lib() -> _Lib:
    """The loaded library, loading it on first call."""
    global _lib
    if _lib is None:
        with _lock:
            if _lib is None:
                _lib = _find_and_load()
    return _lib
