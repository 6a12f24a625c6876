/* GIF input through giflib 5.2: the first frame, composited on the logical
 * screen.
 *
 * A thumbnail of an animation shows its first frame. Pixels of the screen
 * that the first frame does not cover are transparent, as browsers draw
 * them (the background colour index is ignored, as browsers do). The rows
 * are RGBA when anything can be transparent, RGB otherwise.
 *
 * giflib allocates with malloc() and has no allocator hooks; only our own
 * buffers go through the context. giflib reports errors as return values,
 * so there is no longjmp here. */
#include "decoder.h"

#include "../ctx.h"

#include <gif_lib.h>
#include <string.h>

/* Decoding work (LZW-decoded pixels) allowed for the first frame, as a
 * multiple of the screen's area, with a floor for small screens. A frame
 * may be declared far larger than the screen (65535x65535 on 32x32), and
 * only the part on the screen is kept: we decode into one frame-width line
 * (memory grows with the frame's width, at most 64 KiB) and stop after the
 * last row that lands on the screen. What remains to bound is time: the
 * rows up to that point must be decoded in full, and an interlaced frame
 * spreads its visible rows over four passes. A frame that would need more
 * than this budget is rejected as corrupt rather than decoded for seconds
 * to keep a few pixels; real files, whose frames fit the screen, need at
 * most 1x. */
#define GIF_DECODE_BUDGET_FACTOR 4
/* 16 Mpx: tens of milliseconds of LZW decoding. */
#define GIF_DECODE_BUDGET_MIN ((uint64_t)1 << 24)

/* Adam7-like row order of an interlaced GIF frame: every 8th row from 0,
 * every 8th from 4, every 4th from 2, every 2nd from 1. */
#define GIF_INTERLACE_PASSES 4
static const uint32_t gif_pass_start[GIF_INTERLACE_PASSES] = {0, 4, 2, 1};
static const uint32_t gif_pass_step[GIF_INTERLACE_PASSES] = {8, 8, 4, 2};

/* A graphics control extension's data is exactly this long. */
#define GIF_GCE_SIZE 4

/* RGB from the colour table, and the alpha of an opaque pixel. */
#define GIF_RGB_CHANNELS 3
#define GIF_RGBA_CHANNELS 4
#define GIF_OPAQUE 255

typedef struct gif_frame {
    uint32_t left, top, width, height;
    int interlaced;
    int transparent; /* colour index, or NO_TRANSPARENT_COLOR */
    /* The frame's local table, else the global one; owned by giflib and
     * valid while the file stays open. */
    const ColorMapObject *colors;
} gif_frame;

typedef struct gifdec_state {
    thumb_ctx *ctx;
    const uint8_t *data;
    size_t size;
    size_t offset; /* next byte giflib will read */
    GifFileType *gif;
    uint8_t *screen; /* the composited first frame, decoded by start */
    size_t stride;
    uint32_t next_row;
} gifdec_state;

static int on_input(GifFileType *gif, GifByteType *out, int len) {
    gifdec_state *s = gif->UserData;
    size_t n = len > 0 ? (size_t)len : 0;
    if (n > s->size - s->offset)
        n = s->size - s->offset;
    memcpy(out, s->data + s->offset, n);
    s->offset += n;
    return (int)n;
}

static thumb_status gif_fail(thumb_ctx *ctx, int code) {
    thumb_status st =
        code == D_GIF_ERR_NOT_ENOUGH_MEM ? THUMB_ERR_NOMEM : THUMB_ERR_CORRUPT;
    const char *text = GifErrorString(code);
    if (text)
        return ctx_fail(ctx, st, "GIF: %s", text);
    return ctx_fail(ctx, st, "GIF: giflib error %d", code);
}

static void gif_close(gifdec_state *s) {
    if (s->gif) {
        int ignored;
        DGifCloseFile(s->gif, &ignored);
        s->gif = NULL;
    }
}

static thumb_status gif_open(gifdec_state *s) {
    int code = 0;
    s->offset = 0;
    s->gif = DGifOpen(s, on_input, &code);
    if (!s->gif)
        return gif_fail(s->ctx, code);
    return THUMB_OK;
}

