/* GIF input through giflib 5.2, record by record: the first frame, or
 * every frame of an animation, composited on the logical screen.
 *
 * Compositing follows what browsers do: the screen starts transparent
 * (the background colour index is ignored, as browsers do); a frame's
 * transparent index leaves the screen as it is; after a frame is shown,
 * its Graphics Control Extension disposal applies: 0 (unspecified) and 1
 * (do not dispose) keep it, 2 (restore to background) clears its
 * rectangle to transparent, 3 (restore to previous) puts back the screen
 * as it was before the frame was drawn. A still image's rows are RGBA
 * when anything can be transparent, RGB otherwise; frames are RGBA.
 *
 * giflib allocates with malloc() and has no allocator hooks; only our own
 * buffers go through the context. giflib reports errors as return values,
 * so there is no longjmp here. */
#include "decoder.h"

#include "../ctx.h"

#include <gif_lib.h>
#include <string.h>

/* Decoding work (LZW-decoded pixels) allowed, as a multiple of the
 * screen's area per frame decoded so far, plus a floor for small screens.
 * A frame may be declared far larger than the screen (65535x65535 on
 * 32x32), and only the part on the screen is kept: we decode into one
 * frame-width line (memory grows with the frame's width, at most 64 KiB).
 * What remains to bound is time: a still image's first frame is decoded
 * up to its last row on the screen (an interlaced frame spreads those
 * over four passes), an animation's frames in full, as the next record
 * follows them. A frame that would need more than this budget is
 * rejected as corrupt rather than decoded for seconds to keep a few
 * pixels; real files, whose frames fit the screen, need at most 1x. */
#define GIF_DECODE_BUDGET_FACTOR 4
/* 16 Mpx: tens of milliseconds of LZW decoding. */
#define GIF_DECODE_BUDGET_MIN ((uint64_t)1 << 24)

/* Adam7-like row order of an interlaced GIF frame: every 8th row from 0,
 * every 8th from 4, every 4th from 2, every 2nd from 1. */
#define GIF_INTERLACE_PASSES 4
static const uint32_t gif_pass_start[GIF_INTERLACE_PASSES] = {0, 4, 2, 1};
static const uint32_t gif_pass_step[GIF_INTERLACE_PASSES] = {8, 8, 4, 2};

/* RGB from the colour table, and the alpha of an opaque pixel. */
#define GIF_RGB_CHANNELS 3
#define GIF_RGBA_CHANNELS 4
#define GIF_OPAQUE 255

/* GIF delays are in hundredths of a second. */
#define GIF_MS_PER_DELAY_UNIT 10
/* The NETSCAPE2.0 application extension: an 11-byte identifier, then a
 * sub-block {1, loop count low byte, high byte}. */
#define GIF_APP_ID_SIZE 11
static const char gif_netscape_id[GIF_APP_ID_SIZE + 1] = "NETSCAPE2.0";
#define GIF_LOOP_SUBBLOCK_ID 1
#define GIF_LOOP_SUBBLOCK_SIZE 3
#define GIF_PLAYS_ONCE 1

typedef struct gif_frame {
    uint32_t left, top, width, height;
    int interlaced;
    /* From the graphics control extension before the image: */
    int transparent; /* colour index, or NO_TRANSPARENT_COLOR */
    int disposal;    /* DISPOSAL_UNSPECIFIED .. DISPOSE_PREVIOUS */
    int delay;       /* hundredths of a second */
    /* The frame's local table, else the global one; owned by giflib and
     * valid while the file stays open. */
    const ColorMapObject *colors;
} gif_frame;

/* The part of a frame on the screen, from the frame's top-left corner:
 * width x height pixels, 0 x 0 when the frame lies off the screen. */
typedef struct visible_part {
    uint32_t width, height;
} visible_part;

