/* The one table of the formats the library knows: each format's name,
 * file extensions, MIME type and what it can hold. Everything that names
 * a format, inside the library or in an adapter (through the public
 * thumb_format_* lookups), reads it here. */
#ifndef THUMB_FORMAT_H
#define THUMB_FORMAT_H

#include "thumbnail.h"

#include <stdint.h>

/* The most extensions one format has (JPEG's jpg, jpeg, jpe, jfif). */
#define FORMAT_MAX_EXTENSIONS 4

typedef struct format_desc {
    thumb_format format;
    int has_alpha;  /* the format can store an alpha channel */
    int animates;   /* the library reads and writes its animations */
    int input_only; /* the library reads the format but cannot write it */
    uint32_t max_dimension; /* the largest width or height it can store */
    const char *name;       /* lower case, as thumb_format_name() gives it */
    const char *title;      /* as people write it, for messages: "WebP" */
    /* The usual file extension first, then the others a file of this
     * format is commonly given; no dots; NULL after the last. */
    const char *extensions[FORMAT_MAX_EXTENSIONS + 1];
    const char *mime_type;
} format_desc;

/* The entry of a format, or NULL for THUMB_FORMAT_AUTO and values that
 * are no format. */
const format_desc *format_describe(thumb_format format);

/* "jpeg", "png"...; "auto" for THUMB_FORMAT_AUTO, "unknown" otherwise. */
const char *format_name(thumb_format format);

/* The format a name stands for: a format name, one of its extensions
 * (with or without a leading dot) or its MIME type, in any case; "auto"
 * stands for THUMB_FORMAT_AUTO. 0 when the name is none of these. */
int format_from_name(const char *name, thumb_format *format);

/* THUMB_ERR_ENCODE, with a message, when `format` cannot store a
 * width x height image. */
thumb_status format_check_size(thumb_ctx *ctx, thumb_format format,
                               uint32_t width, uint32_t height);

/* The output format THUMB_FORMAT_AUTO stands for with an input of format
 * `in`: the same, or for a format the library cannot write, JPEG, or PNG
 * when the image has alpha. */
thumb_format format_auto_output(thumb_format in, int has_alpha);

#endif
