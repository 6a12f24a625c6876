/* Frames of animated GIF (giflib 5.2, record by record) and WebP
 * (libwebpdemux's WebPAnimDecoder, which composites itself).
 *
 * GIF compositing follows what browsers do: the canvas starts transparent
 * (the background colour index is ignored, as in gif_decode.c); a frame's
 * transparent index leaves the canvas as it is; after a frame is shown,
 * its Graphics Control Extension disposal applies: 0 (unspecified) and 1
 * (do not dispose) keep it, 2 (restore to background) clears its
 * rectangle to transparent, 3 (restore to previous) puts back the canvas
 * as it was before the frame was drawn.
 *
 * giflib and libwebp allocate with malloc() and have no allocator hooks;
 * only our own buffers go through the context. */
#include "anim.h"

#include "codec/format.h"

#include <gif_lib.h>
#include <string.h>
#include <webp/demux.h>

#define ANIM_CHANNELS 4
#define ANIM_OPAQUE 255

/* GIF delays are in hundredths of a second. */
#define GIF_MS_PER_DELAY_UNIT 10
/* The NETSCAPE2.0 application extension: an 11-byte identifier, then a
 * sub-block {1, loop count low byte, high byte}. */
#define GIF_APP_ID_SIZE 11
static const char gif_netscape_id[GIF_APP_ID_SIZE + 1] = "NETSCAPE2.0";
#define GIF_LOOP_SUBBLOCK_ID 1
#define GIF_LOOP_SUBBLOCK_SIZE 3
#define GIF_PLAYS_ONCE 1

/* Decoding work (LZW-decoded pixels) allowed over all frames so far, as a
 * multiple of the screen's area per frame, plus a floor: as in
 * gif_decode.c, a frame may be declared far larger than the screen (only
 * its part on the screen is kept), and decoding it in full would take
 * seconds to keep a few pixels. Real files need at most 1x. */
#define GIF_WORK_FACTOR 4
#define GIF_WORK_FLOOR ((uint64_t)1 << 24)

#define GIF_INTERLACE_PASSES 4
static const uint32_t gif_pass_start[GIF_INTERLACE_PASSES] = {0, 4, 2, 1};
static const uint32_t gif_pass_step[GIF_INTERLACE_PASSES] = {8, 8, 4, 2};

typedef struct gif_control {
    int disposal; /* DISPOSAL_UNSPECIFIED .. DISPOSE_PREVIOUS */
    int delay;    /* hundredths of a second */
    int transparent;
} gif_control;

struct anim_source {
    thumb_ctx *ctx;
    thumb_format format;
    anim_info info;
    const uint8_t *data;
    size_t size;

    /* GIF */
    size_t offset;
    GifFileType *gif;
    uint8_t *canvas;   /* ctx memory, width x height RGBA */
    uint8_t *previous; /* the canvas before a DISPOSE_PREVIOUS frame */
    uint8_t *line;     /* one frame row, up to 65535 bytes */
    size_t line_size;
    int pending_disposal; /* of the frame last returned */
    uint32_t rect_left, rect_top, rect_width,
        rect_height; /* its visible part */
    uint64_t work, frames_done;
    int ended;

    /* WebP */
    WebPAnimDecoder *webp;
    int timestamp;
};

static size_t canvas_bytes(const anim_source *a) {
    return (size_t)a->info.width * a->info.height * ANIM_CHANNELS;
}

/* ---- GIF ---------------------------------------------------------- */

static int gif_input(GifFileType *gif, GifByteType *out, int len) {
    anim_source *a = gif->UserData;
    size_t n = len > 0 ? (size_t)len : 0;
    if (n > a->size - a->offset)
        n = a->size - a->offset;
    memcpy(out, a->data + a->offset, n);
    a->offset += n;
    return (int)n;
}

static thumb_status gif_fail(thumb_ctx *ctx, int code) {
    thumb_status st =
        code == D_GIF_ERR_NOT_ENOUGH_MEM ? THUMB_ERR_NOMEM : THUMB_ERR_CORRUPT;
    const char *text = GifErrorString(code);
    return ctx_fail(ctx, st, "GIF: %s", text ? text : "giflib error");
}

