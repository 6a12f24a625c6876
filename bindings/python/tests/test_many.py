"""Thumbnailer.run_many() and thumbnails(): several outputs from one decode,
against single runs, with per-output errors.

Run from bindings/python with THUMBNAIL_LIBRARY pointing at the library:
    python3 -m unittest discover -s tests -p 'test_many.py' -v
"""

import itertools
import sys
import threading
import unittest

import corpus
import thumbnail
from thumbnail import (
    CorruptImageError,
    EncodeError,
    Info,
    InvalidArgumentError,
    LimitExceededError,
    Output,
    Thumbnailer,
    ThumbnailError,
    UnsupportedFeatureError,
)

PHOTO = "jpeg/testorig.jpg"  # 227x149
TRUNCATED = "bad/jpeg/truncated.jpg"
# Two boxes 4x apart: the smaller one's own run would decode at a coarser
# JPEG scale than the shared decode, so both cases (same scale: identical
# bytes; finer: same size, more pixels) occur over the corpus.
SIZES = [128, 32]
FORMATS = ["auto", "png"]
FITS = ["inside", "cover", "fill"]
# WebP's limit is 16383 pixels a side; PNG has none.
OVER_WEBP_LIMIT = (20000, 10)
# EXIF orientations 5..8 swap width and height.
TRANSPOSING_ORIENTATION = 5


def shrinks_by_two(out):
    """Whether a JPEG output shrinks the image at least 2x each way, which
    lets a single run resize the JPEG's YCbCr planes (src/plan.c,
    planes_allowed); a shared decode takes the planes only when every
    output does, and otherwise gives the same size from another path."""
    info = out.info
    w, h = info.get(Info.OUTPUT_WIDTH, 0), info.get(Info.OUTPUT_HEIGHT, 0)
    if info.get(Info.ORIENTATION, 1) >= TRANSPOSING_ORIENTATION:
        w, h = h, w
    return 2 * w <= info.get(Info.WIDTH, 0) and 2 * h <= info.get(Info.HEIGHT, 0)


def decoded(info):
    return info.get(Info.DECODED_WIDTH), info.get(Info.DECODED_HEIGHT)


def single(data, size, format, **options):
    """thumbnail() of one output: (bytes, info) or the error it raised."""
    with Thumbnailer(size, format=format, **options) as t:
        try:
            out = t.run(data)
        except ThumbnailError as e:
            return e, {}
        return out, {key: t.info(key) for key in Info if t.info(key) is not None}


