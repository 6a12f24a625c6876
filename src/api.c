/* The public API: argument checks, options, and the entry points that
 * hand over to the pipeline. */
#include "codec/decoder.h"
#include "codec/encoder.h"
#include "codec/format.h"
#include "ctx.h"
#include "pipeline.h"
#include "plan.h"
#include "resize/resize.h"

#include <stdlib.h>
#include <string.h>

#define STRINGIFY2(x) #x
#define STRINGIFY(x) STRINGIFY2(x)

/* Defaults that guard a server from one hostile upload while letting any
 * real photo through: 256 MiB covers the largest camera files; 100
 * megapixels is what libvips-based services commonly allow, and decodes in
 * about 400 MB of RGBA at worst; 65535 is the largest size JPEG, WebP and
 * GIF can even express. */
#define DEFAULT_MAX_INPUT_BYTES ((int64_t)256 * 1024 * 1024)
#define DEFAULT_MAX_PIXELS 100000000
#define DEFAULT_MAX_DIMENSION 65535
#define DEFAULT_QUALITY 80
#define DEFAULT_PNG_COMPRESSION 6
#define DEFAULT_BACKGROUND 0xFFFFFF
/* Animations: memory holds one canvas and one output frame whatever the
 * frame count, so these limits bound time. Every frame is decoded and
 * resized in full, at 20-30 megapixels of canvas a second on one core
 * (measured: chi.gif 26, a 1080p GIF of noise 26, a lossless WebP 19):
 * 16383 x 16383 pixels over all frames, sharp's limitInputPixels (which
 * sharp applies to all the frames of an animation together), is about ten
 * seconds at worst, and holds 1000 frames of 480x480 or 250 of 720p. The
 * frame count is bounded on its own because each frame costs a fixed
 * amount (colour table, encoder set-up) however small its canvas: 1000
 * frames is 40 s at 25 fps, longer than GIFs and animated WebPs in the
 * wild run. */
#define DEFAULT_MAX_FRAMES 1000
#define DEFAULT_MAX_ANIMATION_PIXELS ((int64_t)16383 * 16383)
/* Internal sizes are 32-bit; this keeps every product of two in range. */
#define MAX_DIMENSION_LIMIT 0x7FFFFFFF
/* About 24 days: far beyond any sensible deadline, and small enough that
 * the deadline in microseconds cannot overflow. */
#define MAX_TIMEOUT_MS INT32_MAX
/* Milliseconds to ctx_now_us() units. */
#define US_PER_MS 1000

typedef struct option_spec {
    const char *name;
    int64_t def, min, max;
} option_spec;

