/*
 * runtime_http.h -- the little HTTP/1.1 the Runtime API needs, over a
 * plain socket: one request per connection to AWS_LAMBDA_RUNTIME_API
 * ("host:port", a local address), the response head parsed strictly
 * (header names case-insensitive), its body framed by Content-Length,
 * chunked encoding or the end of the connection.
 *
 * Not libcurl: loading libcurl and the 30-odd libraries Debian builds it
 * with, only to talk to 127.0.0.1, was most of the runtime's cold start.
 * The S3 client still uses libcurl (TLS, SigV4), from its first request.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_LAMBDA_RUNTIME_HTTP_H
#define THUMB_LAMBDA_RUNTIME_HTTP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* "host:port" as AWS_LAMBDA_RUNTIME_API gives it, sent as Host. */
#define RUNTIME_HTTP_HOST_SIZE 256
/* A response head (status line and headers) longer than this is refused:
 * the Runtime API's are well under 8 KiB, client context included. */
#define RUNTIME_HTTP_MAX_HEAD ((size_t)64 * 1024)

typedef struct runtime_http_endpoint {
    struct sockaddr_storage addr;
    socklen_t addr_len;
    char host[RUNTIME_HTTP_HOST_SIZE];
} runtime_http_endpoint;

/* A growing buffer, kept NUL-terminated; reused from request to request. */
typedef struct runtime_http_buffer {
    char *data;
    size_t len, cap;
} runtime_http_buffer;

/* Gets each response header, name and value trimmed, not NUL-terminated. */
typedef void (*runtime_http_header_fn)(void *user, const char *name,
                                       size_t name_len, const char *value,
                                       size_t value_len);

typedef struct runtime_http_request {
    const char *method; /* "GET" or "POST" */
    const char *path;   /* "/2018-06-01/runtime/..." */
    /* Extra "Name: value" lines (no CRLF), NULL-terminated; may be NULL.
     * Host, Content-Length and Connection are added. */
    const char *const *headers;
    const char *body; /* NULL: none */
    size_t body_len;
    /* For the whole exchange; 0 waits forever (a /next blocks until there
     * is an invocation, and Lambda freezes the process meanwhile). */
    int timeout_ms;
    size_t max_body; /* a longer response body fails the exchange */
    runtime_http_header_fn on_header; /* may be NULL */
    void *user;
} runtime_http_request;

typedef struct runtime_http_head {
    int status;
    int chunked;            /* Transfer-Encoding: chunked */
    int64_t content_length; /* -1 when absent */
} runtime_http_head;

/* api is "host:port" with a numeric IPv4 address, "[IPv6]:port" or a
 * name. Returns 0, or -1 with error filled. */
int runtime_http_resolve(runtime_http_endpoint *ep, const char *api,
                         char *error, size_t error_size);

/* Sends req and reads the whole response into body. Returns the HTTP
 * status, or -1 with error filled (connection, timeout, malformed or too
 * large a response). */
int runtime_http_exchange(const runtime_http_endpoint *ep,
                          const runtime_http_request *req,
                          runtime_http_buffer *body, char *error,
                          size_t error_size);

void runtime_http_buffer_free(runtime_http_buffer *b);

/* ---- The parsers, apart so that unit tests reach them ---- */

/* Parses a response head: the status line and header lines, len bytes
 * ending with the empty line. Calls on_header (if not NULL) for each
 * header. Returns 0, or -1 with error filled. */
int runtime_http_parse_head(const char *head, size_t len,
                            runtime_http_head *out,
                            runtime_http_header_fn on_header, void *user,
                            char *error, size_t error_size);

/* Decodes a complete chunked body in place (trailers are dropped) and
 * NUL-terminates it. Returns 0 with *out_len set, or -1 with error filled
 * when the framing is broken or incomplete. */
int runtime_http_dechunk(char *data, size_t len, size_t *out_len, char *error,
                         size_t error_size);

#endif /* THUMB_LAMBDA_RUNTIME_HTTP_H */
