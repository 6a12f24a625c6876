/* Lambda Runtime API client over libcurl. */
#include "runtime.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define API_VERSION "2018-06-01"
/* Room for "http://" + host:port + "/2018-06-01/runtime". */
#define BASE_URL_SIZE 512
/* The base, "/invocation/", a request id and "/response". */
#define URL_SIZE (BASE_URL_SIZE + RUNTIME_REQUEST_ID_SIZE + 32)
/* Posting a result goes to a local endpoint: anything slower than this
 * means the Runtime API is gone. */
#define POST_TIMEOUT_MS 10000L

struct runtime {
    CURL *curl;
    char base[BASE_URL_SIZE]; /* "http://host:port/2018-06-01/runtime" */
    char *body;
    size_t body_len, body_cap;
    int body_too_large;
    runtime_invocation *headers_into;
};

static void set_error(char *error, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (error && size > 0)
        /* clang-analyzer misses va_start() here (a known false positive). */
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
        vsnprintf(error, size, fmt, ap);
    va_end(ap);
}

runtime *runtime_new(const char *api, char *error, size_t error_size) {
    if (!api || !*api) {
        set_error(error, error_size, "AWS_LAMBDA_RUNTIME_API is not set");
        return NULL;
    }
    runtime *rt = calloc(1, sizeof *rt);
    if (!rt) {
        set_error(error, error_size, "out of memory");
        return NULL;
    }
    int n = snprintf(rt->base, sizeof rt->base, "http://%s/%s/runtime", api,
                     API_VERSION);
    rt->curl = curl_easy_init();
    if (n < 0 || (size_t)n >= sizeof rt->base || !rt->curl) {
        set_error(error, error_size, "cannot set up a client for %.100s", api);
        runtime_free(rt);
        return NULL;
    }
    return rt;
}

void runtime_free(runtime *rt) {
    if (!rt)
        return;
    if (rt->curl)
        curl_easy_cleanup(rt->curl);
    free(rt->body);
    free(rt);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *user) {
    runtime *rt = user;
    size_t n = size * nmemb;
    if (n > RUNTIME_MAX_EVENT_BYTES - rt->body_len) {
        rt->body_too_large = 1;
        return 0;
    }
    if (rt->body_len + n + 1 > rt->body_cap) {
        size_t cap = rt->body_cap ? rt->body_cap : 4096;
        while (cap < rt->body_len + n + 1)
            cap *= 2;
        char *p = realloc(rt->body, cap);
        if (!p)
            return 0;
        rt->body = p;
        rt->body_cap = cap;
    }
    memcpy(rt->body + rt->body_len, data, n);
    rt->body_len += n;
    rt->body[rt->body_len] = '\0';
    return n;
}

/* Copies a header's value (trimmed) into dst when its name matches. */
static int take_header(const char *line, size_t len, const char *name,
                       char *dst, size_t dst_size) {
    size_t name_len = strlen(name);
    if (len <= name_len || line[name_len] != ':' ||
        strncasecmp(line, name, name_len) != 0)
        return 0;
    const char *v = line + name_len + 1;
    const char *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    size_t n = (size_t)(end - v);
    if (n >= dst_size)
        n = dst_size - 1;
    memcpy(dst, v, n);
    dst[n] = '\0';
    return 1;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *user) {
    runtime *rt = user;
    runtime_invocation *inv = rt->headers_into;
    size_t n = size * nmemb;
    char deadline[32];
    if (!inv)
        return n;
    if (take_header(data, n, "Lambda-Runtime-Aws-Request-Id", inv->request_id,
                    sizeof inv->request_id) ||
        take_header(data, n, "Lambda-Runtime-Trace-Id", inv->trace_id,
                    sizeof inv->trace_id))
        return n;
    if (take_header(data, n, "Lambda-Runtime-Deadline-Ms", deadline,
                    sizeof deadline))
        inv->deadline_ms = strtoll(deadline, NULL, 10);
    return n;
}

