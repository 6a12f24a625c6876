/* Animated GIF and WebP (src/anim.c, src/anim_run.c, the GIF and animated
 * WebP writers): the animated corpus files come out animated with the
 * input's frames, delays and loop count, read back with giflib and
 * libwebp's WebPAnimDecoder; GIF disposal on a file built here; the
 * first-frame option; the frame limits refusing a file before its canvas
 * is allocated; and allocation failures. The pixels are compared with
 * Pillow's compositing in anim_vs_pillow.py. */
#include "counting_alloc.h"
#include "decoded.h"
#include "support.h"

#include <check.h>
#include <gif_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <thumbnail.h>
#include <webp/decode.h>
#include <webp/demux.h>

#define BOX 100
#define MAX_TEST_FRAMES 128
#define GIF_MS_PER_DELAY_UNIT 10
/* WebP stores milliseconds; GIF hundredths: a WebP delay written as GIF
 * moves by at most half a hundredth. */
#define GIF_ROUNDING_MS 5
#define GIF_APP_ID "NETSCAPE2.0"
#define GIF_APP_ID_SIZE 11
#define TEST_TIMEOUT 300

/* ---- Reading animations back --------------------------------------- */

typedef struct anim_read {
    int frames;
    int delay_ms[MAX_TEST_FRAMES];
    int loop; /* plays, 0 forever, as libvips counts */
    int width, height;
    uint8_t *rgba[MAX_TEST_FRAMES]; /* composited canvases (WebP only) */
} anim_read;

static void anim_read_free(anim_read *r) {
    for (int i = 0; i < MAX_TEST_FRAMES; i++)
        free(r->rgba[i]);
}

typedef struct mem_reader {
    const uint8_t *data;
    size_t size, offset;
} mem_reader;

static int mem_input(GifFileType *gif, GifByteType *out, int len) {
    mem_reader *m = gif->UserData;
    size_t n = (size_t)len;
    if (n > m->size - m->offset)
        n = m->size - m->offset;
    memcpy(out, m->data + m->offset, n);
    m->offset += n;
    return (int)n;
}

static GifFileType *slurp_gif(const uint8_t *data, size_t size, mem_reader *m) {
    *m = (mem_reader){data, size, 0};
    int err;
    GifFileType *gif = DGifOpen(m, mem_input, &err);
    ck_assert_ptr_nonnull(gif);
    ck_assert_int_eq(DGifSlurp(gif), GIF_OK);
    return gif;
}

/* The loop count of a slurped GIF, as plays (NETSCAPE n plays n + 1). */
static int gif_loop(const GifFileType *gif) {
    for (int i = 0; i < gif->ImageCount; i++) {
        const SavedImage *s = &gif->SavedImages[i];
        for (int e = 0; e + 1 < s->ExtensionBlockCount; e++) {
            const ExtensionBlock *b = &s->ExtensionBlocks[e];
            if (b->Function == APPLICATION_EXT_FUNC_CODE &&
                b->ByteCount == GIF_APP_ID_SIZE &&
                memcmp(b->Bytes, GIF_APP_ID, GIF_APP_ID_SIZE) == 0) {
                const ExtensionBlock *sub = b + 1;
                int n = sub->Bytes[1] | sub->Bytes[2] << 8;
                return n ? n + 1 : 0;
            }
        }
    }
    return 1;
}

static void read_gif(const uint8_t *data, size_t size, anim_read *r) {
    mem_reader m;
    GifFileType *gif = slurp_gif(data, size, &m);
    memset(r, 0, sizeof *r);
    r->frames = gif->ImageCount;
    r->width = gif->SWidth;
    r->height = gif->SHeight;
    ck_assert_int_le(r->frames, MAX_TEST_FRAMES);
    for (int i = 0; i < r->frames; i++) {
        /* A frame without a control extension keeps giflib's defaults
         * (no delay), and the call says so with GIF_ERROR. */
        GraphicsControlBlock gcb;
        DGifSavedExtensionToGCB(gif, i, &gcb);
        r->delay_ms[i] = gcb.DelayTime * GIF_MS_PER_DELAY_UNIT;
    }
    r->loop = gif_loop(gif);
    int err;
    DGifCloseFile(gif, &err);
}

