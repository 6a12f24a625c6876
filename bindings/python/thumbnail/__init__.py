"""Fast, correct thumbnails: the Python binding of libthumbnail.

    import thumbnail

    with open("photo.jpg", "rb") as f:
        webp = thumbnail.thumbnail(f.read(), 256, format="webp")

    info = thumbnail.probe(data)          # ImageInfo(format='jpeg', width=...)

    with thumbnail.Thumbnailer(size=(320, 240), fit="cover") as t:
        thumbs = [t.run(d) for d in images]   # one Thumbnailer per thread

    srcset = thumbnail.thumbnails(data, sizes=[1280, 640], formats=["webp", "jpeg"])
    # one decode; [Output(1280 webp), (1280 jpeg), (640 webp), (640 jpeg)],
    # each with .data and .info, or .error

Errors raise ThumbnailError subclasses (UnsupportedFormatError,
CorruptImageError, LimitExceededError, OutOfMemoryError, ...). The library
is found through $THUMBNAIL_LIBRARY, next to this package, or the system
loader; see thumbnail._lib. ``__version__`` is the loaded library's
version; an installed package's own version was read from the library's
header (include/thumbnail.h) when it was built.
"""

from ._core import (
    ImageInfo,
    Thumbnailer,
    library_path,
    option_bounds,
    probe,
    thumbnail,
    version,
)
from ._lib import LibraryNotFoundError
from ._many import Output, thumbnails
from ._names import Color, Crop, Fit, Format, Info, Option, Simd, Subsampling
from .errors import (
    CallbackError,
    CorruptImageError,
    DeadlineExceededError,
    EncodeError,
    InternalError,
    InvalidArgumentError,
    LimitExceededError,
    OutOfMemoryError,
    Status,
    ThumbnailError,
    UnsupportedFeatureError,
    UnsupportedFormatError,
)


def __getattr__(name: str) -> str:
    # The version is the library's own (read from the header it was built
    # from), never a copy here that could drift: reading it loads the
    # library.
    if name == "__version__":
        return version()
    raise AttributeError("module 'thumbnail' has no attribute %r" % name)


__all__ = [
    "thumbnail",
    "thumbnails",
    "probe",
    "Thumbnailer",
    "ImageInfo",
    "Output",
    "Format",
    "Fit",
    "Subsampling",
    "Color",
    "Crop",
    "Simd",
    "Option",
    "Info",
    "option_bounds",
    "version",
    "library_path",
    "LibraryNotFoundError",
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
