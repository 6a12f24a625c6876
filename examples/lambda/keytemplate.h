/*
 * keytemplate.h -- destination keys from a template such as
 * "thumbnails/{size}/{key_stem}.{ext}". Pure.
 *
 * Placeholders:
 *   {key}       the source key as it is ("photos/a b.jpg")
 *   {key_stem}  the key without the extension of its last segment
 *               ("photos/a b")
 *   {size}      the size's name ("256x256", "200x", "x120")
 *   {width} {height}  the requested box (0 for a free axis)
 *   {ext}       the output format's extension: jpg, png or webp
 *
 * The same source, size and format always give the same key, so a
 * re-delivered event overwrites the thumbnails it made before.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_LAMBDA_KEYTEMPLATE_H
#define THUMB_LAMBDA_KEYTEMPLATE_H

#include <stddef.h>

/* Longest S3 key, in bytes. */
#define KEYTEMPLATE_MAX_KEY_BYTES 1024

typedef struct keytemplate_vars {
    const char *key;
    const char *size_name;
    int width, height;
    const char *ext;
} keytemplate_vars;

typedef enum keytemplate_status {
    KEYTEMPLATE_OK = 0,
    KEYTEMPLATE_ERR_SYNTAX,  /* unknown placeholder or unbalanced brace */
    KEYTEMPLATE_ERR_TOO_LONG /* the key would exceed out_size - 1 or
                                KEYTEMPLATE_MAX_KEY_BYTES */
} keytemplate_status;

keytemplate_status keytemplate_expand(const char *tmpl,
                                      const keytemplate_vars *vars, char *out,
                                      size_t out_size);

/* Length of the template's fixed prefix: the text before its first '{'. */
size_t keytemplate_fixed_prefix(const char *tmpl);

#endif /* THUMB_LAMBDA_KEYTEMPLATE_H */
