/* Lambda Runtime API client over runtime_http.h. */
#include "runtime.h"
#include "runtime_http.h"
#include "set_error.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define API_PREFIX "/2018-06-01/runtime"
/* The prefix, "/invocation/", a request id and "/response". */
#define PATH_SIZE (sizeof API_PREFIX + RUNTIME_REQUEST_ID_SIZE + 32)
/* "Lambda-Runtime-Function-Error-Type: " and an error type. */
#define ERROR_TYPE_HEADER_SIZE 160
/* Posting a result goes to a local endpoint: anything slower than this
 * means the Runtime API is gone. */
#define POST_TIMEOUT_MS 10000
/* The answer to a post is a short JSON status. */
#define POST_ANSWER_MAX ((size_t)64 * 1024)
#define HTTP_OK 200
#define HTTP_ACCEPTED 202
#define DEADLINE_DIGITS_SIZE 32
#define DECIMAL_BASE 10

struct runtime {
    runtime_http_endpoint ep;
    runtime_http_buffer body; /* the last response's */
};

runtime *runtime_new(const char *api, char *error, size_t error_size) {
    runtime *rt = calloc(1, sizeof *rt);
    if (!rt) {
        set_error(error, error_size, "out of memory");
        return NULL;
    }
    if (runtime_http_resolve(&rt->ep, api, error, error_size) != 0) {
        free(rt);
        return NULL;
    }
    return rt;
}

void runtime_free(runtime *rt) {
    if (!rt)
        return;
    runtime_http_buffer_free(&rt->body);
    free(rt);
}

/* Copies a header's value into dst, cut to fit, when its name matches. */
static int take_header(const char *name, size_t name_len, const char *value,
                       size_t value_len, const char *want, char *dst,
                       size_t dst_size) {
    if (name_len != strlen(want) || strncasecmp(name, want, name_len) != 0)
        return 0;
    size_t n = value_len < dst_size ? value_len : dst_size - 1;
    memcpy(dst, value, n);
    dst[n] = '\0';
    return 1;
}

static void on_next_header(void *user, const char *name, size_t name_len,
                           const char *value, size_t value_len) {
    runtime_invocation *inv = user;
    char deadline[DEADLINE_DIGITS_SIZE];
    if (take_header(name, name_len, value, value_len,
                    "Lambda-Runtime-Aws-Request-Id", inv->request_id,
                    sizeof inv->request_id) ||
        take_header(name, name_len, value, value_len, "Lambda-Runtime-Trace-Id",
                    inv->trace_id, sizeof inv->trace_id))
        return;
    if (take_header(name, name_len, value, value_len,
                    "Lambda-Runtime-Deadline-Ms", deadline, sizeof deadline))
        inv->deadline_ms = strtoll(deadline, NULL, DECIMAL_BASE);
}

int runtime_next(runtime *rt, runtime_invocation *inv, char *error,
                 size_t error_size) {
    static const char path[] = API_PREFIX "/invocation/next";
    memset(inv, 0, sizeof *inv);
    runtime_http_request req = {
        .method = "GET",
        .path = path,
        .timeout_ms = 0, /* Lambda freezes the process while it waits */
        .max_body = RUNTIME_MAX_EVENT_BYTES,
        .on_header = on_next_header,
        .user = inv,
    };
    int status =
        runtime_http_exchange(&rt->ep, &req, &rt->body, error, error_size);
    if (status < 0)
        return -1;
    if (status != HTTP_OK || !inv->request_id[0]) {
        set_error(error, error_size, "http://%s%s: HTTP %d%s", rt->ep.host,
                  path, status,
                  inv->request_id[0] ? "" : " without a request id");
        return -1;
    }
    inv->body = rt->body.data;
    inv->body_len = rt->body.len;
    return 0;
}

static int post(runtime *rt, const char *path, const char *body, size_t len,
                const char *error_type, char *error, size_t error_size) {
    char type_header[ERROR_TYPE_HEADER_SIZE];
    const char *headers[] = {"Content-Type: application/json", NULL, NULL};
    if (error_type) {
        snprintf(type_header, sizeof type_header,
                 "Lambda-Runtime-Function-Error-Type: %s", error_type);
        headers[1] = type_header;
    }
    runtime_http_request req = {
        .method = "POST",
        .path = path,
        .headers = headers,
        .body = body,
        .body_len = len,
        .timeout_ms = POST_TIMEOUT_MS,
        .max_body = POST_ANSWER_MAX,
    };
    int status =
        runtime_http_exchange(&rt->ep, &req, &rt->body, error, error_size);
    if (status < 0)
        return -1;
    if (status != HTTP_ACCEPTED) {
        set_error(error, error_size, "http://%s%s: HTTP %d: %.100s",
                  rt->ep.host, path, status, rt->body.data);
        return -1;
    }
    return 0;
}

int runtime_respond(runtime *rt, const char *request_id, const char *body,
                    size_t len, char *error, size_t error_size) {
    char path[PATH_SIZE];
    snprintf(path, sizeof path, API_PREFIX "/invocation/%s/response",
             request_id);
    return post(rt, path, body, len, NULL, error, error_size);
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

static int post_error(runtime *rt, const char *path, const char *type,
                      const char *message, char *error, size_t error_size) {
    char *doc = error_document(type, message);
    if (!doc) {
        set_error(error, error_size, "out of memory");
        return -1;
    }
    int rc = post(rt, path, doc, strlen(doc), type, error, error_size);
    cJSON_free(doc);
    return rc;
}

int runtime_fail(runtime *rt, const char *request_id, const char *type,
                 const char *message, char *error, size_t error_size) {
    char path[PATH_SIZE];
    snprintf(path, sizeof path, API_PREFIX "/invocation/%s/error", request_id);
    return post_error(rt, path, type, message, error, error_size);
}

int runtime_init_error(runtime *rt, const char *type, const char *message,
                       char *error, size_t error_size) {
    return post_error(rt, API_PREFIX "/init/error", type, message, error,
                      error_size);
}
