"""Fast, correct thumbnails: the Python binding of libthumbnail.

    import thumbnail

    with open("photo.jpg", "rb") as f:
        webp = thumbnail.thumbnail(f.read(), 256, format="webp")

    info = thumbnail.probe(data)          # ImageInfo(format='jpeg', width=...)

    with thumbnail.Thumbnailer(size=(320, 240), fit="cover") as t:
        thumbs = [t.run(d) for d in images]   # one Thumbnailer per thread

Errors raise ThumbnailError subclasses (UnsupportedFormatError,
CorruptImageError, LimitExceededError, OutOfMemoryError, ...). The library
is found through $THUMBNAIL_LIBRARY, next to this package, or the system
loader; see thumbnail._lib.
"""

from ._core import (
    Fit,
    Format,
    ImageInfo,
    Info,
    Option,
    Subsampling,
    Thumbnailer,
    library_path,
    option_bounds,
    probe,
    thumbnail,
    version,
)
from ._lib import LibraryNotFoundError
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

__version__ = "0.2.0"

__all__ = [
    "thumbnail",
    "probe",
    "Thumbnailer",
    "ImageInfo",
    "Format",
    "Fit",
    "Subsampling",
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
