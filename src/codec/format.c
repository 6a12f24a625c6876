#include "format.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

static const format_desc formats[] = {
    {THUMB_FORMAT_JPEG,
     "jpeg",
     {"jpg", "jpeg", "jpe", "jfif"},
     "image/jpeg",
     0,
     0,
     0},
    {THUMB_FORMAT_PNG, "png", {"png"}, "image/png", 1, 0, 0},
    {THUMB_FORMAT_WEBP, "webp", {"webp"}, "image/webp", 1, 1, 0},
    {THUMB_FORMAT_GIF, "gif", {"gif"}, "image/gif", 1, 1, 0},
    {THUMB_FORMAT_HEIF, "heif", {"heic", "heif", "hif"}, "image/heif", 1, 1, 1},
    {THUMB_FORMAT_AVIF, "avif", {"avif", "avifs"}, "image/avif", 1, 1, 1},
    {THUMB_FORMAT_JXL, "jxl", {"jxl"}, "image/jxl", 1, 1, 1},
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

thumb_format format_auto_output(thumb_format in, int has_alpha) {
    const format_desc *d = format_describe(in);
    if (!d || !d->input_only)
        return in;
    return has_alpha ? THUMB_FORMAT_PNG : THUMB_FORMAT_JPEG;
}
