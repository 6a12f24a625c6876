"""Handing Python buffers to C without copying them.

The library only reads its input, and only while the call lasts, so a
pointer into the caller's own memory is all it needs:

* ``bytes``: ctypes passes a pointer to the object's internal storage (the
  ``c_char_p`` conversion); no copy.
* writable contiguous buffers (``bytearray``, writable ``memoryview``,
  ``array.array``, writable ``mmap``): ``(c_char * n).from_buffer(...)`` maps
  the memory; no copy. The export also locks a ``bytearray`` against
  resizing while the library reads it, so another thread cannot pull the
  memory away while the GIL is released.
* read-only contiguous buffers (``memoryview`` of ``bytes``, read-only
  ``mmap``): ``from_buffer`` refuses them, because ctypes cannot promise
  they stay unwritten. On CPython the buffer is exported with
  ``PyObject_GetBuffer`` (through ``ctypes.pythonapi``) and released after
  the call: no copy, and the exporter is held for the whole call. On other
  interpreters the data is copied once into ``bytes``.
* non-contiguous buffers (a strided ``memoryview``) are copied once into
  ``bytes``: the library needs the bytes in one run.
"""

from __future__ import annotations

import ctypes
import platform
from typing import Any, Callable, Optional, TypeVar

T = TypeVar("T")

# Flag for PyObject_GetBuffer: a plain contiguous run of bytes, read-only.
_PYBUF_SIMPLE = 0


class _PyBuffer(ctypes.Structure):
    # Py_buffer, unchanged since Python 3.3 and part of the stable ABI
    # since 3.11.
    _fields_ = [
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.c_void_p),  # a reference PyBuffer_Release drops
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p),
        ("shape", ctypes.c_void_p),
        ("strides", ctypes.c_void_p),
        ("suboffsets", ctypes.c_void_p),
        ("internal", ctypes.c_void_p),
    ]


_get_buffer: Any = None
_release_buffer: Any = None
if platform.python_implementation() == "CPython":
    _get_buffer = ctypes.pythonapi.PyObject_GetBuffer
    _get_buffer.argtypes = [ctypes.py_object, ctypes.POINTER(_PyBuffer), ctypes.c_int]
    _get_buffer.restype = ctypes.c_int
    _release_buffer = ctypes.pythonapi.PyBuffer_Release
    _release_buffer.argtypes = [ctypes.POINTER(_PyBuffer)]
    _release_buffer.restype = None


def with_input(data: Any, use: Callable[[Optional[Any], int], T]) -> T:
    """Calls ``use(pointer argument, length in bytes)`` with ``data``'s
    memory and returns what it returns. The pointer is valid only during
    the call."""
    if isinstance(data, bytes):
        return use(data if data else None, len(data))
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(
            "image data must be bytes, bytearray, memoryview or another "
            "buffer, not %s" % type(data).__name__
        ) from None
    with view:
        size = view.nbytes
        if size == 0:
            return use(None, 0)
        if not view.c_contiguous:
            return use(view.tobytes(), size)
        if not view.readonly:
            return _use_writable(view, size, use)
        if _get_buffer is None:
            return use(view.tobytes(), size)
        pybuf = _PyBuffer()
        _get_buffer(view, ctypes.byref(pybuf), _PYBUF_SIMPLE)
        try:
            return use(ctypes.c_void_p(pybuf.buf), pybuf.len)
        finally:
            _release_buffer(ctypes.byref(pybuf))


def _use_writable(view: memoryview, size: int, use: Callable[[Optional[Any], int], T]) -> T:
    # A function of its own so that the mapping is gone, and the export
    # released, before the caller closes the view.
    return use((ctypes.c_char * size).from_buffer(view), size)
