/* aws_mock.c -- see aws_mock.h. */
#include "aws_mock.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_CHUNK 7

static void record(mock_request *r, const aws_http_request *req) {
    memset(r, 0, sizeof *r);
    snprintf(r->method, sizeof r->method, "%s", req->method);
    snprintf(r->url, sizeof r->url, "%s", req->url);
    for (size_t i = 0; i < req->header_count; i++)
        snprintf(r->headers[i], sizeof r->headers[i], "%s: %s",
                 req->headers[i].name, req->headers[i].value);
    r->header_count = req->header_count;
    r->body_len = req->body_len;
    if (req->body != NULL)
        memcpy(r->body, req->body,
               req->body_len < sizeof r->body - 1 ? req->body_len
                                                  : sizeof r->body - 1);
    snprintf(r->sigv4, sizeof r->sigv4, "%s", req->sigv4);
    snprintf(r->access_key_id, sizeof r->access_key_id, "%s",
             req->access_key_id);
    snprintf(r->secret_access_key, sizeof r->secret_access_key, "%s",
             req->secret_access_key);
    r->timeout_ms = req->timeout_ms;
}

aws_transport_result mock_perform(void *self, const aws_http_request *req,
                                  const aws_http_sink *sink, long *status,
                                  char *errbuf, size_t errbuf_size) {
    const char *method = req->method;
    const char *url = req->url;
    check_expected_ptr(method);
    check_expected_ptr(url);
    if (self != NULL)
        record(self, req);
    mock_response *r = mock_ptr_type(mock_response *);
    r->aborted = false;
    r->taken = 0;
    if (r->result != AWS_TRANSPORT_OK) {
        snprintf(errbuf, errbuf_size, "mock: scripted failure %d", r->result);
        return r->result;
    }
    for (size_t i = 0; i < MOCK_MAX_HEADERS && r->headers[i] != NULL; i++) {
        const char *h = r->headers[i];
        const char *colon = strchr(h, ':');
        const char *v = colon + 1;
        while (*v == ' ')
            v++;
        if (sink->header != NULL &&
            sink->header(sink->user, r->status, h, (size_t)(colon - h), v,
                         strlen(v)) != 0) {
            r->aborted = true;
            return AWS_TRANSPORT_ABORTED;
        }
    }
    size_t len = r->body == NULL ? 0
                 : r->body_len   ? r->body_len
                                 : strlen(r->body);
    size_t chunk = r->chunk ? r->chunk : DEFAULT_CHUNK;
    for (size_t off = 0; off < len; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk;
        if (sink->body != NULL &&
            sink->body(sink->user, r->status, r->body + off, n) != 0) {
            r->aborted = true;
            return AWS_TRANSPORT_ABORTED;
        }
        r->taken += n;
    }
    *status = r->status;
    return AWS_TRANSPORT_OK;
}

void mock_sleep_ms(void *self, unsigned ms) {
    (void)self;
    check_expected(ms);
}

int64_t mock_now_ms(void *self) {
    (void)self;
    return mock_type(int64_t);
}

aws_transport mock_transport(mock_request *last) {
    return (aws_transport){last, mock_perform, mock_sleep_ms, mock_now_ms,
                           NULL};
}

const char *mock_header(const mock_request *r, const char *name) {
    size_t n = strlen(name);
    for (size_t i = 0; i < r->header_count; i++)
        if (strncasecmp(r->headers[i], name, n) == 0 && r->headers[i][n] == ':')
            return r->headers[i] + n + 2;
    return NULL;
}

aws_config mock_config(aws_service service) {
    aws_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.service = service;
    cfg.access_key_id = "AKIDEXAMPLE";
    cfg.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    cfg.region = "eu-west-1";
    cfg.endpoint = "http://127.0.0.1:9000/";
    cfg.jitter_seed = 42;
    return cfg;
}
