/* The words configuration and on-demand queries use for a fit and a
 * format: "inside", "cover", "fill"; for a format, "auto" or any name the
 * library knows (thumb_format_from_name: "jpeg", "jpg", "png", "webp",
 * "gif", "image/gif", ...) of a format it can write: "heic" names a
 * format thumbnails are made from, never one they are written in. */
#ifndef LAMBDA_NAMES_H
#define LAMBDA_NAMES_H

#include "thumbnail.h"

/* 1 and *out set when s is one of the words; 0 otherwise. */
int names_parse_fit(const char *s, thumb_fit *out);
int names_parse_format(const char *s, thumb_format *out);

#endif
