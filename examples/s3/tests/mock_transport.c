/* mock_transport.c -- see mock_transport.h. */
#include "mock_transport.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_CHUNK 7
#define MOCK_START_MS 1700000000000

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

static aws_transport_result perform(void *self, const aws_http_request *req,
                                    const aws_http_sink *sink, long *status,
                                    char *errbuf, size_t errbuf_size) {
    mock_transport *m = self;
    if (m->calls == 0)
        record(&m->first, req);
    record(&m->last, req);
    m->aborted = false;
    m->body_delivered = 0;
    if (m->calls >= m->response_count) {
        m->calls++;
        snprintf(errbuf, errbuf_size, "mock: no response scripted");
        return AWS_TRANSPORT_FAILED;
    }
    const mock_response *r = &m->responses[m->calls++];
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
            m->aborted = true;
            return AWS_TRANSPORT_ABORTED;
        }
    }
    size_t len = r->body == NULL ? 0
                 : r->body_len   ? r->body_len
                                 : strlen(r->body);
    size_t chunk = m->chunk ? m->chunk : DEFAULT_CHUNK;
    for (size_t off = 0; off < len; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk;
        if (sink->body != NULL &&
            sink->body(sink->user, r->status, r->body + off, n) != 0) {
            m->aborted = true;
            return AWS_TRANSPORT_ABORTED;
        }
        m->body_delivered += n;
    }
    *status = r->status;
    return AWS_TRANSPORT_OK;
}

static void sleep_ms(void *self, unsigned ms) {
    mock_transport *m = self;
    if (m->sleep_count < MOCK_MAX_SLEEPS)
        m->sleeps[m->sleep_count] = ms;
    m->sleep_count++;
    m->now_ms += ms;
}

static int64_t now_ms(void *self) {
    mock_transport *m = self;
    if (m->now_ms == 0)
        m->now_ms = MOCK_START_MS;
    return m->now_ms;
}

aws_transport mock_transport_make(mock_transport *m) {
    return (aws_transport){m, perform, sleep_ms, now_ms, NULL};
}

void mock_push(mock_transport *m, mock_response r) {
    if (m->response_count < MOCK_MAX_RESPONSES)
        m->responses[m->response_count++] = r;
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