class TestAgainstSingleRuns(unittest.TestCase):
    def assertLikeSingle(self, data, got, size, format, where, same_path=True, **options):
        want, want_info = single(data, size, format, **options)
        if isinstance(want, ThumbnailError):
            self.assertIsInstance(got.error, type(want), where)
            self.assertEqual(str(got.error), str(want), where)
            return "failed"
        self.assertIsNone(got.error, where)
        self.assertEqual((got.width, got.height), (want_info[Info.OUTPUT_WIDTH], want_info[Info.OUTPUT_HEIGHT]), where)
        self.assertEqual(got.info[Info.OUTPUT_FORMAT], want_info[Info.OUTPUT_FORMAT], where)
        self.assertEqual(got.info[Info.OUTPUT_BYTES], len(got.data), where)
        if decoded(got.info) == decoded(want_info):
            if same_path:
                self.assertEqual(got.data, want, where)
                return "identical"
            return "other path"
        # The shared decode is finer than the single run's, never coarser.
        for g, w in zip(decoded(got.info), decoded(want_info)):
            self.assertGreaterEqual(g, w, where)
        return "finer"

    def test_every_good_corpus_image(self):
        counts = {"identical": 0, "finer": 0, "other path": 0, "failed": 0}
        rows = [r for d in corpus.GOOD_DIRS for r in corpus.rows(d)]
        for i, row in enumerate(rows):
            data = corpus.read(row.path)
            try:
                jpeg = thumbnail.probe(data).format == "jpeg"
            except UnsupportedFeatureError:
                jpeg = True
            # JPEG outputs of one run all take the planes or none do: fit
            # inside keeps each one's shrink readable from its size.
            fit = "inside" if jpeg else FITS[i % len(FITS)]
            outs = thumbnail.thumbnails(data, SIZES, FORMATS, fit=fit)
            self.assertEqual(len(outs), len(SIZES) * len(FORMATS))
            same_path = not jpeg or len({shrinks_by_two(o) for o in outs}) == 1
            for out, (size, format) in zip(outs, itertools.product(SIZES, FORMATS)):
                where = "%s %s %s %s" % (row.path, size, format, fit)
                kind = self.assertLikeSingle(data, out, size, format, where, same_path, fit=fit)
                if kind == "failed":
                    self.assertIsInstance(out.error, UnsupportedFeatureError, where)
                    self.assertTrue(corpus.may_be_unsupported(row.description), where)
                counts[kind] += 1
        print("\noutputs over %d images: %s" % (len(rows), counts), file=sys.stderr)
        self.assertGreater(len(rows), 400)  # a broken MANIFEST read is not a pass
        self.assertGreater(counts["identical"], 1000)
        self.assertGreater(counts["finer"], 0)  # the other branch was taken too
        self.assertLessEqual(counts["failed"], 4 * len(SIZES) * len(FORMATS))

    def test_reused_thumbnailers_give_what_fresh_ones_do(self):
        # A Thumbnailer keeps its plan's buffers for the next image of the
        # same shape: images of one size but another pixel layout (CMYK
        # with and without a profile, gray, 16-bit) must not reuse them.
        rows = [r for d in corpus.GOOD_DIRS for r in corpus.rows(d)]
        ts = [Thumbnailer(size, format=format) for size, format in itertools.product(SIZES, FORMATS)]
        try:
            for row in rows:
                data = corpus.read(row.path)
                got = Thumbnailer.run_many(ts, data)
                want = thumbnail.thumbnails(data, SIZES, FORMATS)
                for g, w in zip(got, want):
                    self.assertEqual((g.data, str(g.error)), (w.data, str(w.error)), row.path)
        finally:
            for t in ts:
                t.close()

    def test_order_is_sizes_then_formats(self):
        data = corpus.read(PHOTO)
        outs = thumbnail.thumbnails(data, sizes=["100x", (None, 40), 64], formats=["webp", "jpeg"])
        self.assertEqual(
            [(o.format, o.width, o.height) for o in outs],
            [("webp", 100, 66), ("jpeg", 100, 66), ("webp", 61, 40), ("jpeg", 61, 40), ("webp", 64, 42), ("jpeg", 64, 42)],
        )
        self.assertTrue(all(o.ok and o.result() == o.data for o in outs))

    def test_common_options_apply_to_every_output(self):
        data = corpus.read(PHOTO)
        outs = thumbnail.thumbnails(data, [50, 20], ["jpeg"], fit="cover", quality=30, jpeg_subsampling="444")
        for out, size in zip(outs, [50, 20]):
            self.assertEqual((out.width, out.height), (size, size))
            self.assertLikeSingle(data, out, size, "jpeg", str(size), fit="cover", quality=30, jpeg_subsampling="444")

    def test_thumbnailers_keep_their_own_options_and_info(self):
        data = corpus.read("orientation/Landscape_6.jpg")
        with Thumbnailer(300, format="webp", quality=50) as a, Thumbnailer(90, fit="cover", format="png") as b:
            outs = Thumbnailer.run_many([a, b], memoryview(bytearray(data)))
            self.assertEqual([o.format for o in outs], ["webp", "png"])
            self.assertEqual((a.info(Info.OUTPUT_WIDTH), a.info(Info.OUTPUT_HEIGHT)), (300, 200))  # upright
            self.assertEqual((b.info(Info.OUTPUT_WIDTH), b.info(Info.OUTPUT_HEIGHT)), (90, 90))
            self.assertEqual(b.info(Info.OUTPUT_BYTES), len(outs[1].data))
            self.assertLikeSingle(data, outs[0], 300, "webp", "a", quality=50)
            self.assertLikeSingle(data, outs[1], 90, "png", "b", fit="cover")
            # Reused: the contexts were released, and the outputs copied.
            first = outs[0].data
            again = Thumbnailer.run_many([b, a], data)
            self.assertEqual(again[1].data, first)
            self.assertEqual(a.run(data), first)