/* DGifGetImageDesc() appends every image descriptor (and a copy of its
 * colour table) to gif->SavedImages, which only DGifSlurp() uses: a file
 * of many small frames would grow that array without bound while we merely
 * count. Emptying it after each descriptor keeps memory constant.
 * GifFreeSavedImages() leaves ImageCount as it was, and the next
 * descriptor is written at SavedImages[ImageCount], so it is reset too. */
static void drop_saved_images(GifFileType *gif) {
    GifFreeSavedImages(gif);
    gif->ImageCount = 0;
}

/* Reads one extension record; a graphics control extension sets
 * *transparent for the image that follows. */
static int read_extension(GifFileType *gif, int *transparent) {
    int code;
    GifByteType *block;
    if (DGifGetExtension(gif, &code, &block) == GIF_ERROR)
        return GIF_ERROR;
    if (code == GRAPHICS_EXT_FUNC_CODE && block) {
        GraphicsControlBlock gcb;
        /* A control block of the wrong size is ignored, as by giflib's
         * own DGifSlurp users. */
        if (DGifExtensionToGCB(block[0], block + 1, &gcb) == GIF_OK)
            *transparent = gcb.TransparentColor;
    }
    while (block)
        if (DGifGetExtensionNext(gif, &block) == GIF_ERROR)
            return GIF_ERROR;
    return GIF_OK;
}

/* Skips an image's LZW data block by block, without decoding it. */
static int skip_image_data(GifFileType *gif) {
    int code_size;
    GifByteType *block;
    if (DGifGetCode(gif, &code_size, &block) == GIF_ERROR)
        return GIF_ERROR;
    while (block)
        if (DGifGetCodeNext(gif, &block) == GIF_ERROR)
            return GIF_ERROR;
    return GIF_OK;
}

/* Reads the records up to and including the first image descriptor. */
static thumb_status read_first_frame(gifdec_state *s, gif_frame *f) {
    GifFileType *gif = s->gif;
    int transparent = NO_TRANSPARENT_COLOR;
    for (;;) {
        GifRecordType type;
        if (DGifGetRecordType(gif, &type) == GIF_ERROR)
            return gif_fail(s->ctx, gif->Error);
        if (type == TERMINATE_RECORD_TYPE)
            return ctx_fail(s->ctx, THUMB_ERR_CORRUPT,
                            "GIF: the file ends before its first image");
        if (type == EXTENSION_RECORD_TYPE) {
            if (read_extension(gif, &transparent) == GIF_ERROR)
                return gif_fail(s->ctx, gif->Error);
            continue;
        }
        if (DGifGetImageDesc(gif) == GIF_ERROR)
            return gif_fail(s->ctx, gif->Error);
        drop_saved_images(gif);
        break;
    }
    const GifImageDesc *desc = &gif->Image;
    f->left = (uint32_t)desc->Left;
    f->top = (uint32_t)desc->Top;
    f->width = (uint32_t)desc->Width;
    f->height = (uint32_t)desc->Height;
    f->interlaced = desc->Interlace != 0;
    f->transparent = transparent;
    f->colors = desc->ColorMap ? desc->ColorMap : gif->SColorMap;
    if (!f->colors)
        return ctx_fail(s->ctx, THUMB_ERR_CORRUPT,
                        "GIF: frame has no colour table");
    return THUMB_OK;
}

static int frame_covers_screen(const gif_frame *f, uint32_t screen_width,
                               uint32_t screen_height) {
    return f->left == 0 && f->top == 0 && f->width >= screen_width &&
           f->height >= screen_height;
}

static int frame_has_alpha(const gif_frame *f, uint32_t screen_width,
                           uint32_t screen_height) {
    return f->transparent != NO_TRANSPARENT_COLOR ||
           !frame_covers_screen(f, screen_width, screen_height);
}