static void read_webp(const uint8_t *data, size_t size, anim_read *r) {
    memset(r, 0, sizeof *r);
    WebPAnimDecoderOptions o;
    ck_assert(WebPAnimDecoderOptionsInit(&o));
    o.color_mode = MODE_RGBA;
    WebPData wd = {data, size};
    WebPAnimDecoder *dec = WebPAnimDecoderNew(&wd, &o);
    ck_assert_ptr_nonnull(dec);
    WebPAnimInfo info;
    ck_assert(WebPAnimDecoderGetInfo(dec, &info));
    r->width = (int)info.canvas_width;
    r->height = (int)info.canvas_height;
    r->loop = (int)info.loop_count;
    int prev = 0;
    size_t bytes = (size_t)r->width * r->height * 4;
    while (WebPAnimDecoderHasMoreFrames(dec)) {
        uint8_t *px;
        int ts;
        ck_assert(WebPAnimDecoderGetNext(dec, &px, &ts));
        ck_assert_int_lt(r->frames, MAX_TEST_FRAMES);
        r->delay_ms[r->frames] = ts - prev;
        r->rgba[r->frames] = malloc(bytes);
        ck_assert_ptr_nonnull(r->rgba[r->frames]);
        memcpy(r->rgba[r->frames], px, bytes);
        r->frames++;
        prev = ts;
    }
    WebPAnimDecoderDelete(dec);
}

static int is_gif(const uint8_t *d, size_t n) {
    return n >= 6 && memcmp(d, "GIF89a", 6) == 0;
}

static void read_any(const uint8_t *data, size_t size, anim_read *r) {
    if (is_gif(data, size))
        read_gif(data, size, r);
    else
        read_webp(data, size, r);
}

static int total_ms(const anim_read *r) {
    int t = 0;
    for (int i = 0; i < r->frames; i++)
        t += r->delay_ms[i];
    return t;
}

/* ---- Running ------------------------------------------------------- */

typedef struct output {
    thumb_status status;
    uint8_t *bytes;
    size_t size;
} output;

static output run(thumb_ctx *ctx, const uint8_t *in, size_t size) {
    output o = {0};
    const unsigned char *out;
    o.status = thumb_run(ctx, in, size, &out, &o.size);
    if (o.status == THUMB_OK) {
        o.bytes = malloc(o.size);
        ck_assert_ptr_nonnull(o.bytes);
        memcpy(o.bytes, out, o.size);
    }
    return o;
}

static output thumbnail(const uint8_t *in, size_t size, thumb_format format,
                        int box, int lossless) {
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_WIDTH, box), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, box), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_FORMAT, format), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_WEBP_LOSSLESS, lossless),
                     THUMB_OK);
    output o = run(ctx, in, size);
    ck_assert_msg(o.status == THUMB_OK, "%s", thumb_ctx_error(ctx));
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_FORMAT), format);
    thumb_ctx_free(ctx);
    return o;
}

/* ---- Corpus: frames, delays, loop count ---------------------------- */

/* Every animated GIF and WebP of the corpus with a few frames (the test
 * reads every frame back); their MANIFEST descriptions say "animated". */
static const char *const animated[] = {
    "gif/animated-loop-3.gif",
    "gif/chi.gif",
    "gif/rotating-squares.gif",
    "gif/dispose_prev.gif",
    "gif/dispose_bgnd.gif",
    "gif/dispose_none.gif",
    "gif/iss634.gif",
    "gif/fire.gif",
    "gif/download-animation.gif",
    "gif/dispose_bgnd_transparency.gif",
    "webp/animated-loop-3.webp",
    "webp/rotating-squares.webp",
    "webp/extended-lossless-animated.webp",
    "webp/iss634.webp",
};
#define ANIMATED_COUNT (int)(sizeof animated / sizeof animated[0])

/* The input as an anim_read: GIF through giflib (delays, loop), WebP
 * through WebPAnimDecoder. */
static void read_input(const uint8_t *data, size_t size, anim_read *r) {
    read_any(data, size, r);
    ck_assert_int_gt(r->frames, 1);
}

/* Consecutive identical frames of a WebP (WebPAnimEncoder merges them,
 * summing their delays). Only known for WebP input, whose canvases we
 * have; for GIF input the count of frames at least is bounded. */
static int distinct_runs(const anim_read *r) {
    size_t bytes = (size_t)r->width * r->height * 4;
    int runs = r->frames ? 1 : 0;
    for (int i = 1; i < r->frames; i++)
        runs += memcmp(r->rgba[i], r->rgba[i - 1], bytes) != 0;
    return runs;
}

