"""The Python binding against the freshly built library and the real corpus.

Run from bindings/python with THUMBNAIL_LIBRARY pointing at the library:
    python3 -m unittest discover -s tests -p 'test_thumbnail.py' -v
"""

import array
import ctypes.util
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import tracemalloc
import unittest
from unittest import mock

import corpus
import thumbnail
from thumbnail import (
    Color,
    CorruptImageError,
    Crop,
    DeadlineExceededError,
    Fit,
    Format,
    ImageInfo,
    Info,
    InvalidArgumentError,
    LimitExceededError,
    Option,
    OutOfMemoryError,
    Simd,
    Status,
    Thumbnailer,
    ThumbnailError,
    UnsupportedFeatureError,
    UnsupportedFormatError,
)
from thumbnail import _lib
from thumbnail.errors import error_for

PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(thumbnail.__file__)))

LANDSCAPE = "orientation/Landscape_1.jpg"  # 1800x1200, orientation 1
SIDEWAYS = "orientation/Landscape_6.jpg"  # stored 1200x1800, orientation 6
ALPHA_PNG = "png/pngsuite/basn6a08.png"  # 32x32 RGBA
GIF = "gif/rotating-squares.gif"  # animated
BIG_JPEG = "jpeg/Carrie.jpg"  # 2.8 MB, 12 MP

MAGIC = {
    "jpeg": b"\xff\xd8\xff",
    "png": b"\x89PNG\r\n\x1a\n",
}


def fmt_of(data: bytes) -> str:
    if data.startswith(MAGIC["jpeg"]):
        return "jpeg"
    if data.startswith(MAGIC["png"]):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:6] == b"GIF89a":
        return "gif"
    if data[4:12] == b"ftypavif":
        return "avif"
    return "?"


def expected_inside(w: int, h: int, box: int):
    """Output size for fit=inside without enlarging: the limiting side is
    the box exactly, the other rounds (vipsthumbnail's rule) to within 1."""
    if w <= box and h <= box:
        return (w, h), 0
    scale = min(box / w, box / h)
    return (max(1, round(w * scale)), max(1, round(h * scale))), 1


