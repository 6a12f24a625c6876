/*
 * aws_uri.h -- percent-encoding and -decoding: the encoding SigV4
 * canonicalises (keys and query values sent to AWS), and the one decoder
 * for what AWS and clients send back (ListObjectsV2 with
 * encoding-type=url, S3 event notification keys, Function URL paths and
 * query strings). Pure: no allocation beyond the result, no other module.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_AWS_URI_H
#define THUMB_AWS_URI_H

#include <stdbool.h>
#include <stddef.h>

/* RFC 3986 encoding as SigV4 wants it: unreserved characters
 * (A-Z a-z 0-9 - . _ ~) kept, '/' kept if keep_slash, every other byte as
 * %XX with upper-case hex. Returns a malloc'd string or NULL. */
char *aws_uri_encode(const char *in, bool keep_slash);

typedef enum aws_uri_plus {
    AWS_URI_PLUS_IS_PLUS, /* paths: '+' is itself */
    AWS_URI_PLUS_IS_SPACE /* form encoding (query strings, S3 notification
                             keys, encoding-type=url listings): '+' is a
                             space */
} aws_uri_plus;

/* Decodes in[0..len): %XX becomes the byte 0xXX. Returns a malloc'd
 * NUL-terminated string, or NULL when a '%' is not followed by two hex
 * digits, when the result would contain a NUL byte (%00: a C string could
 * not carry it, and neither S3 keys nor our parameters contain one), or
 * when memory runs out. */
char *aws_uri_decode(const char *in, size_t len, aws_uri_plus plus);

#endif /* THUMB_AWS_URI_H */