START_TEST(corpus_animations_stay_animated) {
    const char *path = animated[_i];
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    anim_read in;
    read_input(data, size, &in);
    int in_is_gif = is_gif(data, size);

    /* GIF output: every frame, its delay (to the hundredth), the loop. */
    output g = thumbnail(data, size, THUMB_FORMAT_GIF, BOX, 0);
    anim_read out;
    read_gif(g.bytes, g.size, &out);
    ck_assert_msg(out.frames == in.frames, "%s: %d frames, input %d", path,
                  out.frames, in.frames);
    ck_assert_int_eq(out.loop, in.loop);
    ck_assert_int_le(out.width, BOX);
    ck_assert_int_le(out.height, BOX);
    for (int i = 0; i < in.frames; i++)
        ck_assert_msg(abs(out.delay_ms[i] - in.delay_ms[i]) <=
                          (in_is_gif ? 0 : GIF_ROUNDING_MS),
                      "%s frame %d: delay %d ms, input %d", path, i,
                      out.delay_ms[i], in.delay_ms[i]);
    anim_read_free(&out);
    free(g.bytes);

    /* WebP output: the same timeline. WebPAnimEncoder merges identical
     * consecutive frames, so the count is that of the input's runs. */
    output w = thumbnail(data, size, THUMB_FORMAT_WEBP, BOX, 1);
    read_webp(w.bytes, w.size, &out);
    ck_assert_int_eq(out.loop, in.loop);
    ck_assert_int_eq(total_ms(&out), total_ms(&in));
    if (!in_is_gif) {
        ck_assert_msg(out.frames == distinct_runs(&in),
                      "%s: %d frames, input %d (%d distinct runs)", path,
                      out.frames, in.frames, distinct_runs(&in));
        if (out.frames == in.frames)
            for (int i = 0; i < in.frames; i++)
                ck_assert_int_eq(out.delay_ms[i], in.delay_ms[i]);
    } else {
        ck_assert_int_le(out.frames, in.frames);
        ck_assert_int_gt(out.frames, 1);
    }
    anim_read_free(&out);
    free(w.bytes);
    anim_read_free(&in);
    free(data);
}
END_TEST

/* The MANIFEST's loop counts: "loop count 3" for both. */
START_TEST(loop_count_3_kept_across_formats) {
    static const char *const files[] = {"gif/animated-loop-3.gif",
                                        "webp/animated-loop-3.webp"};
    static const thumb_format formats[] = {THUMB_FORMAT_GIF, THUMB_FORMAT_WEBP};
    for (int f = 0; f < 2; f++)
        for (int o = 0; o < 2; o++) {
            size_t size;
            uint8_t *data = read_corpus(files[f], &size);
            output r = thumbnail(data, size, formats[o], BOX, 0);
            anim_read back;
            read_any(r.bytes, r.size, &back);
            ck_assert_msg(back.loop == 3, "%s -> %s: loop %d", files[f],
                          thumb_format_name(formats[o]), back.loop);
            ck_assert_int_eq(back.frames, 10);
            anim_read_free(&back);
            free(r.bytes);
            free(data);
        }
}
END_TEST

/* ---- Disposal, on a GIF built here --------------------------------- */

#define SYN_SIZE 32
#define SYN_HALF 16
#define SYN_QUARTER 8
enum { C_TRANSPARENT, C_RED, C_GREEN, C_BLUE, C_WHITE, C_COUNT };
static const GifColorType syn_colors[4 + 4] = {
    {0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255},
};
static const uint8_t syn_rgba[C_COUNT][4] = {
    {0, 0, 0, 0},     {255, 0, 0, 255},     {0, 255, 0, 255},
    {0, 0, 255, 255}, {255, 255, 255, 255},
};

typedef struct mem_writer {
    uint8_t *data;
    size_t size;
} mem_writer;

static int mem_output(GifFileType *gif, const GifByteType *d, int len) {
    mem_writer *m = gif->UserData;
    m->data = realloc(m->data, m->size + (size_t)len);
    ck_assert_ptr_nonnull(m->data);
    memcpy(m->data + m->size, d, (size_t)len);
    m->size += (size_t)len;
    return len;
}

typedef struct syn_frame {
    int left, top, width, height;
    int disposal;
    int color;      /* every pixel... */
    int left_clear; /* ...but the left half transparent when set */
} syn_frame;

/* Four frames, one per disposal method:
 *   0: the whole screen red, disposal 1 (keep);
 *   1: top-left quarter green, disposal 2 (clear to transparent);
 *   2: bottom-right quarter blue, disposal 3 (restore previous);
 *   3: 8x8 at the top right, left half transparent, right half white,
 *      disposal 0 (unspecified: kept). */