static thumb_status gifdec_probe(decoder *d) {
    gifdec_state *s = ctx_calloc(d->ctx, 1, sizeof *s);
    if (!s)
        return THUMB_ERR_NOMEM;
    d->state = s;
    s->ctx = d->ctx;
    s->data = d->data;
    s->size = d->size;
    thumb_status st = gif_open(s);
    if (st != THUMB_OK)
        return st;
    GifFileType *gif = s->gif;
    if (gif->SWidth <= 0)
        return ctx_fail(d->ctx, THUMB_ERR_CORRUPT,
                        "GIF: logical screen width is 0");
    if (gif->SHeight <= 0)
        return ctx_fail(d->ctx, THUMB_ERR_CORRUPT,
                        "GIF: logical screen height is 0");
    d->info.width = (uint32_t)gif->SWidth;
    d->info.height = (uint32_t)gif->SHeight;
    d->info.bit_depth = 8;
    d->info.orientation = 1;

    gif_frame first = {0};
    st = read_first_frame(s, &first);
    if (st != THUMB_OK)
        return st;
    d->info.has_alpha = frame_has_alpha(&first, d->info.width, d->info.height);
    if (skip_image_data(gif) == GIF_ERROR)
        return gif_fail(d->ctx, gif->Error);

    /* Count the other frames. Damage after the first frame (truncation,
     * a bad record) ends the count but is not an error: the first frame,
     * all we decode, is intact, and browsers show what they could read. */
    uint32_t frames = 1;
    int transparent = NO_TRANSPARENT_COLOR;
    for (;;) {
        GifRecordType type;
        if (DGifGetRecordType(gif, &type) == GIF_ERROR ||
            type == TERMINATE_RECORD_TYPE)
            break;
        if (type == EXTENSION_RECORD_TYPE) {
            if (read_extension(gif, &transparent) == GIF_ERROR)
                break;
            continue;
        }
        if (DGifGetImageDesc(gif) == GIF_ERROR)
            break;
        drop_saved_images(gif);
        if (skip_image_data(gif) == GIF_ERROR)
            break;
        frames++;
    }
    d->info.frames = frames;
    gif_close(s);
    return THUMB_OK;
}

/* How many frame rows must be decoded, in file order, until the last of
 * the first `visible` rows has arrived. */
static uint64_t rows_to_decode(const gif_frame *f, uint32_t visible) {
    if (!f->interlaced)
        return visible;
    uint64_t rows = 0;
    uint32_t remaining = visible;
    for (int pass = 0; pass < GIF_INTERLACE_PASSES && remaining; pass++)
        for (uint32_t y = gif_pass_start[pass]; y < f->height && remaining;
             y += gif_pass_step[pass]) {
            rows++;
            if (y < visible)
                remaining--;
        }
    return rows;
}

/* Writes the visible part of frame row y onto the screen. Indices outside
 * the colour table are drawn opaque black, as Pillow does (it pads a short
 * palette with black); rejecting the frame would lose a whole image to a
 * sloppy encoder. */
static void put_row(gifdec_state *s, const gif_frame *f, int channels,
                    const uint8_t *line, uint32_t y, uint32_t visible_width) {
    uint8_t *out = s->screen + (size_t)(f->top + y) * s->stride +
                   (size_t)f->left * (size_t)channels;
    const GifColorType *table = f->colors->Colors;
    int table_size = f->colors->ColorCount;
    for (uint32_t x = 0; x < visible_width; x++, out += channels) {
        int index = line[x];
        if (index == f->transparent)
            continue; /* stays 0,0,0,0 */
        if (index < table_size) {
            out[0] = table[index].Red;
            out[1] = table[index].Green;
            out[2] = table[index].Blue;
        } else {
            out[0] = out[1] = out[2] = 0;
        }
        if (channels == GIF_RGBA_CHANNELS)
            out[3] = GIF_OPAQUE;
    }
}

/* The part of the frame on the screen, from the frame's top-left corner:
 * width x height pixels, 0 x 0 when the frame lies off the screen. */
typedef struct visible_part {
    uint32_t width, height;
} visible_part;

static visible_part visible_part_of(const gif_frame *f, uint32_t sw,
                                    uint32_t sh) {
    visible_part v = {0, 0};
    if (f->left < sw && f->top < sh) {
        v.width = f->width < sw - f->left ? f->width : sw - f->left;
        v.height = f->height < sh - f->top ? f->height : sh - f->top;
    }
    if (v.width == 0 || v.height == 0)
        v.width = v.height = 0;
    return v;
}

static thumb_status check_budget(decoder *d, const gif_frame *f,
                                 visible_part v) {
    uint32_t sw = d->info.width, sh = d->info.height;
    uint64_t work = rows_to_decode(f, v.height) * f->width;
    uint64_t budget = (uint64_t)sw * sh * GIF_DECODE_BUDGET_FACTOR;
    if (budget < GIF_DECODE_BUDGET_MIN)
        budget = GIF_DECODE_BUDGET_MIN;
    if (work > budget)
        return ctx_fail(d->ctx, THUMB_ERR_CORRUPT,
                        "GIF: first frame is %ux%u at (%u,%u), far larger "
                        "than the %ux%u screen",
                        f->width, f->height, f->left, f->top, sw, sh);
    return THUMB_OK;
}