/* The loop count from a NETSCAPE2.0 extension's sub-blocks. */
static int gif_read_app(anim_source *a, GifByteType *block) {
    int is_loop = block && block[0] == GIF_APP_ID_SIZE &&
                  memcmp(block + 1, gif_netscape_id, GIF_APP_ID_SIZE) == 0;
    for (;;) {
        if (DGifGetExtensionNext(a->gif, &block) == GIF_ERROR)
            return GIF_ERROR;
        if (!block)
            return GIF_OK;
        if (is_loop && block[0] >= GIF_LOOP_SUBBLOCK_SIZE &&
            block[1] == GIF_LOOP_SUBBLOCK_ID) {
            int repeats = block[2] | block[3] << 8;
            a->info.loop_count = repeats ? repeats + 1 : 0;
            is_loop = 0;
        }
    }
}

/* Reads one extension; a graphics control extension fills *gc. */
static int gif_read_extension(anim_source *a, gif_control *gc) {
    int code;
    GifByteType *block;
    if (DGifGetExtension(a->gif, &code, &block) == GIF_ERROR)
        return GIF_ERROR;
    if (code == APPLICATION_EXT_FUNC_CODE)
        return gif_read_app(a, block);
    if (code == GRAPHICS_EXT_FUNC_CODE && block) {
        GraphicsControlBlock gcb;
        if (DGifExtensionToGCB(block[0], block + 1, &gcb) == GIF_OK) {
            gc->disposal = gcb.DisposalMode;
            gc->delay = gcb.DelayTime;
            gc->transparent = gcb.TransparentColor;
        }
    }
    while (block)
        if (DGifGetExtensionNext(a->gif, &block) == GIF_ERROR)
            return GIF_ERROR;
    return GIF_OK;
}

static void gif_clear_rect(anim_source *a) {
    size_t stride = (size_t)a->info.width * ANIM_CHANNELS;
    for (uint32_t y = 0; y < a->rect_height; y++)
        memset(a->canvas + (size_t)(a->rect_top + y) * stride +
                   (size_t)a->rect_left * ANIM_CHANNELS,
               0, (size_t)a->rect_width * ANIM_CHANNELS);
}

static void gif_dispose(anim_source *a) {
    if (a->pending_disposal == DISPOSE_BACKGROUND)
        gif_clear_rect(a);
    else if (a->pending_disposal == DISPOSE_PREVIOUS && a->previous)
        memcpy(a->canvas, a->previous, canvas_bytes(a));
    a->pending_disposal = DISPOSAL_UNSPECIFIED;
}

/* Draws frame row y (line) where it lands on the canvas. Indices outside
 * the colour table are opaque black, as in gif_decode.c. */
static void gif_put_row(anim_source *a, const ColorMapObject *colors,
                        int transparent, uint32_t y) {
    uint8_t *out =
        a->canvas + ((size_t)(a->rect_top + y) * a->info.width + a->rect_left) *
                        ANIM_CHANNELS;
    for (uint32_t x = 0; x < a->rect_width; x++, out += ANIM_CHANNELS) {
        int index = a->line[x];
        if (index == transparent)
            continue;
        if (index < colors->ColorCount) {
            out[0] = colors->Colors[index].Red;
            out[1] = colors->Colors[index].Green;
            out[2] = colors->Colors[index].Blue;
        } else {
            out[0] = out[1] = out[2] = 0;
        }
        out[3] = ANIM_OPAQUE;
    }
}