static const syn_frame syn_frames[] = {
    {0, 0, SYN_SIZE, SYN_SIZE, DISPOSE_DO_NOT, C_RED, 0},
    {0, 0, SYN_HALF, SYN_HALF, DISPOSE_BACKGROUND, C_GREEN, 0},
    {SYN_HALF, SYN_HALF, SYN_HALF, SYN_HALF, DISPOSE_PREVIOUS, C_BLUE, 0},
    {SYN_SIZE - SYN_QUARTER, 0, SYN_QUARTER, SYN_QUARTER, DISPOSAL_UNSPECIFIED,
     C_WHITE, 1},
};
#define SYN_FRAMES (int)(sizeof syn_frames / sizeof syn_frames[0])
#define SYN_DELAY 7 /* hundredths */

static mem_writer build_disposal_gif(void) {
    mem_writer m = {0};
    int err;
    GifFileType *gif = EGifOpen(&m, mem_output, &err);
    ck_assert_ptr_nonnull(gif);
    EGifSetGifVersion(gif, true);
    ColorMapObject *map = GifMakeMapObject(8, syn_colors);
    ck_assert_int_eq(EGifPutScreenDesc(gif, SYN_SIZE, SYN_SIZE, 8, 0, map),
                     GIF_OK);
    GifFreeMapObject(map);
    GifByteType row[SYN_SIZE];
    for (int f = 0; f < SYN_FRAMES; f++) {
        const syn_frame *s = &syn_frames[f];
        GraphicsControlBlock gcb = {s->disposal, false, SYN_DELAY,
                                    C_TRANSPARENT};
        GifByteType ext[4];
        EGifGCBToExtension(&gcb, ext);
        ck_assert_int_eq(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, ext),
                         GIF_OK);
        ck_assert_int_eq(EGifPutImageDesc(gif, s->left, s->top, s->width,
                                          s->height, false, NULL),
                         GIF_OK);
        for (int x = 0; x < s->width; x++)
            row[x] = s->left_clear && x < s->width / 2 ? C_TRANSPARENT
                                                       : (GifByteType)s->color;
        for (int y = 0; y < s->height; y++)
            ck_assert_int_eq(EGifPutLine(gif, row, s->width), GIF_OK);
    }
    ck_assert_int_eq(EGifCloseFile(gif, &err), GIF_OK);
    return m;
}

/* What a browser shows at (x, y) for each frame. */
static int expected_color(int frame, int x, int y) {
    int tl = x < SYN_HALF && y < SYN_HALF;
    int br = x >= SYN_HALF && y >= SYN_HALF;
    int tr8 = x >= SYN_SIZE - SYN_QUARTER && y < SYN_QUARTER;
    switch (frame) {
    case 0:
        return C_RED;
    case 1:
        return tl ? C_GREEN : C_RED;
    case 2: /* frame 1 cleared to transparent */
        return tl ? C_TRANSPARENT : br ? C_BLUE : C_RED;
    default: /* frame 2 undone; the white right half drawn */
        if (tr8 && x >= SYN_SIZE - SYN_QUARTER / 2)
            return C_WHITE;
        return tl ? C_TRANSPARENT : C_RED;
    }
}

static void check_canvas(const uint8_t *rgba, int frame, const char *what) {
    for (int y = 0; y < SYN_SIZE; y++)
        for (int x = 0; x < SYN_SIZE; x++) {
            const uint8_t *p = rgba + ((size_t)y * SYN_SIZE + x) * 4;
            const uint8_t *e = syn_rgba[expected_color(frame, x, y)];
            int same = e[3] == 0 ? p[3] == 0 : memcmp(p, e, 4) == 0;
            ck_assert_msg(same,
                          "%s frame %d (%d,%d): %d,%d,%d,%d, expected "
                          "%d,%d,%d,%d",
                          what, frame, x, y, p[0], p[1], p[2], p[3], e[0], e[1],
                          e[2], e[3]);
        }
}

/* Our GIF output has whole-canvas frames, each replacing the last: its
 * frame i is the raster through its colour table. */
static void gif_frame_rgba(const GifFileType *gif, int i, uint8_t *rgba) {
    const SavedImage *s = &gif->SavedImages[i];
    ck_assert_int_eq(s->ImageDesc.Width, gif->SWidth);
    ck_assert_int_eq(s->ImageDesc.Height, gif->SHeight);
    GraphicsControlBlock gcb;
    ck_assert_int_eq(DGifSavedExtensionToGCB((GifFileType *)gif, i, &gcb),
                     GIF_OK);
    ck_assert_int_eq(gcb.DisposalMode, DISPOSE_BACKGROUND);
    const ColorMapObject *map =
        s->ImageDesc.ColorMap ? s->ImageDesc.ColorMap : gif->SColorMap;
    size_t n = (size_t)gif->SWidth * gif->SHeight;
    for (size_t k = 0; k < n; k++) {
        int ix = s->RasterBits[k];
        ck_assert_int_lt(ix, map->ColorCount);
        rgba[k * 4] = map->Colors[ix].Red;
        rgba[k * 4 + 1] = map->Colors[ix].Green;
        rgba[k * 4 + 2] = map->Colors[ix].Blue;
        rgba[k * 4 + 3] = ix == gcb.TransparentColor ? 0 : 255;
    }
}