static const option_spec option_specs[CTX_OPTION_COUNT] = {
    [THUMB_OPT_WIDTH] = {"width", 0, 0, THUMB_MAX_DIMENSION},
    [THUMB_OPT_HEIGHT] = {"height", 0, 0, THUMB_MAX_DIMENSION},
    [THUMB_OPT_FIT] = {"fit", THUMB_FIT_INSIDE, THUMB_FIT_INSIDE,
                       THUMB_FIT_FILL},
    [THUMB_OPT_ENLARGE] = {"enlarge", 0, 0, 1},
    [THUMB_OPT_FORMAT] = {"format", THUMB_FORMAT_AUTO, THUMB_FORMAT_AUTO,
                          THUMB_FORMAT_AVIF},
    [THUMB_OPT_QUALITY] = {"quality", DEFAULT_QUALITY, 1, 100},
    [THUMB_OPT_JPEG_PROGRESSIVE] = {"jpeg_progressive", 0, 0, 1},
    [THUMB_OPT_JPEG_SUBSAMPLING] = {"jpeg_subsampling", THUMB_SUBSAMPLING_420,
                                    THUMB_SUBSAMPLING_420,
                                    THUMB_SUBSAMPLING_444},
    [THUMB_OPT_PNG_COMPRESSION] = {"png_compression", DEFAULT_PNG_COMPRESSION,
                                   0, 9},
    [THUMB_OPT_WEBP_LOSSLESS] = {"webp_lossless", 0, 0, 1},
    [THUMB_OPT_BACKGROUND] = {"background", DEFAULT_BACKGROUND, 0, 0xFFFFFF},
    [THUMB_OPT_AUTOROTATE] = {"autorotate", 1, 0, 1},
    [THUMB_OPT_MAX_INPUT_BYTES] = {"max_input_bytes", DEFAULT_MAX_INPUT_BYTES,
                                   1, INT64_MAX},
    [THUMB_OPT_MAX_PIXELS] = {"max_pixels", DEFAULT_MAX_PIXELS, 1, INT64_MAX},
    [THUMB_OPT_MAX_DIMENSION] = {"max_dimension", DEFAULT_MAX_DIMENSION, 1,
                                 MAX_DIMENSION_LIMIT},
    [THUMB_OPT_TIMEOUT_MS] = {"timeout_ms", 0, 0, MAX_TIMEOUT_MS},
    [THUMB_OPT_SIMD] = {"simd", THUMB_SIMD_AUTO, THUMB_SIMD_AUTO,
                        THUMB_SIMD_NEON},
    [THUMB_OPT_ACCURATE] = {"accurate", 0, 0, 1},
    [THUMB_OPT_COLOR] = {"color", THUMB_COLOR_SRGB, THUMB_COLOR_SRGB,
                         THUMB_COLOR_KEEP},
    [THUMB_OPT_KEEP_EXIF] = {"keep_exif", 0, 0, 1},
    [THUMB_OPT_CROP] = {"crop", THUMB_CROP_CENTRE, THUMB_CROP_CENTRE,
                        THUMB_CROP_ATTENTION},
    [THUMB_OPT_ANIMATION] = {"animation", 1, 0, 1},
    [THUMB_OPT_MAX_FRAMES] = {"max_frames", DEFAULT_MAX_FRAMES, 1, UINT32_MAX},
    [THUMB_OPT_MAX_ANIMATION_PIXELS] = {"max_animation_pixels",
                                        DEFAULT_MAX_ANIMATION_PIXELS, 1,
                                        INT64_MAX},
    [THUMB_OPT_LINEAR] = {"linear", 0, 0, 1},
    [THUMB_OPT_PNG_16BIT] = {"png_16bit", 0, 0, 1},
    [THUMB_OPT_JPEG_OPTIMIZE_CODING] = {"jpeg_optimize_coding", 0, 0, 1},
};

static const option_spec *spec_of(thumb_option key) {
    if ((int)key <= 0 || (int)key >= CTX_OPTION_COUNT ||
        !option_specs[key].name)
        return NULL;
    return &option_specs[key];
}

unsigned thumb_version(void) {
    return THUMB_VERSION_NUMBER;
}

const char *thumb_version_string(void) {
    return STRINGIFY(THUMB_VERSION_MAJOR) "." STRINGIFY(
        THUMB_VERSION_MINOR) "." STRINGIFY(THUMB_VERSION_PATCH);
}

const char *thumb_strerror(thumb_status status) {
    switch (status) {
    case THUMB_OK:
        return "success";
    case THUMB_ERR_INVALID_ARGUMENT:
        return "invalid argument";
    case THUMB_ERR_UNSUPPORTED_FORMAT:
        return "unsupported image format";
    case THUMB_ERR_UNSUPPORTED_FEATURE:
        return "unsupported feature of the image format";
    case THUMB_ERR_CORRUPT:
        return "corrupt or truncated image data";
    case THUMB_ERR_LIMIT:
        return "image exceeds a limit";
    case THUMB_ERR_NOMEM:
        return "out of memory";
    case THUMB_ERR_IO:
        return "read or write callback failed";
    case THUMB_ERR_ENCODE:
        return "encoding failed";
    case THUMB_ERR_INTERNAL:
        return "internal error";
    case THUMB_ERR_TIMEOUT:
        return "deadline passed";
    }
    return "unknown status code";
}

const char *thumb_format_name(thumb_format format) {
    return format_name(format);
}

thumb_status thumb_format_from_name(const char *name, thumb_format *format) {
    if (!format || !format_from_name(name, format))
        return THUMB_ERR_INVALID_ARGUMENT;
    return THUMB_OK;
}

const char *thumb_format_extension(thumb_format format) {
    const format_desc *d = format_describe(format);
    return d ? d->extensions[0] : NULL;
}

const char *thumb_format_mime_type(thumb_format format) {
    const format_desc *d = format_describe(format);
    return d ? d->mime_type : NULL;
}

int thumb_format_can_read(thumb_format format) {
    return decoder_can_read(format);
}

int thumb_format_can_write(thumb_format format) {
    const format_desc *d = format_describe(format);
    return d && !d->input_only && encoder_available(format);
}

static void *default_malloc(void *opaque, size_t size) {
    (void)opaque;
    return malloc(size);
}

static void *default_realloc(void *opaque, void *ptr, size_t size) {
    (void)opaque;
    return realloc(ptr, size);
}