class TestErrors(unittest.TestCase):
    def test_a_failed_output_leaves_the_others_made(self):
        data = corpus.read(PHOTO)
        png, webp = thumbnail.thumbnails(data, [OVER_WEBP_LIMIT], ["png", "webp"], fit="fill", enlarge=True)
        self.assertTrue(png.ok)
        self.assertEqual((png.width, png.height), OVER_WEBP_LIMIT)
        self.assertEqual(png.data, thumbnail.thumbnail(data, OVER_WEBP_LIMIT, fit="fill", enlarge=True, format="png"))
        self.assertFalse(webp.ok)
        self.assertIsNone(webp.data)
        self.assertIsInstance(webp.error, EncodeError)
        self.assertIn("16383", str(webp.error))
        self.assertIsNone(webp.format)
        self.assertEqual(webp.info[Info.WIDTH], 227)  # the input was read
        self.assertNotIn(Info.OUTPUT_WIDTH, webp.info)
        with self.assertRaises(EncodeError):
            webp.result()
        self.assertIn("failed: EncodeError", repr(webp))

    def test_each_thumbnailer_has_its_own_limits(self):
        data = corpus.read(PHOTO)
        with Thumbnailer(64) as ok, Thumbnailer(64, max_pixels=1000) as over:
            made, refused = Thumbnailer.run_many([ok, over], data)
            self.assertTrue(made.ok)
            self.assertIsInstance(refused.error, LimitExceededError)
            self.assertIn("over the limit of 1000 pixels", str(refused.error))
            self.assertIsNone(over.info(Info.OUTPUT_WIDTH))
            self.assertEqual(ok.info(Info.OUTPUT_WIDTH), 64)

    def test_the_first_thumbnailers_input_limit_is_everyones(self):
        data = corpus.read(PHOTO)
        with Thumbnailer(64, max_input_bytes=100) as first, Thumbnailer(32) as second:
            outs = Thumbnailer.run_many([first, second], data)
        self.assertEqual([type(o.error) for o in outs], [LimitExceededError] * 2)

    def test_a_decoding_error_fails_every_output_alike(self):
        data = corpus.read(TRUNCATED)
        with self.assertRaises(CorruptImageError) as cm:
            thumbnail.thumbnail(data, 64)
        outs = thumbnail.thumbnails(data, [256, 64, 16], ["jpeg", "png"])
        self.assertEqual(len(outs), 6)
        for out in outs:
            self.assertIsNone(out.data)
            self.assertIs(type(out.error), CorruptImageError)
            self.assertEqual(out.error.code, cm.exception.code)
            self.assertEqual(str(out.error), str(cm.exception))
        self.assertEqual(len({id(o.error) for o in outs}), 6)  # one exception each

    def test_call_mistakes_raise(self):
        data = corpus.read(PHOTO)
        with self.assertRaises(ValueError):
            Thumbnailer.run_many([], data)
        with self.assertRaises(TypeError):
            Thumbnailer.run_many(["webp"], data)
        with self.assertRaises(TypeError):
            thumbnail.thumbnails(data, 256)
        with self.assertRaises(TypeError):
            thumbnail.thumbnails(data, "320x240")
        with self.assertRaises(TypeError):
            thumbnail.thumbnails(data, [256], "webp")
        with self.assertRaises(ValueError):
            thumbnail.thumbnails(data, [])
        with self.assertRaises(ValueError):
            thumbnail.thumbnails(data, [256], [])
        with self.assertRaises(TypeError):
            thumbnail.thumbnails(data, [256], size=64)
        with self.assertRaises(TypeError):
            thumbnail.thumbnails(data, [256], format="png")
        with self.assertRaises(ValueError):
            thumbnail.thumbnails(data, [256], ["tiff"])
        with self.assertRaises(InvalidArgumentError):
            thumbnail.thumbnails(data, [256, 70000])
        with self.assertRaises(TypeError):
            thumbnail.thumbnails("not bytes", [256])
        with Thumbnailer(64) as t, Thumbnailer(32) as u:
            with self.assertRaises(ValueError):
                Thumbnailer.run_many([t, u, t], data)
            closed = Thumbnailer(16)
            closed.close()
            with self.assertRaises(ValueError):
                Thumbnailer.run_many([t, closed], data)
            with self.assertRaises(TypeError):
                Thumbnailer.run_many([t, u], 42)
            # Each refusal let go of the Thumbnailers it had taken.
            self.assertEqual(len(Thumbnailer.run_many([t, u], data)), 2)

    def test_a_busy_thumbnailer_is_refused(self):
        data = corpus.read(PHOTO)
        with Thumbnailer(64) as t, Thumbnailer(32) as busy:
            busy._busy.acquire()  # as if another thread were in it
            try:
                with self.assertRaises(RuntimeError):
                    Thumbnailer.run_many([t, busy], data)
            finally:
                busy._busy.release()
            self.assertFalse(t._busy.locked())

    def test_output_repr(self):
        out = thumbnail.thumbnails(corpus.read(PHOTO), [64], ["png"])[0]
        self.assertIsInstance(out, Output)
        self.assertEqual(repr(out), "<Output png 64x42, %d bytes>" % len(out.data))


class TestThreads(unittest.TestCase):
    def test_thumbnailers_in_separate_threads(self):
        # Each thread its own Thumbnailers: the results are every thread's
        # own, as one thread makes them.
        data = corpus.read(PHOTO)
        want = [o.data for o in thumbnail.thumbnails(data, SIZES, FORMATS)]
        results = [None] * 4

        def work(i):
            results[i] = [o.data for o in thumbnail.thumbnails(data, SIZES, FORMATS)]

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(results))]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(results, [want] * len(results))


if __name__ == "__main__":
    unittest.main()