START_TEST(gif_disposal_methods_composite_as_browsers_do) {
    mem_writer src = build_disposal_gif();
    /* Box 0x0: the size is kept, and a Lanczos3 at scale 1 is exact. */
    output g = thumbnail(src.data, src.size, THUMB_FORMAT_GIF, 0, 0);
    mem_reader m;
    GifFileType *gif = slurp_gif(g.bytes, g.size, &m);
    ck_assert_int_eq(gif->ImageCount, SYN_FRAMES);
    uint8_t rgba[SYN_SIZE * SYN_SIZE * 4];
    for (int f = 0; f < SYN_FRAMES; f++) {
        gif_frame_rgba(gif, f, rgba);
        check_canvas(rgba, f, "GIF");
        GraphicsControlBlock gcb;
        DGifSavedExtensionToGCB(gif, f, &gcb);
        ck_assert_int_eq(gcb.DelayTime, SYN_DELAY);
    }
    ck_assert_int_eq(gif_loop(gif), 1); /* no NETSCAPE2.0: plays once */
    int err;
    DGifCloseFile(gif, &err);
    free(g.bytes);

    output w = thumbnail(src.data, src.size, THUMB_FORMAT_WEBP, 0, 1);
    anim_read r;
    read_webp(w.bytes, w.size, &r);
    ck_assert_int_eq(r.frames, SYN_FRAMES);
    ck_assert_int_eq(r.loop, 1);
    for (int f = 0; f < SYN_FRAMES; f++) {
        check_canvas(r.rgba[f], f, "WebP");
        ck_assert_int_eq(r.delay_ms[f], SYN_DELAY * GIF_MS_PER_DELAY_UNIT);
    }
    anim_read_free(&r);
    free(w.bytes);
    free(src.data);
}
END_TEST

/* ---- First frame only ---------------------------------------------- */

START_TEST(first_frame_option_gives_a_still) {
    size_t size;
    uint8_t *data = read_corpus("gif/animated-loop-3.gif", &size);
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    int64_t v;
    ck_assert_int_eq(thumb_ctx_get(ctx, THUMB_OPT_ANIMATION, &v), THUMB_OK);
    ck_assert_int_eq(v, 1);
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, BOX);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_ANIMATION, 0), THUMB_OK);

    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_GIF);
    output g = run(ctx, data, size);
    ck_assert_int_eq(g.status, THUMB_OK);
    mem_reader m;
    GifFileType *gif = slurp_gif(g.bytes, g.size, &m);
    ck_assert_int_eq(gif->ImageCount, 1);
    int err;
    DGifCloseFile(gif, &err);

    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_WEBP);
    output w = run(ctx, data, size);
    ck_assert_int_eq(w.status, THUMB_OK);
    WebPBitstreamFeatures feat;
    ck_assert_int_eq(WebPGetFeatures(w.bytes, w.size, &feat), VP8_STATUS_OK);
    ck_assert_int_eq(feat.has_animation, 0);

    /* JPEG and PNG output get the first frame whatever the option. */
    thumb_ctx_set(ctx, THUMB_OPT_ANIMATION, 1);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_PNG);
    output p = run(ctx, data, size);
    ck_assert_int_eq(p.status, THUMB_OK);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_FRAMES), 10);
    /* AUTO keeps GIF as GIF (as sharp does), animated. */
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_AUTO);
    output a = run(ctx, data, size);
    ck_assert_int_eq(a.status, THUMB_OK);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_FORMAT),
                     THUMB_FORMAT_GIF);
    anim_read back;
    read_gif(a.bytes, a.size, &back);
    ck_assert_int_eq(back.frames, 10);
    free(a.bytes);
    free(p.bytes);
    free(w.bytes);
    free(g.bytes);
    thumb_ctx_free(ctx);
    free(data);
}
END_TEST

/* ---- Limits -------------------------------------------------------- */

/* A GIF of `frames` 1x1 frames on a width x height screen: tiny on disk,
 * frames x width x height pixels to composite. */