static void default_free(void *opaque, void *ptr) {
    (void)opaque;
    free(ptr);
}

thumb_ctx *thumb_ctx_new(void) {
    return thumb_ctx_new_with_allocator(NULL);
}

thumb_ctx *thumb_ctx_new_with_allocator(const thumb_allocator *a) {
    thumb_allocator al = {default_malloc, default_realloc, default_free, NULL};
    if (a) {
        if (!a->malloc_fn || !a->realloc_fn || !a->free_fn)
            return NULL;
        al = *a;
    }
    thumb_ctx *ctx = al.malloc_fn(al.opaque, sizeof *ctx);
    if (!ctx)
        return NULL;
    memset(ctx, 0, sizeof *ctx);
    ctx->allocator = al;
    ctx->simd_default = resize_simd_from_env();
    buffer_init(&ctx->output, ctx);
    buffer_init(&ctx->input, ctx);
    thumb_ctx_reset(ctx);
    return ctx;
}

void thumb_ctx_free(thumb_ctx *ctx) {
    if (!ctx)
        return;
    buffer_release(&ctx->output);
    buffer_release(&ctx->input);
    pipeline_release(ctx);
    ctx_free(ctx, ctx->srgb_icc);
    ctx->allocator.free_fn(ctx->allocator.opaque, ctx);
}

void thumb_ctx_reset(thumb_ctx *ctx) {
    if (!ctx)
        return;
    for (int k = 0; k < CTX_OPTION_COUNT; k++)
        ctx->options[k] = option_specs[k].def;
    ctx->options[THUMB_OPT_SIMD] = ctx->simd_default;
}

thumb_status thumb_option_bounds(thumb_option key, int64_t *min, int64_t *max) {
    const option_spec *s = spec_of(key);
    if (!s || !min || !max)
        return THUMB_ERR_INVALID_ARGUMENT;
    *min = s->min;
    *max = s->max;
    return THUMB_OK;
}

thumb_status thumb_ctx_set(thumb_ctx *ctx, thumb_option key, int64_t value) {
    if (!ctx)
        return THUMB_ERR_INVALID_ARGUMENT;
    ctx_clear_error(ctx);
    const option_spec *s = spec_of(key);
    if (!s)
        return ctx_fail(ctx, THUMB_ERR_INVALID_ARGUMENT,
                        "unknown option key %d", (int)key);
    if (value < s->min || value > s->max)
        return ctx_fail(ctx, THUMB_ERR_INVALID_ARGUMENT,
                        "option %s = %lld is out of range %lld..%lld", s->name,
                        (long long)value, (long long)s->min, (long long)s->max);
    if (key == THUMB_OPT_FORMAT && value != THUMB_FORMAT_AUTO &&
        !thumb_format_can_write((thumb_format)value))
        return ctx_fail(ctx, THUMB_ERR_INVALID_ARGUMENT,
                        "option format = %s: this library reads %s but "
                        "cannot write it",
                        format_name((thumb_format)value),
                        format_describe((thumb_format)value)->title);
    if (key == THUMB_OPT_SIMD && !resize_simd_available((int)value))
        return ctx_fail(ctx, THUMB_ERR_UNSUPPORTED_FEATURE,
                        "option simd = %lld: this CPU or build cannot run "
                        "those resize kernels",
                        (long long)value);
    ctx->options[key] = value;
    return THUMB_OK;
}

thumb_status thumb_ctx_get(const thumb_ctx *ctx, thumb_option key,
                           int64_t *value) {
    if (!ctx || !value || !spec_of(key))
        return THUMB_ERR_INVALID_ARGUMENT;
    *value = ctx->options[key];
    return THUMB_OK;
}

/* Forgets everything the last call left: error, info, output. */
static void begin_call(thumb_ctx *ctx) {
    ctx_clear_error(ctx);
    memset(&ctx->info, 0, sizeof ctx->info);
    ctx->out_format = THUMB_FORMAT_AUTO;
    ctx->out_width = ctx->out_height = 0;
    ctx->decoded_width = ctx->decoded_height = 0;
    ctx->input_bytes = 0;
    ctx->decode_us = ctx->resize_us = ctx->encode_us = ctx->total_us = 0;
    ctx->have_output = 0;
    buffer_clear(&ctx->output);
}

/* After a run: no deadline for probes and later calls; a failure leaves
 * no half-written output behind. */