/* Decodes the image whose descriptor was just read onto the canvas. */
static thumb_status gif_draw(anim_source *a, const gif_control *gc) {
    const GifImageDesc *d = &a->gif->Image;
    const ColorMapObject *colors =
        d->ColorMap ? d->ColorMap : a->gif->SColorMap;
    if (!colors)
        return ctx_fail(a->ctx, THUMB_ERR_CORRUPT,
                        "GIF: frame %llu has no colour table",
                        (unsigned long long)a->frames_done + 1);
    uint32_t fw = (uint32_t)d->Width, fh = (uint32_t)d->Height;
    uint32_t left = (uint32_t)d->Left, top = (uint32_t)d->Top;
    uint32_t sw = a->info.width, sh = a->info.height;
    a->work += (uint64_t)fw * fh;
    uint64_t budget =
        GIF_WORK_FACTOR * (a->frames_done + 1) * sw * sh + GIF_WORK_FLOOR;
    if (a->work > budget)
        return ctx_fail(a->ctx, THUMB_ERR_CORRUPT,
                        "GIF: frame %llu is %ux%u, far larger than the %ux%u "
                        "screen",
                        (unsigned long long)a->frames_done + 1, fw, fh, sw, sh);
    a->rect_left = left < sw ? left : sw;
    a->rect_top = top < sh ? top : sh;
    a->rect_width = left < sw ? (fw < sw - left ? fw : sw - left) : 0;
    a->rect_height = top < sh ? (fh < sh - top ? fh : sh - top) : 0;
    if (gc->disposal == DISPOSE_PREVIOUS) {
        if (!a->previous) {
            a->previous = ctx_malloc(a->ctx, canvas_bytes(a));
            if (!a->previous)
                return THUMB_ERR_NOMEM;
        }
        memcpy(a->previous, a->canvas, canvas_bytes(a));
    }
    if (fw > a->line_size) {
        ctx_free(a->ctx, a->line);
        a->line = ctx_malloc(a->ctx, fw);
        a->line_size = a->line ? fw : 0;
        if (!a->line)
            return THUMB_ERR_NOMEM;
    }
    /* Every row is read, visible or not, for the next record to follow. */
    int passes = d->Interlace ? GIF_INTERLACE_PASSES : 1;
    for (int pass = 0; pass < passes; pass++) {
        uint32_t start = d->Interlace ? gif_pass_start[pass] : 0;
        uint32_t step = d->Interlace ? gif_pass_step[pass] : 1;
        for (uint32_t y = start; y < fh; y += step) {
            thumb_status st = ctx_check_deadline(a->ctx, "decoding GIF");
            if (st != THUMB_OK)
                return st;
            if (DGifGetLine(a->gif, a->line, (int)fw) == GIF_ERROR)
                return gif_fail(a->ctx, a->gif->Error);
            if (y < a->rect_height && a->rect_width)
                gif_put_row(a, colors, gc->transparent, y);
        }
    }
    a->pending_disposal = gc->disposal;
    return THUMB_OK;
}

static thumb_status gif_next(anim_source *a, const uint8_t **canvas,
                             int *delay_ms) {
    *canvas = NULL;
    if (a->ended)
        return THUMB_OK;
    gif_dispose(a);
    gif_control gc = {DISPOSAL_UNSPECIFIED, 0, NO_TRANSPARENT_COLOR};
    for (;;) {
        GifRecordType type;
        int damaged = 0;
        if (DGifGetRecordType(a->gif, &type) == GIF_ERROR)
            damaged = 1;
        else if (type == EXTENSION_RECORD_TYPE) {
            damaged = gif_read_extension(a, &gc) == GIF_ERROR;
            if (!damaged)
                continue;
        } else if (type == IMAGE_DESC_RECORD_TYPE) {
            if (DGifGetImageDesc(a->gif) == GIF_ERROR)
                damaged = 1;
            else
                break;
        } else if (type == TERMINATE_RECORD_TYPE) {
            a->ended = 1;
            return THUMB_OK;
        }
        if (damaged) {
            if (a->gif->Error == D_GIF_ERR_NOT_ENOUGH_MEM || !a->frames_done)
                return gif_fail(a->ctx, a->gif->Error);
            a->ended = 1;
            return THUMB_OK;
        }
    }
    /* DGifGetImageDesc keeps a copy of every descriptor for DGifSlurp:
     * dropped, so memory stays constant over many frames. */
    GifFreeSavedImages(a->gif);
    a->gif->ImageCount = 0;
    thumb_status st = gif_draw(a, &gc);
    if (st == THUMB_ERR_CORRUPT && a->frames_done) {
        /* Damage after the first frame ends the animation there. */
        ctx_clear_error(a->ctx);
        a->ended = 1;
        return THUMB_OK;
    }
    if (st != THUMB_OK)
        return st;
    a->frames_done++;
    *canvas = a->canvas;
    *delay_ms = gc.delay * GIF_MS_PER_DELAY_UNIT;
    return THUMB_OK;
}