static mem_writer build_many_frames(int width, int height, int frames) {
    mem_writer m = {0};
    int err;
    GifFileType *gif = EGifOpen(&m, mem_output, &err);
    ck_assert_ptr_nonnull(gif);
    EGifSetGifVersion(gif, true);
    ColorMapObject *map = GifMakeMapObject(8, syn_colors);
    ck_assert_int_eq(EGifPutScreenDesc(gif, width, height, 8, 0, map), GIF_OK);
    GifFreeMapObject(map);
    GifByteType px = C_RED;
    for (int f = 0; f < frames; f++) {
        ck_assert_int_eq(EGifPutImageDesc(gif, 0, 0, 1, 1, false, NULL),
                         GIF_OK);
        ck_assert_int_eq(EGifPutLine(gif, &px, 1), GIF_OK);
    }
    ck_assert_int_eq(EGifCloseFile(gif, &err), GIF_OK);
    return m;
}

/* Far below one canvas of the bombs below (400 MB), and above what
 * probing and the context need. */
#define BOMB_PEAK_BYTES ((size_t)1 << 20)

static void expect_limit(const mem_writer *bomb, const char *needle) {
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, BOX);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_GIF);
    output o = run(ctx, bomb->data, bomb->size);
    ck_assert_msg(o.status == THUMB_ERR_LIMIT, "status %d: %s", o.status,
                  thumb_ctx_error(ctx));
    ck_assert_msg(strstr(thumb_ctx_error(ctx), needle), "%s",
                  thumb_ctx_error(ctx));
    ck_assert_msg(a.peak_bytes < BOMB_PEAK_BYTES, "peak %zu bytes",
                  a.peak_bytes);
    /* First frame only: no limit on frames, and a still of one frame. */
    thumb_ctx_set(ctx, THUMB_OPT_ANIMATION, 0);
    thumb_ctx_set(ctx, THUMB_OPT_MAX_PIXELS, 1);
    o = run(ctx, bomb->data, bomb->size);
    ck_assert_int_eq(o.status, THUMB_ERR_LIMIT); /* the still's own limit */
    ck_assert_msg(strstr(thumb_ctx_error(ctx), "THUMB_OPT_MAX_PIXELS"), "%s",
                  thumb_ctx_error(ctx));
    thumb_ctx_free(ctx);
    ck_assert_int_eq(a.live_blocks, 0);
}

/* An animated output larger than its format holds is an encoder error,
 * named, before any frame is written. (GIF's 65535 is the largest size
 * the options can ask for.) */
START_TEST(animated_output_over_the_format_size_is_refused) {
    static const struct {
        thumb_format format;
        int64_t width;
        const char *message;
    } cases[] = {
        {THUMB_FORMAT_WEBP, 16384,
         "WebP: a 16384x10 image is larger than WebP's limit of 16383 pixels "
         "a side"},
    };
    size_t size;
    uint8_t *data = read_corpus("gif/chi.gif", &size);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        thumb_ctx *ctx = thumb_ctx_new();
        ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_WIDTH, cases[i].width),
                         THUMB_OK);
        ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, 10), THUMB_OK);
        ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_FIT, THUMB_FIT_FILL),
                         THUMB_OK);
        ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_ENLARGE, 1), THUMB_OK);
        ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_FORMAT, cases[i].format),
                         THUMB_OK);
        const unsigned char *out;
        size_t len;
        ck_assert_int_eq(thumb_run(ctx, data, size, &out, &len),
                         THUMB_ERR_ENCODE);
        ck_assert_str_eq(thumb_ctx_error(ctx), cases[i].message);
        thumb_ctx_free(ctx);
    }
    free(data);
}
END_TEST

START_TEST(too_many_frames_refused_before_decoding) {
    /* 1001 frames: one over the default. */
    mem_writer bomb = build_many_frames(1000, 1000, 1001);
    expect_limit(&bomb, "THUMB_OPT_MAX_FRAMES");
    /* The limit is an option. */
    thumb_ctx *ctx = thumb_ctx_new();
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 10);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_GIF);
    mem_writer small = build_many_frames(20, 20, 30);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_MAX_FRAMES, 29), THUMB_OK);
    output o = run(ctx, small.data, small.size);
    ck_assert_int_eq(o.status, THUMB_ERR_LIMIT);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_MAX_FRAMES, 30), THUMB_OK);
    o = run(ctx, small.data, small.size);
    ck_assert_int_eq(o.status, THUMB_OK);
    free(o.bytes);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_MAX_FRAMES, 0),
                     THUMB_ERR_INVALID_ARGUMENT);
    thumb_ctx_free(ctx);
    free(small.data);
    free(bomb.data);
}
END_TEST