static void end_run(thumb_ctx *ctx, thumb_status st) {
    ctx->deadline_us = 0;
    if (st != THUMB_OK) {
        ctx->have_output = 0;
        buffer_clear(&ctx->output);
        if (ctx->status == THUMB_OK) /* a path that forgot its message */
            ctx_fail(ctx, st, "%s", thumb_strerror(st));
    }
}

static thumb_status run(thumb_ctx *ctx, const void *in, size_t in_len) {
    ctx->input_bytes = in_len;
    ctx->timeout_ms = ctx->options[THUMB_OPT_TIMEOUT_MS];
    ctx->deadline_us =
        ctx->timeout_ms ? ctx_now_us() + ctx->timeout_ms * US_PER_MS : 0;
    thumb_status st = plan_check_input(ctx, in_len);
    if (st == THUMB_OK)
        st = pipeline_run(ctx, in, in_len);
    end_run(ctx, st);
    return st;
}

thumb_status thumb_run(thumb_ctx *ctx, const void *in, size_t in_len,
                       const unsigned char **out, size_t *out_len) {
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!ctx)
        return THUMB_ERR_INVALID_ARGUMENT;
    begin_call(ctx);
    if (!out || !out_len || (!in && in_len))
        return ctx_fail(ctx, THUMB_ERR_INVALID_ARGUMENT,
                        "thumb_run: %s is NULL",
                        !out       ? "out"
                        : !out_len ? "out_len"
                                   : "in");
    thumb_status st = run(ctx, in, in_len);
    if (st == THUMB_OK) {
        *out = ctx->output.data;
        *out_len = ctx->output.size;
    }
    return st;
}

thumb_status thumb_run_many(thumb_ctx *const *ctxs, size_t n, const void *in,
                            size_t in_len) {
    if (!ctxs || n == 0)
        return THUMB_ERR_INVALID_ARGUMENT;
    for (size_t i = 0; i < n; i++) {
        if (!ctxs[i])
            return THUMB_ERR_INVALID_ARGUMENT;
        for (size_t j = 0; j < i; j++)
            if (ctxs[j] == ctxs[i])
                return THUMB_ERR_INVALID_ARGUMENT;
    }
    thumb_ctx *first = ctxs[0];
    for (size_t i = 0; i < n; i++) {
        begin_call(ctxs[i]);
        ctxs[i]->input_bytes = in_len;
        /* The first context's deadline is everyone's. */
        ctxs[i]->timeout_ms = first->options[THUMB_OPT_TIMEOUT_MS];
        ctxs[i]->deadline_us =
            ctxs[i]->timeout_ms
                ? (i ? first->deadline_us
                     : ctx_now_us() + ctxs[i]->timeout_ms * US_PER_MS)
                : 0;
    }
    thumb_status st = THUMB_OK;
    if (!in && in_len)
        st = ctx_fail(first, THUMB_ERR_INVALID_ARGUMENT,
                      "thumb_run_many: in is NULL");
    if (st == THUMB_OK)
        st = plan_check_input(first, in_len);
    if (st == THUMB_OK)
        st = pipeline_run_many(ctxs, n, in, in_len);
    else
        for (size_t i = 1; i < n; i++)
            ctx_fail(ctxs[i], st, "%s", first->message);
    for (size_t i = 0; i < n; i++)
        end_run(ctxs[i], ctxs[i]->status);
    return st;
}

thumb_status thumb_ctx_output(const thumb_ctx *ctx, const unsigned char **out,
                              size_t *out_len) {
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!ctx || !out || !out_len || !ctx->have_output)
        return THUMB_ERR_INVALID_ARGUMENT;
    *out = ctx->output.data;
    *out_len = ctx->output.size;
    return THUMB_OK;
}

/* Reads the whole input through the callback, up to the input limit. */
static thumb_status read_all(thumb_ctx *ctx, thumb_read_fn read, void *opaque) {
    /* Read in steps this size; the buffer doubles as needed. */
    enum { READ_STEP = 64 * 1024 };
    uint64_t limit = (uint64_t)ctx->options[THUMB_OPT_MAX_INPUT_BYTES];
    buffer *b = &ctx->input;
    buffer_clear(b);
    for (;;) {
        thumb_status st = buffer_reserve(b, READ_STEP);
        if (st != THUMB_OK)
            return st;
        ptrdiff_t n = read(opaque, b->data + b->size, b->capacity - b->size);
        if (n < 0)
            return ctx_fail(ctx, THUMB_ERR_IO,
                            "read callback failed after %zu bytes", b->size);
        if (n == 0)
            return THUMB_OK;
        if ((size_t)n > b->capacity - b->size)
            return ctx_fail(ctx, THUMB_ERR_IO,
                            "read callback returned %td bytes for a %zu-byte "
                            "buffer",
                            n, b->capacity - b->size);
        b->size += (size_t)n;
        if (b->size > limit)
            return ctx_fail(ctx, THUMB_ERR_LIMIT,
                            "input is over the limit of %llu bytes "
                            "(THUMB_OPT_MAX_INPUT_BYTES)",
                            (unsigned long long)limit);
    }
}

