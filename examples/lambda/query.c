/* On-demand request path and query string -> query_request. */
#include "query.h"

#include "aws_uri.h"
#include "names.h"
#include "set_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Every segment non-empty and neither "." nor "..": CloudFront and S3
 * would otherwise disagree on which object a URL names. */
static int key_segments_ok(const char *key) {
    const char *seg = key;
    for (;;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if (n == 0 || (n == 1 && seg[0] == '.') ||
            (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return 0;
        if (!end)
            return 1;
        seg = end + 1;
    }
}

/* Decimal 1..THUMB_MAX_DIMENSION, digits only (no sign, no spaces). */
static int parse_dimension(const char *s, int *out) {
    long v = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10 + (*s - '0');
        if (v > THUMB_MAX_DIMENSION)
            return 0;
    }
    if (v == 0)
        return 0;
    *out = (int)v;
    return 1;
}

enum param_bit {
    PARAM_WIDTH = 1,
    PARAM_HEIGHT = 2,
    PARAM_FIT = 4,
    PARAM_FORMAT = 8,
};

/* One name=value pair of the query string, both already decoded. */
static query_status apply_param(const char *name, const char *value,
                                unsigned *seen, query_request *req, char *error,
                                size_t error_size) {
    unsigned bit;
    int ok;
    if (strcmp(name, "width") == 0) {
        bit = PARAM_WIDTH;
        ok = parse_dimension(value, &req->width);
    } else if (strcmp(name, "height") == 0) {
        bit = PARAM_HEIGHT;
        ok = parse_dimension(value, &req->height);
    } else if (strcmp(name, "fit") == 0) {
        bit = PARAM_FIT;
        ok = names_parse_fit(value, &req->fit);
    } else if (strcmp(name, "format") == 0) {
        bit = PARAM_FORMAT;
        ok = names_parse_format(value, &req->format);
    } else {
        set_error(error, error_size, "unknown parameter \"%.40s\"", name);
        return QUERY_ERR_INVALID;
    }
    if (*seen & bit) {
        set_error(error, error_size, "parameter \"%s\" given twice", name);
        return QUERY_ERR_INVALID;
    }
    *seen |= bit;
    if (!ok) {
        set_error(error, error_size, "bad value \"%.40s\" for \"%s\"", value,
                  name);
        return QUERY_ERR_INVALID;
    }
    return QUERY_OK;
}

static query_status parse_query(const char *q, query_request *req, char *error,
                                size_t error_size) {
    unsigned seen = 0;
    while (*q) {
        const char *amp = strchr(q, '&');
        size_t n = amp ? (size_t)(amp - q) : strlen(q);
        if (n > 0) {
            const char *eq = memchr(q, '=', n);
            if (!eq) {
                set_error(error, error_size, "parameter without a value");
                return QUERY_ERR_INVALID;
            }
            char *name =
                aws_uri_decode(q, (size_t)(eq - q), AWS_URI_PLUS_IS_SPACE);
            char *value = aws_uri_decode(eq + 1, n - (size_t)(eq + 1 - q),
                                         AWS_URI_PLUS_IS_SPACE);
            query_status st = QUERY_OK;
            if (!name || !value) {
                set_error(error, error_size, "bad percent-encoding in query");
                st = QUERY_ERR_INVALID;
            } else {
                st = apply_param(name, value, &seen, req, error, error_size);
            }
            free(name);
            free(value);
            if (st != QUERY_OK)
                return st;
        }
        if (!amp)
            break;
        q = amp + 1;
    }
    return QUERY_OK;
}

query_status query_parse(const char *method, const char *raw_path,
                         const char *raw_query, query_request *req, char *error,
                         size_t error_size) {
    memset(req, 0, sizeof *req);
    req->fit = THUMB_FIT_INSIDE;
    req->format = THUMB_FORMAT_AUTO;
    set_error(error, error_size, "%s", "");
    if (strcmp(method, "HEAD") == 0) {
        req->head = 1;
    } else if (strcmp(method, "GET") != 0) {
        set_error(error, error_size, "method %.16s not allowed", method);
        return QUERY_ERR_METHOD;
    }
    if (raw_path[0] != '/' || raw_path[1] == '\0') {
        set_error(error, error_size, "the path names no object");
        return QUERY_ERR_INVALID;
    }
    char *key = aws_uri_decode(raw_path + 1, strlen(raw_path + 1),
                               AWS_URI_PLUS_IS_PLUS);
    if (!key) {
        set_error(error, error_size, "bad percent-encoding in the path");
        return QUERY_ERR_INVALID;
    }
    if (strlen(key) > QUERY_MAX_KEY_BYTES || !key_segments_ok(key)) {
        set_error(error, error_size, "the path is not a valid object key");
        free(key);
        return QUERY_ERR_INVALID;
    }
    query_status st = parse_query(raw_query, req, error, error_size);
    if (st != QUERY_OK) {
        free(key);
        memset(req, 0, sizeof *req);
        return st;
    }
    req->key = key;
    return QUERY_OK;
}

void query_request_free(query_request *req) {
    if (!req)
        return;
    free(req->key);
    req->key = NULL;
}

/* Skips optional whitespace. */
static const char *skip_ows(const char *s) {
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* The q of one media range's parameters (";q=0.8"), 1 when absent. */
static double media_range_q(const char *params, const char *end) {
    const char *p = params;
    while (p < end) {
        p = skip_ows(p);
        if (end - p > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
            return strtod(p + 2, NULL);
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (!semi)
            break;
        p = semi + 1;
    }
    return 1.0;
}

int query_accepts(const char *accept, thumb_format format) {
    const char *mime = thumb_format_mime_type(format);
    if (!mime)
        return 0;
    size_t mime_len = strlen(mime);
    const char *p = accept;
    while (*p) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *type = skip_ows(p);
        const char *semi = memchr(type, ';', (size_t)(end - type));
        const char *type_end = semi ? semi : end;
        while (type_end > type && (type_end[-1] == ' ' || type_end[-1] == '\t'))
            type_end--;
        if ((size_t)(type_end - type) == mime_len &&
            strncasecmp(type, mime, mime_len) == 0)
            return (semi ? media_range_q(semi + 1, end) : 1.0) > 0;
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}