static thumb_status gif_open(anim_source *a) {
    int code = 0;
    a->gif = DGifOpen(a, gif_input, &code);
    if (!a->gif)
        return gif_fail(a->ctx, code);
    if (a->gif->SWidth <= 0 || a->gif->SHeight <= 0)
        return ctx_fail(a->ctx, THUMB_ERR_CORRUPT, "GIF: empty logical screen");
    a->info.loop_count = GIF_PLAYS_ONCE; /* until a NETSCAPE2.0 says */
    a->info.width = (uint32_t)a->gif->SWidth;
    a->info.height = (uint32_t)a->gif->SHeight;
    a->canvas = ctx_calloc(a->ctx, canvas_bytes(a), 1);
    return a->canvas ? THUMB_OK : THUMB_ERR_NOMEM;
}

/* ---- WebP --------------------------------------------------------- */

static thumb_status webp_open(anim_source *a) {
    WebPAnimDecoderOptions options;
    if (!WebPAnimDecoderOptionsInit(&options))
        return ctx_fail(a->ctx, THUMB_ERR_INTERNAL,
                        "WebP: libwebpdemux's ABI does not match its headers");
    options.color_mode = MODE_RGBA; /* straight alpha */
    options.use_threads = 0;
    WebPData data = {a->data, a->size};
    a->webp = WebPAnimDecoderNew(&data, &options);
    /* The caller's probe parsed the container completely: what is left to
     * fail is mostly memory, but a bad chunk layout is possible too. */
    if (!a->webp)
        return ctx_fail(a->ctx, THUMB_ERR_CORRUPT,
                        "WebP: the animation decoder refused the file "
                        "(damaged chunks, or out of memory)");
    WebPAnimInfo info;
    if (!WebPAnimDecoderGetInfo(a->webp, &info))
        return ctx_fail(a->ctx, THUMB_ERR_CORRUPT,
                        "WebP: no animation information");
    a->info.width = info.canvas_width;
    a->info.height = info.canvas_height;
    a->info.loop_count = (int)info.loop_count;
    return THUMB_OK;
}

static thumb_status webp_next(anim_source *a, const uint8_t **canvas,
                              int *delay_ms) {
    *canvas = NULL;
    if (!WebPAnimDecoderHasMoreFrames(a->webp))
        return THUMB_OK;
    uint8_t *px = NULL;
    int timestamp = 0;
    if (!WebPAnimDecoderGetNext(a->webp, &px, &timestamp) || !px)
        return ctx_fail(a->ctx, THUMB_ERR_CORRUPT,
                        "WebP: animation frame does not decode");
    *canvas = px;
    *delay_ms = timestamp - a->timestamp;
    a->timestamp = timestamp;
    return ctx_check_deadline(a->ctx, "decoding WebP");
}

/* ---- Common ------------------------------------------------------- */

thumb_status anim_open(thumb_ctx *ctx, const uint8_t *data, size_t size,
                       thumb_format format, anim_source **out) {
    *out = NULL;
    if (format != THUMB_FORMAT_GIF && format != THUMB_FORMAT_WEBP)
        return ctx_fail(ctx, THUMB_ERR_INTERNAL, "no animation reader for %s",
                        format_name(format));
    anim_source *a = ctx_calloc(ctx, 1, sizeof *a);
    if (!a)
        return THUMB_ERR_NOMEM;
    a->ctx = ctx;
    a->format = format;
    a->data = data;
    a->size = size;
    thumb_status st = format == THUMB_FORMAT_GIF ? gif_open(a) : webp_open(a);
    if (st != THUMB_OK) {
        anim_close(a);
        return st;
    }
    *out = a;
    return THUMB_OK;
}

const anim_info *anim_source_info(const anim_source *a) {
    return &a->info;
}

thumb_status anim_next(anim_source *a, const uint8_t **canvas, int *delay_ms) {
    *delay_ms = 0;
    return a->format == THUMB_FORMAT_GIF ? gif_next(a, canvas, delay_ms)
                                         : webp_next(a, canvas, delay_ms);
}

void anim_close(anim_source *a) {
    if (!a)
        return;
    if (a->gif) {
        int ignored;
        DGifCloseFile(a->gif, &ignored);
    }
    WebPAnimDecoderDelete(a->webp);
    ctx_free(a->ctx, a->canvas);
    ctx_free(a->ctx, a->previous);
    ctx_free(a->ctx, a->line);
    ctx_free(a->ctx, a);
}