thumb_status thumb_run_io(thumb_ctx *ctx, thumb_read_fn read, void *read_opaque,
                          thumb_write_fn write, void *write_opaque) {
    if (!ctx)
        return THUMB_ERR_INVALID_ARGUMENT;
    begin_call(ctx);
    if (!read || !write)
        return ctx_fail(ctx, THUMB_ERR_INVALID_ARGUMENT,
                        "thumb_run_io: %s callback is NULL",
                        !read ? "read" : "write");
    thumb_status st = read_all(ctx, read, read_opaque);
    if (st == THUMB_OK)
        st = run(ctx, ctx->input.data, ctx->input.size);
    if (st == THUMB_OK &&
        write(write_opaque, ctx->output.data, ctx->output.size) != 0)
        st = ctx_fail(ctx, THUMB_ERR_IO, "write callback failed on %zu bytes",
                      ctx->output.size);
    return st;
}

thumb_status thumb_probe(thumb_ctx *ctx, const void *in, size_t in_len) {
    if (!ctx)
        return THUMB_ERR_INVALID_ARGUMENT;
    begin_call(ctx);
    if (!in && in_len)
        return ctx_fail(ctx, THUMB_ERR_INVALID_ARGUMENT,
                        "thumb_probe: in is NULL");
    ctx->input_bytes = in_len;
    return pipeline_probe(ctx, in, in_len);
}

int64_t thumb_ctx_info(const thumb_ctx *ctx, thumb_info key) {
    if (!ctx)
        return -1;
    /* Input keys have values once a header was read; output keys once a
     * run succeeded. */
    int have_input = ctx->info.width != 0;
    int have_output = ctx->have_output;
    int64_t v;
    int is_output = 1;
    switch (key) {
    case THUMB_INFO_FORMAT:
        v = ctx->info.format, is_output = 0;
        break;
    case THUMB_INFO_WIDTH:
        v = ctx->info.width, is_output = 0;
        break;
    case THUMB_INFO_HEIGHT:
        v = ctx->info.height, is_output = 0;
        break;
    case THUMB_INFO_ORIENTATION:
        v = ctx->info.orientation, is_output = 0;
        break;
    case THUMB_INFO_FRAMES:
        v = ctx->info.frames, is_output = 0;
        break;
    case THUMB_INFO_HAS_ALPHA:
        v = ctx->info.has_alpha, is_output = 0;
        break;
    case THUMB_INFO_BIT_DEPTH:
        v = ctx->info.bit_depth, is_output = 0;
        break;
    case THUMB_INFO_INPUT_BYTES:
        return (int64_t)ctx->input_bytes;
    case THUMB_INFO_OUTPUT_FORMAT:
        v = ctx->out_format;
        break;
    case THUMB_INFO_OUTPUT_WIDTH:
        v = ctx->out_width;
        break;
    case THUMB_INFO_OUTPUT_HEIGHT:
        v = ctx->out_height;
        break;
    case THUMB_INFO_OUTPUT_BYTES:
        v = (int64_t)ctx->output.size;
        break;
    case THUMB_INFO_DECODE_US:
        v = ctx->decode_us;
        break;
    case THUMB_INFO_RESIZE_US:
        v = ctx->resize_us;
        break;
    case THUMB_INFO_ENCODE_US:
        v = ctx->encode_us;
        break;
    case THUMB_INFO_TOTAL_US:
        v = ctx->total_us;
        break;
    case THUMB_INFO_DECODED_WIDTH:
        v = ctx->decoded_width;
        break;
    case THUMB_INFO_DECODED_HEIGHT:
        v = ctx->decoded_height;
        break;
    default:
        return -1;
    }
    return (is_output ? have_output : have_input) ? v : -1;
}

const char *thumb_ctx_error(const thumb_ctx *ctx) {
    if (!ctx)
        return "context is NULL";
    return ctx->message;
}

thumb_status thumb_ctx_status(const thumb_ctx *ctx) {
    if (!ctx)
        return THUMB_ERR_INVALID_ARGUMENT;
    return ctx->status;
}