START_TEST(too_many_animation_pixels_refused_before_decoding) {
    /* 11 frames of a 10000x10000 screen: 1.1 gigapixels, over the default
     * 16383^2; each frame alone is within THUMB_OPT_MAX_PIXELS (10^8). */
    mem_writer bomb = build_many_frames(10000, 10000, 11);
    expect_limit(&bomb, "THUMB_OPT_MAX_ANIMATION_PIXELS");
    thumb_ctx *ctx = thumb_ctx_new();
    int64_t v;
    ck_assert_int_eq(thumb_ctx_get(ctx, THUMB_OPT_MAX_ANIMATION_PIXELS, &v),
                     THUMB_OK);
    ck_assert_int_eq(v, (int64_t)16383 * 16383);
    ck_assert_int_eq(thumb_ctx_get(ctx, THUMB_OPT_MAX_FRAMES, &v), THUMB_OK);
    ck_assert_int_eq(v, 1000);
    /* 20x20 x 30 frames = 12000 pixels. */
    mem_writer small = build_many_frames(20, 20, 30);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_WEBP);
    thumb_ctx_set(ctx, THUMB_OPT_MAX_ANIMATION_PIXELS, 11999);
    output o = run(ctx, small.data, small.size);
    ck_assert_int_eq(o.status, THUMB_ERR_LIMIT);
    thumb_ctx_set(ctx, THUMB_OPT_MAX_ANIMATION_PIXELS, 12000);
    o = run(ctx, small.data, small.size);
    ck_assert_int_eq(o.status, THUMB_OK);
    free(o.bytes);
    thumb_ctx_free(ctx);
    free(small.data);
    free(bomb.data);
}
END_TEST

/* ---- Allocation failures ------------------------------------------- */

static void every_failure(const char *path, thumb_format format) {
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 48);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, format);
    long before = a.calls;
    output good = run(ctx, data, size);
    long total = a.calls - before;
    ck_assert_int_eq(good.status, THUMB_OK);
    thumb_ctx_free(ctx);
    ck_assert_int_eq(a.live_blocks, 0);
    for (long k = 0; k < total; k++) {
        ctx = counting_ctx(&a);
        thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 48);
        thumb_ctx_set(ctx, THUMB_OPT_FORMAT, format);
        a.fail_at = a.calls + k;
        output r = run(ctx, data, size);
        ck_assert(a.failed);
        ck_assert_msg(r.status == THUMB_ERR_NOMEM,
                      "%s -> %s, allocation %ld of %ld: status %d (%s)", path,
                      thumb_format_name(format), k, total, r.status,
                      thumb_ctx_error(ctx));
        ck_assert_msg(strstr(thumb_ctx_error(ctx), "out of memory"), "%s",
                      thumb_ctx_error(ctx));
        output again = run(ctx, data, size);
        ck_assert_int_eq(again.status, THUMB_OK);
        ck_assert(again.size == good.size &&
                  memcmp(again.bytes, good.bytes, good.size) == 0);
        free(again.bytes);
        thumb_ctx_free(ctx);
        ck_assert_msg(a.live_blocks == 0, "allocation %ld: %ld blocks leaked",
                      k, a.live_blocks);
    }
    printf("%s -> %s: %ld allocations, each failed once\n", path,
           thumb_format_name(format), total);
    free(good.bytes);
    free(data);
}

START_TEST(allocation_failures_are_nomem_without_leak) {
    every_failure("gif/dispose_prev.gif", THUMB_FORMAT_GIF);
    every_failure("gif/dispose_prev.gif", THUMB_FORMAT_WEBP);
    every_failure("webp/rotating-squares.webp", THUMB_FORMAT_GIF);
}
END_TEST

/* An animated WebP with an ICCP chunk: every frame is converted to sRGB,
 * like a still. The corpus has no such file, so one is made: the Display
 * P3 profile of png/p3.png inserted after the VP8X chunk of an
 * animation. */
#define RIFF_HEADER 12
#define CHUNK_HEADER 8
#define VP8X_PAYLOAD 10
#define VP8X_FLAG_ICC 0x20

