/* The one table of the formats the library knows: each format's name,
 * file extensions, MIME type and what it can hold. Everything that names
 * a format, inside the library or in an adapter (through the public
 * thumb_format_* lookups), reads it here. */
#ifndef THUMB_FORMAT_H
#define THUMB_FORMAT_H

#include "thumbnail.h"

/* The most extensions one format has (JPEG's jpg, jpeg, jpe, jfif). */
#define FORMAT_MAX_EXTENSIONS 4

typedef struct format_desc {
    thumb_format format;
    const char *name; /* lower case, as thumb_format_name() gives it */
    /* The usual file extension first, then the others a file of this
     * format is commonly given; no dots; NULL after the last. */
    const char *extensions[FORMAT_MAX_EXTENSIONS + 1];
    const char *mime_type;
    int has_alpha;  /* the format can store an alpha channel */
    int animates;   /* the format can store an animation */
    int input_only; /* the library reads the format but cannot write it */
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

/* The output format THUMB_FORMAT_AUTO stands for with an input of format
 * `in`: the same, or for a format the library cannot write, JPEG, or PNG
 * when the image has alpha. */
thumb_format format_auto_output(thumb_format in, int has_alpha);

#endif