/* Sends one request; the response body lands in rt->body. */
static int perform(runtime *rt, const char *url, const char *post_body,
                   size_t post_len, struct curl_slist *headers, long timeout_ms,
                   long *status, char *error, size_t error_size) {
    CURL *c = rt->curl;
    curl_easy_reset(c);
    rt->body_len = 0;
    rt->body_too_large = 0;
    if (rt->body)
        rt->body[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, rt);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, rt);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    /* The Runtime API is plain HTTP on a local address, never proxied. */
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    if (post_body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, post_body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)post_len);
    }
    if (headers)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        set_error(error, error_size, "%s: %s", url,
                  rt->body_too_large ? "event larger than 6 MB"
                                     : curl_easy_strerror(rc));
        return -1;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    return 0;
}

int runtime_next(runtime *rt, runtime_invocation *inv, char *error,
                 size_t error_size) {
    char url[URL_SIZE];
    snprintf(url, sizeof url, "%s/invocation/next", rt->base);
    memset(inv, 0, sizeof *inv);
    rt->headers_into = inv;
    long status = 0;
    /* No timeout: Lambda freezes the process while it waits. */
    int rc = perform(rt, url, NULL, 0, NULL, 0L, &status, error, error_size);
    rt->headers_into = NULL;
    if (rc != 0)
        return -1;
    if (status != 200 || !inv->request_id[0]) {
        set_error(error, error_size, "%s: HTTP %ld%s", url, status,
                  inv->request_id[0] ? "" : " without a request id");
        return -1;
    }
    inv->body = rt->body ? rt->body : "";
    inv->body_len = rt->body_len;
    return 0;
}

static int post(runtime *rt, const char *url, const char *body, size_t len,
                const char *error_type, char *error, size_t error_size) {
    struct curl_slist *headers = NULL;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    if (error_type) {
        char type_header[128];
        snprintf(type_header, sizeof type_header,
                 "Lambda-Runtime-Function-Error-Type: %s", error_type);
        struct curl_slist *h = curl_slist_append(headers, type_header);
        if (h)
            headers = h;
    }
    /* Without Expect: 100-continue curl sends a large body at once
     * instead of waiting a second for a go-ahead. */
    struct curl_slist *h =
        headers ? curl_slist_append(headers, "Expect:") : NULL;
    if (h)
        headers = h;
    long status = 0;
    int rc = perform(rt, url, body, len, headers, POST_TIMEOUT_MS, &status,
                     error, error_size);
    curl_slist_free_all(headers);
    if (rc != 0)
        return -1;
    if (status != 202) {
        set_error(error, error_size, "%s: HTTP %ld: %.100s", url, status,
                  rt->body ? rt->body : "");
        return -1;
    }
    return 0;
}

int runtime_respond(runtime *rt, const char *request_id, const char *body,
                    size_t len, char *error, size_t error_size) {
    char url[URL_SIZE];
    snprintf(url, sizeof url, "%s/invocation/%s/response", rt->base,
             request_id);
    return post(rt, url, body, len, NULL, error, error_size);
}

/* {"errorMessage": ..., "errorType": ...} as Lambda documents it. */
static char *error_document(const char *type, const char *message) {
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    cJSON_AddStringToObject(root, "errorMessage", message);
    cJSON_AddStringToObject(root, "errorType", type);
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}

static int post_error(runtime *rt, const char *url, const char *type,
                      const char *message, char *error, size_t error_size) {
    char *doc = error_document(type, message);
    if (!doc) {
        set_error(error, error_size, "out of memory");
        return -1;
    }
    int rc = post(rt, url, doc, strlen(doc), type, error, error_size);
    cJSON_free(doc);
    return rc;
}

int runtime_fail(runtime *rt, const char *request_id, const char *type,
                 const char *message, char *error, size_t error_size) {
    char url[URL_SIZE];
    snprintf(url, sizeof url, "%s/invocation/%s/error", rt->base, request_id);
    return post_error(rt, url, type, message, error, error_size);
}

int runtime_init_error(runtime *rt, const char *type, const char *message,
                       char *error, size_t error_size) {
    char url[URL_SIZE];
    snprintf(url, sizeof url, "%s/init/error", rt->base);
    return post_error(rt, url, type, message, error, error_size);
}
