/*
 * aws_uri.c -- percent-encoding exactly as SigV4 canonicalises it, so the
 * URL curl sends and the canonical request curl signs are the same bytes;
 * and percent-decoding, for every encoded name the adapters receive.
 */
#include "aws_uri.h"

#include <stdlib.h>
#include <string.h>

/* Every byte may grow to "%XX". */
#define ESCAPED_BYTE_LEN 3

static bool is_unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

char *aws_uri_encode(const char *in, bool keep_slash) {
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(in);
    char *out = malloc(n * ESCAPED_BYTE_LEN + 1);
    if (out == NULL)
        return NULL;
    char *o = out;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        if (is_unreserved(*p) || (keep_slash && *p == '/')) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 0xF];
        }
    }
    *o = '\0';
    return out;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *aws_uri_decode(const char *in, size_t len, aws_uri_plus plus) {
    /* Decoding never lengthens the text. */
    char *out = malloc(len + 1);
    if (out == NULL)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        if (c == '%') {
            /* "%X" or "%" at the end is malformed, not literal. */
            if (len - i < ESCAPED_BYTE_LEN || hex_value(in[i + 1]) < 0 ||
                hex_value(in[i + 2]) < 0)
                goto fail;
            c = (char)(hex_value(in[i + 1]) << 4 | hex_value(in[i + 2]));
            i += 2;
        } else if (c == '+' && plus == AWS_URI_PLUS_IS_SPACE) {
            c = ' ';
        }
        if (c == '\0')
            goto fail;
        out[n++] = c;
    }
    out[n] = '\0';
    return out;
fail:
    free(out);
    return NULL;
}
