/*
 * base64.h -- standard base64 (RFC 4648, with padding), which Function
 * URL responses use for binary bodies.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_LAMBDA_BASE64_H
#define THUMB_LAMBDA_BASE64_H

#include <stddef.h>

/* Length of the encoding of n bytes, without the NUL. */
size_t base64_encoded_length(size_t n);

/* Encodes in[0..n) into out, which holds base64_encoded_length(n) + 1
 * bytes; writes a NUL at the end. */
void base64_encode(const unsigned char *in, size_t n, char *out);

#endif /* THUMB_LAMBDA_BASE64_H */