static void put_le32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint8_t *with_profile(const uint8_t *webp, size_t size,
                             const uint8_t *icc, size_t icc_size,
                             size_t *out_size) {
    size_t at = RIFF_HEADER + CHUNK_HEADER + VP8X_PAYLOAD;
    ck_assert(size > at && memcmp(webp + RIFF_HEADER, "VP8X", 4) == 0);
    size_t chunk = CHUNK_HEADER + icc_size + (icc_size & 1);
    uint8_t *out = calloc(1, size + chunk);
    ck_assert_ptr_nonnull(out);
    memcpy(out, webp, at);
    memcpy(out + at, "ICCP", 4);
    put_le32(out + at + 4, (uint32_t)icc_size);
    memcpy(out + at + CHUNK_HEADER, icc, icc_size);
    memcpy(out + at + chunk, webp + at, size - at);
    out[RIFF_HEADER + CHUNK_HEADER] |= VP8X_FLAG_ICC;
    *out_size = size + chunk;
    put_le32(out + 4, (uint32_t)(*out_size - CHUNK_HEADER));
    return out;
}

static double mean_abs_diff(const decoded *a, const decoded *b, int *worst) {
    ck_assert_uint_eq(a->width, b->width);
    ck_assert_uint_eq(a->height, b->height);
    ck_assert_int_eq(a->channels, b->channels);
    /* Premultiplied: the colour under alpha 0 is anyone's (lossless WebP
     * keeps or drops it as it compresses best). */
    const int ch = a->channels, alpha = ch == 2 || ch == 4;
    size_t n = (size_t)a->width * a->height * ch;
    double sum = 0;
    *worst = 0;
    for (size_t i = 0; i < n; i++) {
        size_t at = i - i % ch + ch - 1;
        int wa = alpha ? a->px[at] : 255, wb = alpha ? b->px[at] : 255;
        int d = abs(a->px[i] * wa - b->px[i] * wb) / 255;
        sum += d;
        if (d > *worst)
            *worst = d;
    }
    return sum / (double)n;
}

START_TEST(animation_frames_are_colour_managed) {
    size_t png_size, anim_size, tagged_size;
    uint8_t *png = read_corpus("png/p3.png", &png_size);
    decoded p3 = decode_image(png, png_size);
    ck_assert_ptr_nonnull(p3.icc);
    uint8_t *anim = read_corpus("webp/rotating-squares.webp", &anim_size);
    uint8_t *tagged =
        with_profile(anim, anim_size, p3.icc, p3.icc_size, &tagged_size);

    /* Lossless WebP output: the animated path's first frame against the
     * still path's (which converts, as test_color checks). */
    const option_value animated[] = {{THUMB_OPT_WIDTH, 64},
                                     {THUMB_OPT_FORMAT, THUMB_FORMAT_WEBP},
                                     {THUMB_OPT_WEBP_LOSSLESS, 1}};
    const option_value still[] = {{THUMB_OPT_WIDTH, 64},
                                  {THUMB_OPT_FORMAT, THUMB_FORMAT_PNG}};
    decoded a = thumbnail_decoded(tagged, tagged_size, animated, 3);
    decoded s = thumbnail_decoded(tagged, tagged_size, still, 2);
    decoded plain = thumbnail_decoded(anim, anim_size, animated, 3);
    int worst;
    double same = mean_abs_diff(&a, &s, &worst);
    ck_assert_msg(worst <= 2,
                  "animated vs still first frame: mean %.3f, worst %d", same,
                  worst);
    double moved = mean_abs_diff(&a, &plain, &worst);
    ck_assert_msg(moved > 1.0 && worst >= 8,
                  "the profile changed the frame by %.3f on average, %d at "
                  "most: not converted?",
                  moved, worst);
    decoded_free(&a);
    decoded_free(&s);
    decoded_free(&plain);
    decoded_free(&p3);
    free(tagged);
    free(anim);
    free(png);
}
END_TEST

static Suite *animation_suite(void) {
    Suite *s = suite_create("animation");
    TCase *tc = tcase_create("animation");
    tcase_set_timeout(tc, TEST_TIMEOUT);
    tcase_add_loop_test(tc, corpus_animations_stay_animated, 0, ANIMATED_COUNT);
    tcase_add_test(tc, loop_count_3_kept_across_formats);
    tcase_add_test(tc, gif_disposal_methods_composite_as_browsers_do);
    tcase_add_test(tc, first_frame_option_gives_a_still);
    tcase_add_test(tc, animated_output_over_the_format_size_is_refused);
    tcase_add_test(tc, too_many_frames_refused_before_decoding);
    tcase_add_test(tc, too_many_animation_pixels_refused_before_decoding);
    tcase_add_test(tc, allocation_failures_are_nomem_without_leak);
    tcase_add_test(tc, animation_frames_are_colour_managed);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(animation_suite)
