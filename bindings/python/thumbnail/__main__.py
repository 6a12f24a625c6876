"""``python3 -m thumbnail``: the C command line's common options, on the binding.

    python3 -m thumbnail -s 256 -o thumb.webp photo.jpg
    python3 -m thumbnail -s 640 -s 320 -f webp -f jpeg -o thumbs/ *.jpg

The options, their meanings, the output names and the exit codes are those
of the ``thumbnail`` command (examples/cli/thumbnail.c), so a Python user
can try the library before writing a line; each input is decoded once for
every size x format (:meth:`Thumbnailer.run_many`). Inputs are converted
one after another (the C command runs them on several threads).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, NoReturn, Optional, Sequence, Tuple

from . import _lib
from ._core import Thumbnailer, version
from ._names import Crop, Fit, Format, Info
from .errors import ThumbnailError

# The C command's exit codes.
EXIT_ALL_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2

# As the C command: more is a mistake, not a srcset.
MAX_SIZES = 16
MAX_FORMATS = 4
# The largest width or height the library takes (THUMB_MAX_DIMENSION).
MAX_DIMENSION = 65535
MAX_QUALITY = 100

PROG = "python3 -m thumbnail"

DESCRIPTION = """\
Make thumbnails of JPEG, PNG, WebP, GIF, HEIC/HEIF, AVIF and JPEG XL
images (the last three are read, never written), with libthumbnail.

With one INPUT, OUT is the output file; its extension (.jpg, .jpeg,
.jpe, .png, .webp, .gif...) picks the format unless -f is given.
With several INPUTs, or OUT ending in '/', OUT is a directory (created
if missing); each output is named after its input with the output
format's usual extension (.jpg, .png, .webp, .gif).
-s and -f may be repeated: every SIZE x FMT is made from one decode
of each INPUT. With more than one, OUT is a directory and each output
is named INPUT-SIZE.EXT, SIZE as written (photo-1280.webp,
photo-320x240.jpg; photo.EXT when no -s is given)."""

EPILOG = """\
Exit status: 0 if every input was converted, 1 if any failed (each
failure is reported on one line and the others still run), 2 on a
usage error."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # The C command's form: one line, then where to look.
        sys.stderr.write("thumbnail: %s\nTry '%s --help'.\n" % (message, PROG))
        sys.exit(EXIT_USAGE)


def _dimension(text: str) -> int:
    value = int(text)  # ValueError for anything but digits
    if not 1 <= value <= MAX_DIMENSION or not text.isdigit():
        raise ValueError(text)
    return value


def _size(text: str) -> Tuple[str, int, int]:
    """SIZE as vipsthumbnail takes it (N, WxH, Wx, xH), kept as written
    for output names."""
    try:
        if "x" not in text:
            w = h = _dimension(text)
        else:
            ws, _, hs = text.partition("x")
            if not ws and not hs:
                raise ValueError(text)
            w = _dimension(ws) if ws else 0
            h = _dimension(hs) if hs else 0
    except ValueError:
        raise argparse.ArgumentTypeError(
            "invalid size '%s' (N, WxH, Wx or xH; each 1-%d pixels)" % (text, MAX_DIMENSION)
        ) from None
    return text, w, h


def _format(text: str) -> Format:
    try:
        f = Format.from_name(text)
    except ValueError:
        f = None
    if f is None or not (f is Format.AUTO or f.can_write):
        written = ", ".join(str(w) for w in Format if w.can_write)
        raise argparse.ArgumentTypeError(
            "invalid format '%s' (a name, extension or MIME type of one written: %s)" % (text, written)
        )
    return f