static thumb_status decode_frame(decoder *d, gifdec_state *s,
                                 const gif_frame *f, visible_part v) {
    if (v.height == 0)
        return THUMB_OK; /* nothing on the screen: all transparent */
    uint8_t *line = ctx_malloc(d->ctx, f->width);
    if (!line)
        return THUMB_ERR_NOMEM;
    thumb_status st = THUMB_OK;
    int passes = f->interlaced ? GIF_INTERLACE_PASSES : 1;
    uint32_t remaining = v.height;
    for (int pass = 0; pass < passes && remaining && st == THUMB_OK; pass++) {
        uint32_t start = f->interlaced ? gif_pass_start[pass] : 0;
        uint32_t step = f->interlaced ? gif_pass_step[pass] : 1;
        for (uint32_t y = start; y < f->height && remaining; y += step) {
            st = ctx_check_deadline(d->ctx, "decoding GIF");
            if (st != THUMB_OK)
                break;
            if (DGifGetLine(s->gif, line, (int)f->width) == GIF_ERROR) {
                st = gif_fail(d->ctx, s->gif->Error);
                break;
            }
            if (y < v.height) {
                put_row(s, f, d->channels, line, y, v.width);
                remaining--;
            }
        }
    }
    ctx_free(d->ctx, line);
    return st;
}

static thumb_status gifdec_start(decoder *d, uint32_t min_width,
                                 uint32_t min_height) {
    /* giflib cannot shrink on load. */
    (void)min_width;
    (void)min_height;
    gifdec_state *s = d->state;
    thumb_status st = gif_open(s);
    if (st != THUMB_OK)
        return st;
    gif_frame first = {0};
    st = read_first_frame(s, &first);
    if (st != THUMB_OK)
        return st;
    d->width = d->info.width;
    d->height = d->info.height;
    visible_part visible = visible_part_of(&first, d->width, d->height);
    st = check_budget(d, &first, visible);
    if (st != THUMB_OK)
        return st;
    d->channels = frame_has_alpha(&first, d->width, d->height)
                      ? GIF_RGBA_CHANNELS
                      : GIF_RGB_CHANNELS;

    /* The whole screen is kept: an interlaced frame delivers its rows out
     * of order. The pipeline checked the screen's size against its pixel
     * limit before calling start. */
    int ok = 1;
    s->stride = size_mul(d->width, (size_t)d->channels, &ok);
    size_t total = size_mul(s->stride, d->height, &ok);
    if (!ok)
        return ctx_fail(d->ctx, THUMB_ERR_LIMIT,
                        "GIF: a %ux%u screen does not fit in memory", d->width,
                        d->height);
    s->screen = ctx_calloc(d->ctx, total, 1);
    if (!s->screen)
        return THUMB_ERR_NOMEM;
    st = decode_frame(d, s, &first, visible);
    gif_close(s);
    if (st != THUMB_OK) {
        /* No half-decoded frame for read_rows to hand out. */
        ctx_free(d->ctx, s->screen);
        s->screen = NULL;
    }
    return st;
}

static thumb_status gifdec_read_rows(decoder *d, uint8_t *const *rows,
                                     uint32_t count) {
    gifdec_state *s = d->state;
    if (!s->screen || count > d->height - s->next_row)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "GIF: %u rows asked for at row %u of %u", count,
                        s->next_row, d->height);
    for (uint32_t i = 0; i < count; i++, s->next_row++)
        memcpy(rows[i], s->screen + (size_t)s->next_row * s->stride, s->stride);
    return THUMB_OK;
}

static void gifdec_destroy(decoder *d) {
    gifdec_state *s = d->state;
    if (!s)
        return;
    gif_close(s);
    ctx_free(d->ctx, s->screen);
    ctx_free(d->ctx, s);
    d->state = NULL;
}

const decoder_ops gif_decoder_ops = {
    .probe = gifdec_probe,
    .start = gifdec_start,
    .read_rows = gifdec_read_rows,
    .destroy = gifdec_destroy,
};