typedef struct gifdec_state {
    thumb_ctx *ctx;
    const uint8_t *data;
    size_t size;
    size_t offset; /* next byte giflib will read */
    GifFileType *gif;
    uint8_t *screen; /* the composited frame, d->height rows of stride */
    size_t stride;
    uint32_t next_row;
    uint8_t *line; /* one frame row */
    size_t line_size;
    uint64_t work; /* decoded pixels so far, against the budget */
    /* Frame by frame (d->frames): */
    uint8_t *previous;    /* the screen before a DISPOSE_PREVIOUS frame */
    int pending_disposal; /* of the frame last given */
    uint32_t rect_left, rect_top;
    visible_part rect; /* its part on the screen */
    uint64_t frames_done;
    int ended;
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

/* The loop count from a NETSCAPE2.0 extension's sub-blocks. */
static int read_app(GifFileType *gif, GifByteType *block, int *loop_count) {
    int is_loop = block && block[0] == GIF_APP_ID_SIZE &&
                  memcmp(block + 1, gif_netscape_id, GIF_APP_ID_SIZE) == 0;
    for (;;) {
        if (DGifGetExtensionNext(gif, &block) == GIF_ERROR)
            return GIF_ERROR;
        if (!block)
            return GIF_OK;
        if (is_loop && block[0] >= GIF_LOOP_SUBBLOCK_SIZE &&
            block[1] == GIF_LOOP_SUBBLOCK_ID) {
            int repeats = block[2] | block[3] << 8;
            *loop_count = repeats ? repeats + 1 : 0;
            is_loop = 0;
        }
    }
}

/* Reads one extension record: a graphics control extension fills the
 * control fields of the frame that follows, a NETSCAPE2.0 one the loop
 * count. */
static int read_extension(GifFileType *gif, gif_frame *next, int *loop_count) {
    int code;
    GifByteType *block;
    if (DGifGetExtension(gif, &code, &block) == GIF_ERROR)
        return GIF_ERROR;
    if (code == APPLICATION_EXT_FUNC_CODE)
        return read_app(gif, block, loop_count);
    if (code == GRAPHICS_EXT_FUNC_CODE && block) {
        GraphicsControlBlock gcb;
        /* A control block of the wrong size is ignored, as by giflib's
         * own DGifSlurp users. */
        if (DGifExtensionToGCB(block[0], block + 1, &gcb) == GIF_OK) {
            next->transparent = gcb.TransparentColor;
            next->disposal = gcb.DisposalMode;
            next->delay = gcb.DelayTime;
        }
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

/* Reads the records up to and including the next image descriptor into
 * *f, or to the trailer (*end set). GIF_ERROR on damage, with
 * gif->Error saying what. */
static int read_frame(GifFileType *gif, gif_frame *f, int *end,
                      int *loop_count) {
    *f = (gif_frame){.transparent = NO_TRANSPARENT_COLOR,
                     .disposal = DISPOSAL_UNSPECIFIED};
    *end = 0;
    for (;;) {
        GifRecordType type;
        if (DGifGetRecordType(gif, &type) == GIF_ERROR)
            return GIF_ERROR;
        if (type == TERMINATE_RECORD_TYPE) {
            *end = 1;
            return GIF_OK;
        }
        if (type != EXTENSION_RECORD_TYPE)
            break;
        if (read_extension(gif, f, loop_count) == GIF_ERROR)
            return GIF_ERROR;
    }
    if (DGifGetImageDesc(gif) == GIF_ERROR)
        return GIF_ERROR;
    drop_saved_images(gif);
    const GifImageDesc *desc = &gif->Image;
    f->left = (uint32_t)desc->Left;
    f->top = (uint32_t)desc->Top;
    f->width = (uint32_t)desc->Width;
    f->height = (uint32_t)desc->Height;
    f->interlaced = desc->Interlace != 0;
    f->colors = desc->ColorMap ? desc->ColorMap : gif->SColorMap;
    return GIF_OK;
}

/* The first frame, which every GIF must have. */
static thumb_status read_first_frame(gifdec_state *s, gif_frame *f,
                                     int *loop_count) {
    int end;
    if (read_frame(s->gif, f, &end, loop_count) == GIF_ERROR)
        return gif_fail(s->ctx, s->gif->Error);
    if (end)
        return ctx_fail(s->ctx, THUMB_ERR_CORRUPT,
                        "GIF: the file ends before its first image");
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

    gif_frame frame;
    int loop_count = GIF_PLAYS_ONCE, end = 0;
    st = read_first_frame(s, &frame, &loop_count);
    if (st != THUMB_OK)
        return st;
    d->info.has_alpha = frame_has_alpha(&frame, d->info.width, d->info.height);
    if (skip_image_data(gif) == GIF_ERROR)
        return gif_fail(d->ctx, gif->Error);
    /* Count the other frames. Damage after the first frame (truncation,
     * a bad record) ends the count but is not an error: the first frame
     * is intact, and browsers show what they could read. */
    uint32_t frames = 1;
    while (read_frame(gif, &frame, &end, &loop_count) == GIF_OK && !end &&
           skip_image_data(gif) == GIF_OK)
        frames++;
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
                    uint32_t y, uint32_t visible_width) {
    uint8_t *out = s->screen + (size_t)(f->top + y) * s->stride +
                   (size_t)f->left * (size_t)channels;
    const GifColorType *table = f->colors->Colors;
    int table_size = f->colors->ColorCount;
    for (uint32_t x = 0; x < visible_width; x++, out += channels) {
        int index = s->line[x];
        if (index == f->transparent)
            continue; /* stays as it was: transparent on a new screen */
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

/* Counts `rows` of the frame against the budget of the frames so far. */
static thumb_status check_budget(decoder *d, gifdec_state *s,
                                 const gif_frame *f, uint64_t rows) {
    uint64_t area = (uint64_t)d->info.width * d->info.height;
    uint64_t budget = GIF_DECODE_BUDGET_FACTOR * (s->frames_done + 1) * area +
                      GIF_DECODE_BUDGET_MIN;
    s->work += rows * f->width;
    if (s->work > budget)
        return ctx_fail(d->ctx, THUMB_ERR_CORRUPT,
                        "GIF: frame %llu is %ux%u at (%u,%u), far larger than "
                        "the %ux%u screen",
                        (unsigned long long)s->frames_done + 1, f->width,
                        f->height, f->left, f->top, d->info.width,
                        d->info.height);
    return THUMB_OK;
}

/* Decodes the frame whose descriptor was just read onto the screen: its
 * rows up to the last visible one, or with all_rows every row (for the
 * next record to follow). */
static thumb_status draw_frame(decoder *d, gifdec_state *s, const gif_frame *f,
                               int all_rows) {
    if (!f->colors)
        return ctx_fail(d->ctx, THUMB_ERR_CORRUPT,
                        "GIF: frame %llu has no colour table",
                        (unsigned long long)s->frames_done + 1);
    visible_part v = visible_part_of(f, d->info.width, d->info.height);
    uint64_t rows = all_rows ? f->height : rows_to_decode(f, v.height);
    thumb_status st = check_budget(d, s, f, rows);
    if (st != THUMB_OK || rows == 0)
        return st;
    if (f->width > s->line_size) {
        ctx_free(d->ctx, s->line);
        s->line = ctx_malloc(d->ctx, f->width);
        s->line_size = s->line ? f->width : 0;
        if (!s->line)
            return THUMB_ERR_NOMEM;
    }
    int passes = f->interlaced ? GIF_INTERLACE_PASSES : 1;
    for (int pass = 0; pass < passes && rows; pass++) {
        uint32_t start = f->interlaced ? gif_pass_start[pass] : 0;
        uint32_t step = f->interlaced ? gif_pass_step[pass] : 1;
        for (uint32_t y = start; y < f->height && rows; y += step, rows--) {
            st = ctx_check_deadline(d->ctx, "decoding GIF");
            if (st != THUMB_OK)
                return st;
            if (DGifGetLine(s->gif, s->line, (int)f->width) == GIF_ERROR)
                return gif_fail(d->ctx, s->gif->Error);
            if (y < v.height)
                put_row(s, f, d->channels, y, v.width);
        }
    }
    return THUMB_OK;
}

/* The screen, ctx memory, transparent. */
static thumb_status alloc_screen(decoder *d, gifdec_state *s) {
    int ok = 1;
    s->stride = size_mul(d->width, (size_t)d->channels, &ok);
    size_t total = size_mul(s->stride, d->height, &ok);
    if (!ok)
        return ctx_fail(d->ctx, THUMB_ERR_LIMIT,
                        "GIF: a %ux%u screen does not fit in memory", d->width,
                        d->height);
    s->screen = ctx_calloc(d->ctx, total, 1);
    return s->screen ? THUMB_OK : THUMB_ERR_NOMEM;
}

static thumb_status gifdec_start(decoder *d, const decoder_request *req) {
    /* giflib cannot shrink on load. The whole screen is kept: an
     * interlaced frame delivers its rows out of order, and frames draw
     * over each other. The pipeline checked the screen's size against its
     * pixel limit before calling start. */
    gifdec_state *s = d->state;
    thumb_status st = gif_open(s);
    if (st != THUMB_OK)
        return st;
    d->width = d->info.width;
    d->height = d->info.height;
    d->loop_count = GIF_PLAYS_ONCE; /* until a NETSCAPE2.0 says */
    if (req->frames) {
        d->frames = 1;
        d->channels = GIF_RGBA_CHANNELS;
        return alloc_screen(d, s);
    }
    gif_frame first;
    st = read_first_frame(s, &first, &d->loop_count);
    if (st != THUMB_OK)
        return st;
    d->channels = frame_has_alpha(&first, d->width, d->height)
                      ? GIF_RGBA_CHANNELS
                      : GIF_RGB_CHANNELS;
    st = alloc_screen(d, s);
    if (st == THUMB_OK)
        st = draw_frame(d, s, &first, 0);
    gif_close(s);
    if (st != THUMB_OK) {
        /* No half-decoded frame for read_rows to hand out. */
        ctx_free(d->ctx, s->screen);
        s->screen = NULL;
    }
    return st;
}

/* Applies the disposal of the frame last given. */
static void dispose(gifdec_state *s, uint32_t height) {
    if (s->pending_disposal == DISPOSE_BACKGROUND)
        for (uint32_t y = 0; y < s->rect.height; y++)
            memset(s->screen + (size_t)(s->rect_top + y) * s->stride +
                       (size_t)s->rect_left * GIF_RGBA_CHANNELS,
                   0, (size_t)s->rect.width * GIF_RGBA_CHANNELS);
    else if (s->pending_disposal == DISPOSE_PREVIOUS && s->previous)
        memcpy(s->screen, s->previous, s->stride * height);
    s->pending_disposal = DISPOSAL_UNSPECIFIED;
}

/* Reads and draws the next frame; *more cleared at the end. Damage after
 * the first frame ends the animation there, as browsers show what they
 * could read. */
static thumb_status next_frame_body(decoder *d, gifdec_state *s, int *more,
                                    int *delay_ms) {
    gif_frame f;
    int end;
    if (read_frame(s->gif, &f, &end, &d->loop_count) == GIF_ERROR) {
        if (s->gif->Error == D_GIF_ERR_NOT_ENOUGH_MEM || !s->frames_done)
            return gif_fail(d->ctx, s->gif->Error);
        end = 1;
    }
    if (end)
        return THUMB_OK;
    if (f.disposal == DISPOSE_PREVIOUS) {
        size_t bytes = s->stride * d->height;
        if (!s->previous)
            s->previous = ctx_malloc(d->ctx, bytes);
        if (!s->previous)
            return THUMB_ERR_NOMEM;
        memcpy(s->previous, s->screen, bytes);
    }
    thumb_status st = draw_frame(d, s, &f, 1);
    if (st == THUMB_ERR_CORRUPT && s->frames_done) {
        ctx_clear_error(d->ctx);
        return THUMB_OK;
    }
    if (st != THUMB_OK)
        return st;
    s->pending_disposal = f.disposal;
    s->rect_left = f.left;
    s->rect_top = f.top;
    s->rect = visible_part_of(&f, d->info.width, d->info.height);
    s->frames_done++;
    s->next_row = 0;
    *more = 1;
    *delay_ms = f.delay * GIF_MS_PER_DELAY_UNIT;
    return THUMB_OK;
}

static thumb_status gifdec_next_frame(decoder *d, int *more, int *delay_ms) {
    gifdec_state *s = d->state;
    if (s->ended)
        return THUMB_OK;
    dispose(s, d->height);
    thumb_status st = next_frame_body(d, s, more, delay_ms);
    if (st != THUMB_OK || !*more)
        s->ended = 1;
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
    ctx_free(d->ctx, s->previous);
    ctx_free(d->ctx, s->line);
    ctx_free(d->ctx, s);
    d->state = NULL;
}

const decoder_ops gif_decoder_ops = {
    .probe = gifdec_probe,
    .start = gifdec_start,
    .read_rows = gifdec_read_rows,
    .destroy = gifdec_destroy,
    .next_frame = gifdec_next_frame,
};