class TestThumbnail(unittest.TestCase):
    def test_fits_inside_box_upright_in_each_format(self):
        data = corpus.read(SIDEWAYS)
        for fmt in ("jpeg", "png", "webp", "avif"):
            out = thumbnail.thumbnail(data, 256, format=fmt)
            self.assertIsInstance(out, bytes)
            self.assertEqual(fmt_of(out), fmt)
            info = thumbnail.probe(out)
            self.assertEqual(info.format, fmt)
            # Stored sideways with orientation 6: comes out upright.
            self.assertEqual((info.width, info.height), (256, 171))
            self.assertEqual(info.orientation, 1)

    def test_fit_cover_and_fill_give_exactly_the_box(self):
        data = corpus.read(LANDSCAPE)
        for fit in (Fit.COVER, "fill"):
            info = thumbnail.probe(thumbnail.thumbnail(data, (100, 100), fit=fit, format="png"))
            self.assertEqual((info.width, info.height), (100, 100), fit)
        inside = thumbnail.probe(thumbnail.thumbnail(data, (100, 100), format="png"))
        self.assertEqual((inside.width, inside.height), (100, 67))

    def test_size_spellings(self):
        data = corpus.read(LANDSCAPE)
        cases = {
            120: (120, 80),
            "120": (120, 80),
            (120, None): (120, 80),
            "120x": (120, 80),
            (None, 60): (90, 60),
            "x60": (90, 60),
            "300x40": (60, 40),
        }
        for size, want in cases.items():
            info = thumbnail.probe(thumbnail.thumbnail(data, size, format="png"))
            self.assertEqual((info.width, info.height), want, size)
        # width/height keywords are the same options.
        info = thumbnail.probe(thumbnail.thumbnail(data, width=120, format="png"))
        self.assertEqual((info.width, info.height), (120, 80))

    def test_no_size_keeps_the_size_and_never_enlarges_unless_asked(self):
        data = corpus.read(ALPHA_PNG)
        self.assertEqual(thumbnail.probe(thumbnail.thumbnail(data)).width, 32)
        self.assertEqual(thumbnail.probe(thumbnail.thumbnail(data, 64)).width, 32)
        self.assertEqual(thumbnail.probe(thumbnail.thumbnail(data, 64, enlarge=True)).width, 64)

    def test_auto_format_follows_input_gif_included(self):
        self.assertEqual(fmt_of(thumbnail.thumbnail(corpus.read(LANDSCAPE), 64)), "jpeg")
        self.assertEqual(fmt_of(thumbnail.thumbnail(corpus.read(GIF), 64)), "gif")

    def test_quality_and_lossless_change_the_output(self):
        data = corpus.read(LANDSCAPE)
        low = thumbnail.thumbnail(data, 256, format="jpeg", quality=20)
        high = thumbnail.thumbnail(data, 256, format="jpeg", quality=95)
        self.assertLess(len(low) * 2, len(high))
        lossy = thumbnail.thumbnail(data, 256, format="webp")
        lossless = thumbnail.thumbnail(data, 256, format="webp", webp_lossless=True)
        self.assertGreater(len(lossless), len(lossy))

    def test_background_flattens_alpha_onto_the_given_colour(self):
        data = corpus.read(ALPHA_PNG)
        black = thumbnail.thumbnail(data, format="jpeg", background=0x000000, quality=100)
        white = thumbnail.thumbnail(data, format="jpeg", background="#ffffff", quality=100)
        tuple_black = thumbnail.thumbnail(data, format="jpeg", background=(0, 0, 0), quality=100)
        self.assertNotEqual(black, white)
        self.assertEqual(black, tuple_black)

    def test_bytes_bytearray_and_memoryview_give_the_same_thumbnail(self):
        data = corpus.read(LANDSCAPE)
        want = thumbnail.thumbnail(data, 64, format="png")
        padded = b"xx" + data + b"yy"
        inputs = {
            "bytes": data,
            "bytearray": bytearray(data),
            "memoryview(bytes)": memoryview(data),
            "memoryview(bytearray)": memoryview(bytearray(data)),
            "read-only slice": memoryview(padded)[2:-2],
            "writable slice": memoryview(bytearray(padded))[2:-2],
            "non-contiguous": memoryview(bytes(b for c in data for b in (c, 0)))[::2],
            "array('B')": array.array("B", data),
        }
        for name, value in inputs.items():
            with self.subTest(name):
                self.assertEqual(thumbnail.thumbnail(value, 64, format="png"), want)
                self.assertEqual(thumbnail.probe(value).width, 1800)

    def test_input_is_not_copied(self):
        # tracemalloc sees every Python allocation (a copy of the input
        # would be one) but not the library's own, so the peak stays far
        # below the input size when the binding passes a pointer.
        data = corpus.read(BIG_JPEG)
        inputs = {
            "bytes": data,
            "bytearray": bytearray(data),
            "memoryview(bytes)": memoryview(data),
            "memoryview(bytearray)": memoryview(bytearray(data)),
            "read-only slice": memoryview(b"\0" + data)[1:],
        }
        with Thumbnailer(64, format="jpeg") as t:
            t.run(data)  # first-call allocations out of the way
            for name, value in inputs.items():
                with self.subTest(name):
                    tracemalloc.start()
                    try:
                        t.run(value)
                        _, peak = tracemalloc.get_traced_memory()
                    finally:
                        tracemalloc.stop()
                    self.assertLess(peak, len(data) // 10, "%s: %d bytes allocated" % (name, peak))

    def test_rejects_what_is_not_a_buffer(self):
        with self.assertRaises(TypeError):
            thumbnail.thumbnail("not bytes")  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            thumbnail.probe(12)  # type: ignore[arg-type]

    def test_probe_reads_the_header(self):
        info = thumbnail.probe(corpus.read(SIDEWAYS))
        self.assertEqual(
            info,
            ImageInfo(format="jpeg", width=1200, height=1800, orientation=6, frames=1, has_alpha=False, bit_depth=8),
        )
        self.assertEqual(info.oriented_size, (1800, 1200))
        self.assertIs(info.format, Format.JPEG)
        alpha = thumbnail.probe(corpus.read(ALPHA_PNG))
        self.assertTrue(alpha.has_alpha)
        self.assertEqual((alpha.format, alpha.bit_depth), ("png", 8))
        gif = thumbnail.probe(corpus.read(GIF))
        self.assertEqual(gif.format, "gif")
        self.assertGreater(gif.frames, 1)

    def test_every_good_corpus_image(self):
        box = 64
        files = unsupported = 0
        with Thumbnailer(box, format="jpeg") as t, Thumbnailer() as check:
            for dir_ in corpus.GOOD_DIRS:
                for row in corpus.rows(dir_):
                    data = corpus.read(row.path)
                    try:
                        out = t.run(data)
                    except UnsupportedFeatureError:
                        self.assertTrue(corpus.may_be_unsupported(row.description), row.path)
                        unsupported += 1
                        continue
                    src = check.probe(data)
                    got = check.probe(out)
                    (w, h), slack = expected_inside(*src.oriented_size, box)
                    self.assertEqual(got.format, "jpeg", row.path)
                    self.assertLessEqual(max(abs(got.width - w), abs(got.height - h)), slack, row.path)
                    self.assertLessEqual(max(got.width, got.height), box, row.path)
                    self.assertEqual((t.info(Info.OUTPUT_WIDTH), t.info(Info.OUTPUT_HEIGHT)), (got.width, got.height))
                    files += 1
        print("\n%d good corpus images thumbnailed, %d unsupported" % (files, unsupported), file=sys.stderr)
        self.assertGreater(files, 400)  # a broken MANIFEST read is not a pass
        self.assertLessEqual(unsupported, 4)


class TestErrors(unittest.TestCase):
    def assertError(self, exc_type, code, call, *args, **kwargs):
        with self.assertRaises(exc_type) as cm:
            call(*args, **kwargs)
        self.assertEqual(cm.exception.code, code)
        self.assertIsInstance(cm.exception, ThumbnailError)
        self.assertTrue(str(cm.exception))
        return cm.exception

    def test_unsupported_formats(self):
        for name in os.listdir(os.path.join(corpus.corpus_dir(), "bad/unsupported")):
            if name == "pitm.avif":  # a valid AVIF, read since 0.3.0
                continue
            with self.subTest(name):
                self.assertError(
                    UnsupportedFormatError, Status.UNSUPPORTED_FORMAT, thumbnail.thumbnail, corpus.read("bad/unsupported/" + name), 64
                )
        self.assertError(UnsupportedFormatError, Status.UNSUPPORTED_FORMAT, thumbnail.thumbnail, b"")

    def test_unsupported_feature_is_an_unsupported_format_error_too(self):
        e = self.assertError(UnsupportedFeatureError, Status.UNSUPPORTED_FEATURE, thumbnail.thumbnail, corpus.read("jpeg/12-bit.jpg"), 64)
        self.assertIsInstance(e, UnsupportedFormatError)

    def test_corrupt_input_names_the_cause(self):
        e = self.assertError(CorruptImageError, Status.CORRUPT, thumbnail.thumbnail, corpus.read("bad/jpeg/truncated.jpg"), 64)
        self.assertIn("JPEG", str(e))
        cut = corpus.read(LANDSCAPE)[:5000]
        self.assertError(CorruptImageError, Status.CORRUPT, thumbnail.thumbnail, cut, 64)
        self.assertError(CorruptImageError, Status.CORRUPT, thumbnail.thumbnail, corpus.read("bad/png/pngsuite-x/xcsn0g01.png"), 64)

    def test_limits(self):
        giant = corpus.read("bad/bomb/giant-image.jpg")
        e = self.assertError(LimitExceededError, Status.LIMIT, thumbnail.thumbnail, giant, 64)
        self.assertIn("megapixels", str(e))
        # probe applies no limit: it says how large the refused image is.
        self.assertEqual(thumbnail.probe(giant).oriented_size, (20000, 14000))
        data = corpus.read(LANDSCAPE)
        self.assertError(LimitExceededError, Status.LIMIT, thumbnail.thumbnail, data, 64, max_input_bytes=1000)
        self.assertError(LimitExceededError, Status.LIMIT, thumbnail.thumbnail, data, 64, max_dimension=1000)
        self.assertError(LimitExceededError, Status.LIMIT, thumbnail.thumbnail, data, 64, max_pixels=1800 * 1200 - 1)
        thumbnail.thumbnail(data, 64, max_pixels=1800 * 1200)

    def test_deadline(self):
        carrie = corpus.read("jpeg/Carrie.jpg")
        e = self.assertError(DeadlineExceededError, Status.TIMEOUT, thumbnail.thumbnail,
                             carrie, 1000, timeout_ms=1)
        self.assertIsInstance(e, TimeoutError)
        thumbnail.thumbnail(carrie, 64, timeout_ms=60000)

    def test_out_of_memory(self):
        # A real allocation failure: a child process caps its address space
        # just above what it uses, then asks for a full-size 33 MP WebP,
        # which needs the whole picture. (A PNG or baseline JPEG would not:
        # they are written row by row as the resize makes them.)
        script = r"""
import resource, sys, thumbnail
data = open(sys.argv[1], "rb").read()
thumbnail.probe(data)  # load the library before the cap
def vm_bytes():
    for line in open("/proc/self/status"):
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
cap = vm_bytes() + 48 * 1024 * 1024  # far below the ~100 MB of pixels
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
try:
    thumbnail.thumbnail(data, format="webp")
except thumbnail.OutOfMemoryError as e:
    assert isinstance(e, MemoryError) and e.code == thumbnail.Status.NOMEM
    print("OutOfMemoryError:", e)
"""
        path = os.path.join(corpus.corpus_dir(), "jpeg/large_vertical_samp_7680_4320.jpg")
        out = subprocess.run(
            [sys.executable, "-c", script, path],
            env=dict(os.environ, PYTHONPATH=PACKAGE_DIR),
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("OutOfMemoryError: out of memory", out.stdout)

    def test_invalid_options(self):
        data = corpus.read(LANDSCAPE)
        e = self.assertError(InvalidArgumentError, Status.INVALID_ARGUMENT, thumbnail.thumbnail, data, quality=101)
        self.assertIsInstance(e, ValueError)
        self.assertIn("quality", str(e))
        self.assertError(InvalidArgumentError, Status.INVALID_ARGUMENT, thumbnail.thumbnail, data, 70000)
        self.assertError(InvalidArgumentError, Status.INVALID_ARGUMENT, thumbnail.thumbnail, data, png_compression=10)
        with self.assertRaises(ValueError):
            thumbnail.thumbnail(data, fit="stretch")
        with self.assertRaises(ValueError):
            thumbnail.thumbnail(data, format="tiff")
        with self.assertRaises(TypeError):
            thumbnail.thumbnail(data, colour="red")
        with self.assertRaises(TypeError):
            Thumbnailer().set(Option.QUALITY, "high")  # type: ignore[arg-type]

    def test_every_status_code_maps_to_its_class(self):
        classes = {
            1: (thumbnail.InvalidArgumentError, ValueError),
            2: (thumbnail.UnsupportedFormatError,),
            3: (thumbnail.UnsupportedFeatureError, thumbnail.UnsupportedFormatError),
            4: (thumbnail.CorruptImageError,),
            5: (thumbnail.LimitExceededError,),
            6: (thumbnail.OutOfMemoryError, MemoryError),
            7: (thumbnail.CallbackError, OSError),
            8: (thumbnail.EncodeError,),
            9: (thumbnail.InternalError,),
        }
        for code, types in classes.items():
            e = error_for(code, "why")
            for t in types:
                self.assertIsInstance(e, t)
            self.assertEqual((e.code, e.message, str(e)), (Status(code), "why", "why"))
        newer = error_for(42, "a code newer than the binding")
        self.assertIs(type(newer), ThumbnailError)
        self.assertEqual(newer.code, 42)


class TestThumbnailer(unittest.TestCase):
    def test_options_persist_and_round_trip(self):
        with Thumbnailer(
            (320, 240),
            fit="cover",
            format="webp",
            quality=90,
            jpeg_progressive=True,
            jpeg_subsampling="4:4:4",
            png_compression=0,
            webp_lossless=False,
            background="#102030",
            autorotate=False,
            max_pixels=12345678,
            crop="attention",
            color="srgb-tagged",
            simd="scalar",
            keep_exif=True,
            accurate=True,
            linear=True,
            png_16bit=True,
            jpeg_optimize_coding=True,
            animation=False,
            max_frames=7,
            max_animation_pixels=10**6,
            timeout_ms=5000,
        ) as t:
            want = {
                Option.WIDTH: 320,
                Option.HEIGHT: 240,
                Option.FIT: 1,
                Option.FORMAT: 3,
                Option.QUALITY: 90,
                Option.JPEG_PROGRESSIVE: 1,
                Option.JPEG_SUBSAMPLING: 1,
                Option.PNG_COMPRESSION: 0,
                Option.WEBP_LOSSLESS: 0,
                Option.BACKGROUND: 0x102030,
                Option.AUTOROTATE: 0,
                Option.MAX_PIXELS: 12345678,
                Option.CROP: 2,
                Option.COLOR: 1,
                Option.SIMD: 1,
                Option.KEEP_EXIF: 1,
                Option.ACCURATE: 1,
                Option.LINEAR: 1,
                Option.PNG_16BIT: 1,
                Option.JPEG_OPTIMIZE_CODING: 1,
                Option.ANIMATION: 0,
                Option.MAX_FRAMES: 7,
                Option.MAX_ANIMATION_PIXELS: 10**6,
                Option.TIMEOUT_MS: 5000,
            }
            for key, value in want.items():
                self.assertEqual(t.get(key), value, key.name)
            t.configure(quality=50)
            self.assertEqual((t.get(Option.QUALITY), t.get(Option.WIDTH)), (50, 320))
            t.reset()
            self.assertEqual((t.get(Option.QUALITY), t.get(Option.WIDTH)), (80, 0))

    def test_enum_values_by_member_string_or_number(self):
        with Thumbnailer() as t:
            for value in (Crop.ENTROPY, "entropy", "ENTROPY", 1):
                t.configure(crop=value)
                self.assertEqual(t.get(Option.CROP), 1, value)
                t.reset()
            t.configure(crop="center")  # either spelling
            self.assertEqual(t.get(Option.CROP), Crop.CENTRE.code)
            t.configure(color=Color.KEEP, simd=Simd.SCALAR, jpeg_subsampling=444)
            self.assertEqual((t.get(Option.COLOR), t.get(Option.SIMD), t.get(Option.JPEG_SUBSAMPLING)), (2, 1, 1))
            for bad in ({"crop": "middle"}, {"color": "cmyk"}, {"simd": "mmx"}):
                with self.assertRaises(ValueError, msg=bad):
                    t.configure(**bad)

    def test_cover_crops_where_asked(self):
        data = corpus.read(LANDSCAPE)
        crops = {c: thumbnail.thumbnail(data, 96, fit="cover", crop=c, format="png") for c in Crop}
        for c, out in crops.items():
            self.assertEqual(thumbnail.probe(out).oriented_size, (96, 96), c)
        self.assertNotEqual(crops[Crop.CENTRE], crops[Crop.ATTENTION])
        self.assertEqual(crops[Crop.CENTRE], thumbnail.thumbnail(data, 96, fit="cover", format="png"))

    def test_generic_keys_need_no_binding_change(self):
        with Thumbnailer(extra={int(Option.QUALITY): 33}) as t:
            self.assertEqual(t.get(6), 33)
            t.set(6, 44)
            self.assertEqual(t.get(Option.QUALITY), 44)
            lo, hi = thumbnail.option_bounds(6)
            self.assertEqual((lo, hi), (1, 100))
            with self.assertRaises(InvalidArgumentError):
                t.set(9999, 1)
            with self.assertRaises(InvalidArgumentError):
                t.get(9999)
            with self.assertRaises(InvalidArgumentError):
                thumbnail.option_bounds(9999)
        self.assertEqual(thumbnail.option_bounds(Option.WIDTH), (0, 65535))

    def test_reuse_keeps_earlier_results_intact(self):
        # thumb_run's output belongs to the context until its next call:
        # the binding must have copied it.
        with Thumbnailer(96, format="png") as t:
            first = t.run(corpus.read(LANDSCAPE))
            copy = bytes(first)
            for _ in range(3):
                t.run(corpus.read(ALPHA_PNG))
            self.assertEqual(first, copy)
            self.assertEqual(thumbnail.probe(first).width, 96)

    def test_info_after_a_run(self):
        with Thumbnailer(200, format="webp") as t:
            self.assertIsNone(t.info(Info.OUTPUT_WIDTH))
            out = t.run(corpus.read(LANDSCAPE))
            self.assertEqual(t.info(Info.OUTPUT_WIDTH), 200)
            self.assertEqual(t.info(Info.OUTPUT_BYTES), len(out))
            self.assertEqual(t.info(Info.WIDTH), 1800)
            # JPEG shrink-on-load decoded fewer pixels than the input has.
            self.assertLess(t.info(Info.DECODED_WIDTH), 1800)
            self.assertGreaterEqual(t.info(Info.TOTAL_US), 0)
            self.assertIsNone(t.info(9999))

    def test_close(self):
        t = Thumbnailer(64)
        self.assertFalse(t.closed)
        t.close()
        t.close()
        self.assertTrue(t.closed)
        with self.assertRaises(ValueError):
            t.run(corpus.read(LANDSCAPE))
        with Thumbnailer() as t2:
            pass
        self.assertTrue(t2.closed)

    def test_refuses_a_second_thread_while_busy(self):
        data = corpus.read("jpeg/large_vertical_samp_7680_4320.jpg")
        with Thumbnailer(format="jpeg") as t:  # full size: a long run
            errors = []
            worker = threading.Thread(target=lambda: t.run(data))
            worker.start()
            while not t._busy.locked() and worker.is_alive():
                pass
            try:
                t.run(data)
            except RuntimeError as e:
                errors.append(e)
            worker.join()
            self.assertEqual(len(errors), 1)
            self.assertIn("one per thread", str(errors[0]))


class TestLibraryLoading(unittest.TestCase):
    def run_python(self, code, env, cwd=None):
        return subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)

    def test_environment_variable_wins_and_fails_clearly(self):
        env = dict(os.environ, PYTHONPATH=PACKAGE_DIR, THUMBNAIL_LIBRARY="/nonexistent/libthumbnail.so")
        out = self.run_python("import thumbnail; thumbnail.probe(b'')", env)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("LibraryNotFoundError: THUMBNAIL_LIBRARY=/nonexistent/libthumbnail.so", out.stderr)
        self.assertEqual(thumbnail.library_path(), os.environ[_lib.ENV_VAR])

    def test_library_next_to_the_package(self):
        with tempfile.TemporaryDirectory() as tmp:
            pkg = os.path.join(tmp, "thumbnail")
            shutil.copytree(os.path.join(PACKAGE_DIR, "thumbnail"), pkg, ignore=shutil.ignore_patterns("__pycache__"))
            shutil.copy(os.environ[_lib.ENV_VAR], os.path.join(pkg, "libthumbnail.so.0"))
            env = {k: v for k, v in os.environ.items() if k not in (_lib.ENV_VAR, "LD_LIBRARY_PATH")}
            env["PYTHONPATH"] = tmp
            out = self.run_python("import thumbnail; print(thumbnail.library_path(), thumbnail.version())", env, cwd=tmp)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertEqual(out.stdout.split(), [os.path.join(pkg, "libthumbnail.so.0"), thumbnail.version()])

    def test_nowhere_says_where_it_looked(self):
        names = ["libthumbnail-absent.so.0"]
        env = {k: v for k, v in os.environ.items() if k != _lib.ENV_VAR}
        with mock.patch.dict(os.environ, env, clear=True), mock.patch.object(
            _lib, "_library_file_names", lambda: list(names)
        ), mock.patch.object(ctypes.util, "find_library", lambda name: None):
            with self.assertRaises(thumbnail.LibraryNotFoundError) as cm:
                _lib._find_and_load()
        message = str(cm.exception)
        self.assertIn("THUMBNAIL_LIBRARY", message)
        self.assertIn(os.path.join(PACKAGE_DIR, "thumbnail", "libthumbnail-absent.so.0") + " (absent)", message)
        self.assertIn("system loader: libthumbnail-absent.so.0", message)


if __name__ == "__main__":
    unittest.main()
