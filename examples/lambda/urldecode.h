/*
 * urldecode.h -- percent-decoding, as S3 notifications, URL paths and
 * query strings need it. Pure; shared by the event and query parsers.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_LAMBDA_URLDECODE_H
#define THUMB_LAMBDA_URLDECODE_H

#include <stddef.h>

typedef enum url_plus {
    URL_PLUS_IS_PLUS, /* paths: '+' is itself */
    URL_PLUS_IS_SPACE /* form encoding (query strings, S3 notification
                         keys): '+' is a space */
} url_plus;

/* Decodes in[0..len): %XX becomes the byte 0xXX. Returns a malloc'd
 * NUL-terminated string, or NULL when a '%' is not followed by two hex
 * digits, when the result would contain a NUL byte (%00: a C string could
 * not carry it, and neither S3 keys nor our parameters contain one), or
 * when memory runs out. */
char *url_decode(const char *in, size_t len, url_plus plus);

#endif /* THUMB_LAMBDA_URLDECODE_H */
