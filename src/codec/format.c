#include "format.h"

#include "../ctx.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

/* The largest sizes the formats store: JPEG's and GIF's 16-bit fields,
 * VP8's 14 bits, and PNG's 31 (its limit is the uint32 fields less the
 * sign bit, PNG specification 11.2.2). */
#define JPEG_MAX_DIMENSION 65535
#define PNG_MAX_DIMENSION 0x7FFFFFFF
#define WEBP_MAX_DIMENSION 16383
#define GIF_MAX_DIMENSION 65535
/* AV1's sequence header codes each side in up to 16 bits. */
#define AVIF_MAX_DIMENSION 65535

/* AVIF is written when the library is built with libavif. */
#ifdef THUMB_HAVE_AVIF
#define AVIF_INPUT_ONLY 0
#else
#define AVIF_INPUT_ONLY 1
#endif

/* HEIF and JPEG XL are read (their first frame) and never written: no
 * size to check, no animation to keep. AVIF is read likewise and
 * written as a still image. */
static const format_desc formats[] = {
    {THUMB_FORMAT_JPEG,
     0,
     0,
     0,
     JPEG_MAX_DIMENSION,
     "jpeg",
     "JPEG",
     {"jpg", "jpeg", "jpe", "jfif"},
     "image/jpeg"},
    {THUMB_FORMAT_PNG,
     1,
     0,
     0,
     PNG_MAX_DIMENSION,
     "png",
     "PNG",
     {"png"},
     "image/png"},
    {THUMB_FORMAT_WEBP,
     1,
     1,
     0,
     WEBP_MAX_DIMENSION,
     "webp",
     "WebP",
     {"webp"},
     "image/webp"},
    {THUMB_FORMAT_GIF,
     1,
     1,
     0,
     GIF_MAX_DIMENSION,
     "gif",
     "GIF",
     {"gif"},
     "image/gif"},
    {THUMB_FORMAT_HEIF,
     1,
     0,
     1,
     0,
     "heif",
     "HEIF",
     {"heic", "heif", "hif"},
     "image/heif"},
    {THUMB_FORMAT_AVIF,
     1,
     0,
     AVIF_INPUT_ONLY,
     AVIF_MAX_DIMENSION,
     "avif",
     "AVIF",
     {"avif", "avifs"},
     "image/avif"},
    {THUMB_FORMAT_JXL, 1, 0, 1, 0, "jxl", "JPEG XL", {"jxl"}, "image/jxl"},
};

#define FORMAT_COUNT (sizeof formats / sizeof formats[0])

const format_desc *format_describe(thumb_format format) {
    for (size_t i = 0; i < FORMAT_COUNT; i++)
        if (formats[i].format == format)
            return &formats[i];
    return NULL;
}

const char *format_name(thumb_format format) {
    if (format == THUMB_FORMAT_AUTO)
        return "auto";
    const format_desc *d = format_describe(format);
    return d ? d->name : "unknown";
}

static int has_extension(const format_desc *d, const char *ext) {
    for (const char *const *e = d->extensions; *e; e++)
        if (strcasecmp(*e, ext) == 0)
            return 1;
    return 0;
}

int format_from_name(const char *name, thumb_format *format) {
    if (!name)
        return 0;
    if (strcasecmp(name, "auto") == 0) {
        *format = THUMB_FORMAT_AUTO;
        return 1;
    }
    const char *ext = name[0] == '.' ? name + 1 : name;
    for (size_t i = 0; i < FORMAT_COUNT; i++) {
        const format_desc *d = &formats[i];
        if (strcasecmp(name, d->name) == 0 ||
            strcasecmp(name, d->mime_type) == 0 || has_extension(d, ext)) {
            *format = d->format;
            return 1;
        }
    }
    return 0;
}

thumb_status format_check_size(thumb_ctx *ctx, thumb_format format,
                               uint32_t width, uint32_t height) {
    const format_desc *d = format_describe(format);
    if (!d || d->input_only)
        return ctx_fail(ctx, THUMB_ERR_INVALID_ARGUMENT,
                        "cannot write %s output", format_name(format));
    if (width > d->max_dimension || height > d->max_dimension)
        return ctx_fail(ctx, THUMB_ERR_ENCODE,
                        "%s: a %ux%u image is larger than %s's limit of %u "
                        "pixels a side",
                        d->title, width, height, d->title, d->max_dimension);
    return THUMB_OK;
}

thumb_format format_auto_output(thumb_format in, int has_alpha) {
    const format_desc *d = format_describe(in);
    if (!d || !d->input_only)
        return in;
    return has_alpha ? THUMB_FORMAT_PNG : THUMB_FORMAT_JPEG;
}
