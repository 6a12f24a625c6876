/*
 * aws_transport_curl.c -- the real transport: libcurl signs the request
 * with its built-in SigV4 (CURLOPT_AWS_SIGV4) and sends it. One easy
 * handle per client, reset between requests, so connections are reused.
 */
#include "aws_internal.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HEADER_LINE_MAX 8192

typedef struct curl_transport {
    CURL *curl;
    char *ca_bundle; /* NULL: libcurl's default */
} curl_transport;

typedef struct transfer {
    const aws_http_sink *sink;
    long status;
} transfer;

static bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t on_header(char *line, size_t size, size_t n, void *user) {
    transfer *t = user;
    size_t len = size * n;
    if (len >= strlen("HTTP/") && memcmp(line, "HTTP/", strlen("HTTP/")) == 0) {
        /* "HTTP/1.1 200 OK" or "HTTP/2 200": a new response begins. */
        const char *sp = memchr(line, ' ', len);
        t->status = sp != NULL ? strtol(sp + 1, NULL, 10) : 0;
        return len;
    }
    const char *colon = memchr(line, ':', len);
    if (colon == NULL || t->sink->header == NULL)
        return len; /* the blank line ending the headers */
    size_t name_len = (size_t)(colon - line);
    const char *value = colon + 1;
    size_t value_len = len - name_len - 1;
    while (value_len > 0 && is_space(*value)) {
        value++;
        value_len--;
    }
    while (value_len > 0 && is_space(value[value_len - 1]))
        value_len--;
    if (t->sink->header(t->sink->user, t->status, line, name_len, value,
                        value_len) != 0)
        return 0; /* makes curl fail with CURLE_WRITE_ERROR */
    return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *user) {
    transfer *t = user;
    size_t len = size * n;
    if (t->sink->body != NULL &&
        t->sink->body(t->sink->user, t->status, data, len) != 0)
        return 0;
    return len;
}

static aws_transport_result classify(CURLcode rc) {
    switch (rc) {
    case CURLE_OK:
        return AWS_TRANSPORT_OK;
    case CURLE_OPERATION_TIMEDOUT:
        return AWS_TRANSPORT_TIMEOUT;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return AWS_TRANSPORT_CONNECT;
    case CURLE_WRITE_ERROR:
        return AWS_TRANSPORT_ABORTED;
    default:
        return AWS_TRANSPORT_FAILED;
    }
}

static struct curl_slist *build_headers(const aws_http_request *req, bool *ok) {
    /* No "Name:" lines to suppress curl's own headers: curl 7.88 signs
     * them as empty headers it then does not send. So callers always
     * set Content-Type for a body (else curl adds a form type) and
     * bodies over 1 MiB get curl's "Expect: 100-continue", unsigned. */
    struct curl_slist *list = NULL;
    char line[HEADER_LINE_MAX];
    *ok = true;
    for (size_t i = 0; i < req->header_count && *ok; i++) {
        snprintf(line, sizeof line, "%s: %s", req->headers[i].name,
                 req->headers[i].value);
        struct curl_slist *next = curl_slist_append(list, line);
        if (next == NULL)
            *ok = false;
        else
            list = next;
    }
    return list;
}

static aws_transport_result perform(void *self, const aws_http_request *req,
                                    const aws_http_sink *sink, long *status,
                                    char *errbuf, size_t errbuf_size) {
    curl_transport *ct = self;
    CURL *c = ct->curl;
    curl_easy_reset(c);
    bool ok;
    struct curl_slist *headers = build_headers(req, &ok);
    if (!ok) {
        curl_slist_free_all(headers);
        snprintf(errbuf, errbuf_size, "out of memory");
        return AWS_TRANSPORT_FAILED;
    }
    transfer t = {sink, 0};
    char curl_err[CURL_ERROR_SIZE] = "";
    CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                          \
    do {                                                                       \
        if (rc == CURLE_OK)                                                    \
            rc = curl_easy_setopt(c, opt, val);                                \
    } while (0)
    SET(CURLOPT_URL, req->url);
    /* Keys like "a/../b" are names, not paths to normalise. */
    SET(CURLOPT_PATH_AS_IS, 1L);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    if (ct->ca_bundle != NULL)
        SET(CURLOPT_CAINFO, ct->ca_bundle);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_TCP_KEEPALIVE, 1L);
    SET(CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
    SET(CURLOPT_TIMEOUT_MS, req->timeout_ms);
    SET(CURLOPT_HTTPHEADER, headers);
    SET(CURLOPT_AWS_SIGV4, req->sigv4);
    SET(CURLOPT_USERNAME, req->access_key_id);
    SET(CURLOPT_PASSWORD, req->secret_access_key);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, &t);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, &t);
    SET(CURLOPT_ERRORBUFFER, curl_err);
    if (strcmp(req->method, "HEAD") == 0) {
        SET(CURLOPT_NOBODY, 1L);
    } else if (req->body != NULL || strcmp(req->method, "PUT") == 0 ||
               strcmp(req->method, "POST") == 0) {
        /* POSTFIELDS, not an upload callback: curl 7.88 hashes only
         * POSTFIELDS into the SigV4 signature. */
        SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        SET(CURLOPT_POSTFIELDS, req->body != NULL ? req->body : "");
        SET(CURLOPT_CUSTOMREQUEST, req->method);
    } else if (strcmp(req->method, "GET") != 0) {
        SET(CURLOPT_CUSTOMREQUEST, req->method);
    }
#undef SET
    if (rc == CURLE_OK)
        rc = curl_easy_perform(c);
    curl_slist_free_all(headers);
    aws_transport_result result = classify(rc);
    if (result == AWS_TRANSPORT_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    else
        snprintf(errbuf, errbuf_size, "%s",
                 *curl_err ? curl_err : curl_easy_strerror(rc));
    return result;
}

static void destroy(void *self) {
    curl_transport *ct = self;
    curl_easy_cleanup(ct->curl);
    free(ct->ca_bundle);
    free(ct);
}

aws_status aws_transport_curl_new(aws_transport *out, const char *ca_bundle,
                                  aws_error *err) {
    curl_transport *ct = calloc(1, sizeof *ct);
    if (ct != NULL && ca_bundle != NULL &&
        (ct->ca_bundle = strdup(ca_bundle)) == NULL) {
        free(ct);
        ct = NULL;
    }
    if (ct == NULL || (ct->curl = curl_easy_init()) == NULL) {
        if (ct != NULL)
            free(ct->ca_bundle);
        free(ct);
        return aws_fail(err, AWS_ERR_NOMEM,
                        "transport: cannot create a curl "
                        "handle");
    }
    *out = (aws_transport){ct, perform, aws_system_sleep_ms, aws_system_now_ms,
                           destroy};
    return AWS_OK;
}