def _quality(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_QUALITY:
        raise argparse.ArgumentTypeError("invalid quality '%s' (1-%d)" % (text, MAX_QUALITY))
    return int(text)


def _crop(text: str) -> Crop:
    if text == "center":
        return Crop.CENTRE
    try:
        return Crop(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            "invalid crop '%s' (centre, entropy or attention)" % text
        ) from None


def _fit(text: str) -> Fit:
    try:
        return Fit(text)
    except ValueError:
        raise argparse.ArgumentTypeError("invalid fit '%s' (inside, cover or fill)" % text) from None


def _parser() -> _Parser:
    p = _Parser(
        prog=PROG,
        usage="%(prog)s [OPTION]... -o OUT INPUT...",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="*", metavar="INPUT", help=argparse.SUPPRESS)
    p.add_argument(
        "-s", "--size", type=_size, action="append", default=[], metavar="SIZE",
        help="N (an NxN box), WxH, Wx (width only) or xH (height only); "
        "default: keep the size; repeat for several sizes",
    )
    p.add_argument(
        "--fit", type=_fit, metavar="MODE",
        help="inside (default): within the box, aspect kept; cover: fill "
        "the box, centre crop; fill: exactly the box, aspect ignored",
    )
    p.add_argument(
        "--crop", type=_crop, metavar="MODE",
        help="where cover crops: centre (default), entropy (the busiest "
        "part) or attention (edges, skin and saturated colour)",
    )
    p.add_argument("--enlarge", action="store_true", help="allow output larger than the input")
    p.add_argument(
        "-f", "--format", type=_format, action="append", default=[], metavar="FMT",
        help="jpeg, png, webp, gif or avif, by name, extension or MIME type (jpg, "
        "image/webp...); default: from OUT's extension, or the input's "
        "format; repeat for several formats",
    )
    p.add_argument(
        "--first-frame", action="store_true",
        help="animated GIF/WebP: the first frame only (by default GIF and "
        "WebP output stay animated; JPEG and PNG always get the first frame)",
    )
    p.add_argument("-q", "--quality", type=_quality, metavar="N", help="JPEG/WebP quality 1-100 (default 80)")
    p.add_argument("-o", "--output", metavar="OUT", help="output file or directory (required)")
    p.add_argument("--version", action="store_true", help="print the library version")
    return p


def _usage_error(message: str) -> int:
    sys.stderr.write("thumbnail: %s\nTry '%s --help'.\n" % (message, PROG))
    return EXIT_USAGE


def _report(input_path: str, message: str) -> None:
    sys.stderr.write("thumbnail: %s: %s\n" % (input_path, message))


def _error_text(e: ThumbnailError) -> str:
    # As the C command: the library's message, then its status's words.
    return "%s (%s)" % (e, _lib.lib().strerror(int(e.code)).decode("utf-8", "replace"))


def _stem(path: str) -> str:
    base = os.path.basename(path)
    stem, ext = os.path.splitext(base)
    return stem if ext else base


def _write(path: str, data: bytes) -> None:
    """Writes beside path first, so a failure never leaves a partial output
    where the final one belongs."""
    tmp = "%s.tmp%d" % (path, os.getpid())
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


class _Variant:
    """One SIZE x FMT: its Thumbnailer and how its outputs are named."""

    def __init__(self, size: Optional[Tuple[str, int, int]], fmt: Optional[Format], options: dict) -> None:
        self.size_text = size[0] if size else None
        kw = dict(options)
        if size:
            kw["width"], kw["height"] = size[1], size[2]
        if fmt is not None:
            kw["format"] = fmt
        self.thumbnailer = Thumbnailer(**kw)


def _variants(args: argparse.Namespace, file_format: Optional[Format]) -> List[_Variant]:
    options = {}
    if args.fit is not None:
        options["fit"] = args.fit
    if args.crop is not None:
        options["crop"] = args.crop
    if args.quality is not None:
        options["quality"] = args.quality
    if args.enlarge:
        options["enlarge"] = True
    if args.first_frame:
        options["animation"] = False
    sizes: Sequence[Optional[Tuple[str, int, int]]] = args.size or [None]
    formats: Sequence[Optional[Format]] = args.format or [file_format]
    # Sizes-major within each format, as the C command orders them.
    return [_Variant(s, f, options) for f in formats for s in sizes]


def _convert(input_path: str, variants: List[_Variant], output_file: Optional[str], out_dir: str) -> bool:
    try:
        with open(input_path, "rb") as f:
            data = f.read()
    except OSError as e:
        _report(input_path, "cannot read: %s" % (e.strerror or e))
        return False
    outs = Thumbnailer.run_many([v.thumbnailer for v in variants], data)
    ok = True
    for variant, out in zip(variants, outs):
        if out.error is not None:
            _report(input_path, _error_text(out.error))
            ok = False
            continue
        if output_file is not None:
            path = output_file
        else:
            ext = Format.from_code(out.info[Info.OUTPUT_FORMAT]).extension
            suffix = "-" + variant.size_text if len(variants) > 1 and variant.size_text else ""
            path = os.path.join(out_dir, "%s%s.%s" % (_stem(input_path), suffix, ext))
        try:
            _write(path, out.data or b"")
        except OSError as e:
            _report(input_path, "cannot write %s: %s" % (path, e.strerror or e))
            ok = False
    return ok


def _file_format(output: str) -> Optional[Format]:
    """The format OUT's extension names; None when it names none ("auto"
    is a name but no extension)."""
    base = os.path.basename(output)
    dot = base.rfind(".")
    if dot < 0:
        return None
    try:
        f = Format.from_name(base[dot + 1 :])
    except ValueError:
        return None
    return f if f is not Format.AUTO else None


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.version:
        print("thumbnail %s" % version())
        return EXIT_ALL_OK
    if len(args.size) > MAX_SIZES:
        return _usage_error("more than %d sizes (-s %s)" % (MAX_SIZES, args.size[MAX_SIZES][0]))
    if len(args.format) > MAX_FORMATS:
        return _usage_error("more than %d formats (-f %s)" % (MAX_FORMATS, args.format[MAX_FORMATS]))
    if not args.inputs:
        return _usage_error("no input file")
    if not args.output:
        return _usage_error("no output given (-o OUT)")

    out = args.output
    variant_count = max(len(args.size), 1) * max(len(args.format), 1)
    to_file = (
        len(args.inputs) == 1 and variant_count == 1 and not out.endswith("/") and not os.path.isdir(out)
    )
    file_format = None
    if to_file and not args.format:
        file_format = _file_format(out)
        if file_format is None:
            return _usage_error("cannot tell the format from '%s': use -f jpeg|png|webp|gif" % out)
    if not to_file and not os.path.isdir(out):
        try:
            os.mkdir(out)
        except OSError as e:
            sys.stderr.write("thumbnail: cannot create directory %s: %s\n" % (out, e.strerror))
            return EXIT_SOME_FAILED

    variants = _variants(args, file_format)
    try:
        failed = 0
        for path in args.inputs:
            failed += not _convert(path, variants, out if to_file else None, out)
    finally:
        for v in variants:
            v.thumbnailer.close()
    return EXIT_SOME_FAILED if failed else EXIT_ALL_OK


if __name__ == "__main__":
    try:
        sys.exit(main())
    except _lib.LibraryNotFoundError as e:
        sys.stderr.write("thumbnail: %s\n" % e)
        sys.exit(EXIT_SOME_FAILED)
