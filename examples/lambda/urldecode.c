/* Percent-decoding (RFC 3986, plus form encoding's '+'). */
#include "urldecode.h"

#include <stdlib.h>

static int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *url_decode(const char *in, size_t len, url_plus plus) {
    /* Decoding never lengthens the text. */
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        if (c == '%') {
            if (len - i < 3 || hex_value(in[i + 1]) < 0 ||
                hex_value(in[i + 2]) < 0)
                goto fail;
            c = (char)(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
            i += 2;
        } else if (c == '+' && plus == URL_PLUS_IS_SPACE) {
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
