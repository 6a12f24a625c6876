/* HTTP/1.1 over a socket for the Runtime API (see runtime_http.h). */
#include "runtime_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* Request line and headers: a path with a request id, an error type and
 * the fixed headers fit in far less. */
#define REQUEST_HEAD_MAX 2048
/* What one recv() may add to the buffer. */
#define READ_CHUNK ((size_t)64 * 1024)
#define INITIAL_CAPACITY ((size_t)16 * 1024)
/* A chunked body may carry this much framing per byte of data and still
 * be read: far more than any real server's chunking. */
#define CHUNKED_FRAMING_FACTOR 2
#define MS_PER_SECOND 1000
#define NS_PER_MS 1000000L
#define STATUS_MIN 100
#define STATUS_MAX 599
#define STATUS_INFORMATIONAL_END 200 /* 1xx: another head follows */
#define STATUS_NO_CONTENT 204
#define STATUS_NOT_MODIFIED 304
#define HEX_BASE 16
#define DECIMAL_BASE 10
/* One error's cause, before the URL is put in front of it. */
#define CAUSE_SIZE 256

static int fail(char *error, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (error && size > 0)
        /* clang-analyzer misses va_start() here (a known false positive). */
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
        vsnprintf(error, size, fmt, ap);
    va_end(ap);
    return -1;
}

static int64_t monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * MS_PER_SECOND + ts.tv_nsec / NS_PER_MS;
}

/* ---- endpoint ---- */

int runtime_http_resolve(runtime_http_endpoint *ep, const char *api,
                         char *error, size_t error_size) {
    memset(ep, 0, sizeof *ep);
    if (!api || !*api)
        return fail(error, error_size, "AWS_LAMBDA_RUNTIME_API is not set");
    if (strlen(api) >= sizeof ep->host)
        return fail(error, error_size, "AWS_LAMBDA_RUNTIME_API is too long");
    memcpy(ep->host, api, strlen(api) + 1);
    char host[RUNTIME_HTTP_HOST_SIZE];
    const char *colon = strrchr(api, ':');
    const char *port = colon ? colon + 1 : "";
    size_t host_len = colon ? (size_t)(colon - api) : 0;
    if (host_len >= 2 && api[0] == '[' && api[host_len - 1] == ']') {
        api++; /* "[::1]:9001" */
        host_len -= 2;
    }
    char *end;
    long port_number = strtol(port, &end, DECIMAL_BASE);
    if (host_len == 0 || *port == '\0' || *end != '\0' || port_number <= 0 ||
        port_number > UINT16_MAX)
        return fail(error, error_size,
                    "AWS_LAMBDA_RUNTIME_API %.100s is not host:port", ep->host);
    memcpy(host, api, host_len);
    host[host_len] = '\0';

    /* Numeric addresses (Lambda's 127.0.0.1:9001) without getaddrinfo(),
     * which would load NSS modules at start. */
    struct sockaddr_in *in4 = (struct sockaddr_in *)&ep->addr;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ep->addr;
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port_number);
        ep->addr_len = sizeof *in4;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port_number);
        ep->addr_len = sizeof *in6;
        return 0;
    }
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0 || !res || res->ai_addrlen > sizeof ep->addr) {
        if (res)
            freeaddrinfo(res);
        return fail(error, error_size, "cannot resolve %.100s: %s", host,
                    rc ? gai_strerror(rc) : "no address");
    }
    memcpy(&ep->addr, res->ai_addr, res->ai_addrlen);
    ep->addr_len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

/* ---- parsing ---- */

/* Finds the end of the line starting at pos: *eol is where its CRLF (or
 * bare LF) starts, *next where the next line starts. 0, or -1 if the
 * line is not complete. */
static int line_at(const char *s, size_t len, size_t pos, size_t *eol,
                   size_t *next) {
    const char *lf = memchr(s + pos, '\n', len - pos);
    if (!lf)
        return -1;
    *next = (size_t)(lf - s) + 1;
    *eol = (size_t)(lf - s);
    if (*eol > pos && s[*eol - 1] == '\r')
        (*eol)--;
    return 0;
}

static int is_blank(char c) {
    return c == ' ' || c == '\t';
}

static int parse_status_line(const char *s, size_t len, int *status) {
    static const char prefix[] = "HTTP/1.";
    size_t p = sizeof prefix - 1;
    /* "HTTP/1.x 200 OK": the reason phrase is optional. */
    if (len < p + 1 + 1 + 3 || memcmp(s, prefix, p) != 0 ||
        (s[p] != '0' && s[p] != '1') || s[p + 1] != ' ')
        return -1;
    p += 2;
    int v = 0;
    for (int i = 0; i < 3; i++, p++) {
        if (s[p] < '0' || s[p] > '9')
            return -1;
        v = v * DECIMAL_BASE + (s[p] - '0');
    }
    if ((p < len && s[p] != ' ') || v < STATUS_MIN || v > STATUS_MAX)
        return -1;
    *status = v;
    return 0;
}

static int header_is(const char *name, size_t name_len, const char *want) {
    return name_len == strlen(want) && strncasecmp(name, want, name_len) == 0;
}

static int parse_content_length(const char *v, size_t len, int64_t *out) {
    if (len == 0)
        return -1;
    int64_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9' ||
            n > (INT64_MAX - (v[i] - '0')) / DECIMAL_BASE)
            return -1;
        n = n * DECIMAL_BASE + (v[i] - '0');
    }
    *out = n;
    return 0;
}

int runtime_http_parse_head(const char *head, size_t len,
                            runtime_http_head *out,
                            runtime_http_header_fn on_header, void *user,
                            char *error, size_t error_size) {
    out->status = 0;
    out->chunked = 0;
    out->content_length = -1;
    size_t eol, pos;
    if (line_at(head, len, 0, &eol, &pos) != 0 ||
        parse_status_line(head, eol, &out->status) != 0)
        return fail(error, error_size, "malformed status line \"%.60s\"", head);
    for (;;) {
        size_t start = pos;
        if (line_at(head, len, start, &eol, &pos) != 0)
            return fail(error, error_size, "response head not terminated");
        if (eol == start)
            return 0; /* the empty line: end of the head */
        const char *line = head + start;
        size_t line_len = eol - start;
        const char *colon = memchr(line, ':', line_len);
        size_t name_len = colon ? (size_t)(colon - line) : 0;
        /* No folded lines (obsolete), no space before the colon. */
        int bad = name_len == 0 || is_blank(line[0]);
        for (size_t i = 0; !bad && i < name_len; i++)
            bad = is_blank(line[i]);
        if (bad)
            return fail(error, error_size, "malformed header \"%.60s\"", line);
        const char *value = colon + 1;
        size_t value_len = line_len - name_len - 1;
        while (value_len > 0 && is_blank(*value)) {
            value++;
            value_len--;
        }
        while (value_len > 0 && is_blank(value[value_len - 1]))
            value_len--;
        if (header_is(line, name_len, "Content-Length")) {
            int64_t n;
            if (parse_content_length(value, value_len, &n) != 0 ||
                (out->content_length >= 0 && n != out->content_length))
                return fail(error, error_size, "bad Content-Length \"%.*s\"",
                            (int)(value_len > 40 ? 40 : value_len), value);
            out->content_length = n;
        } else if (header_is(line, name_len, "Transfer-Encoding")) {
            if (!header_is(value, value_len, "chunked"))
                return fail(error, error_size,
                            "unsupported Transfer-Encoding \"%.*s\"",
                            (int)(value_len > 40 ? 40 : value_len), value);
            out->chunked = 1;
        }
        if (on_header)
            on_header(user, line, name_len, value, value_len);
    }
}

int runtime_http_dechunk(char *data, size_t len, size_t *out_len, char *error,
                         size_t error_size) {
    size_t pos = 0, out = 0, eol, next;
    for (;;) {
        if (line_at(data, len, pos, &eol, &next) != 0)
            return fail(error, error_size, "chunked body cut short");
        size_t size = 0, i = pos;
        for (; i < eol; i++) {
            char c = data[i];
            int digit = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
            if (digit < 0)
                break;
            if (size > (SIZE_MAX - (size_t)digit) / HEX_BASE)
                return fail(error, error_size, "chunk size overflows");
            size = size * HEX_BASE + (size_t)digit;
        }
        /* At least one digit, then the line's end or an extension. */
        if (i == pos || (i < eol && data[i] != ';' && !is_blank(data[i])))
            return fail(error, error_size, "malformed chunk size line");
        pos = next;
        if (size == 0)
            break;
        if (size > len - pos)
            return fail(error, error_size, "chunked body cut short");
        memmove(data + out, data + pos, size);
        out += size;
        pos += size;
        if (line_at(data, len, pos, &eol, &next) != 0 || eol != pos)
            return fail(error, error_size, "chunk not followed by CRLF");
        pos = next;
    }
    /* Trailer lines, up to the empty line. */
    for (;;) {
        if (line_at(data, len, pos, &eol, &next) != 0)
            return fail(error, error_size, "chunked body cut short");
        if (eol == pos)
            break;
        pos = next;
    }
    data[out] = '\0';
    *out_len = out;
    return 0;
}

/* ---- the exchange ---- */

void runtime_http_buffer_free(runtime_http_buffer *b) {
    free(b->data);
    memset(b, 0, sizeof *b);
}

static int reserve(runtime_http_buffer *b, size_t need) {
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : INITIAL_CAPACITY;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

/* Where one exchange stands, for its error messages and deadline. */
typedef struct exchange {
    const runtime_http_endpoint *ep;
    const runtime_http_request *req;
    int fd;
    int64_t deadline_ms; /* monotonic; 0: none */
    char *error;
    size_t error_size;
} exchange;

static int xfail(exchange *x, const char *fmt, ...) {
    char cause[CAUSE_SIZE];
    va_list ap;
    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
    vsnprintf(cause, sizeof cause, fmt, ap);
    va_end(ap);
    return fail(x->error, x->error_size, "http://%s%s: %s", x->ep->host,
                x->req->path, cause);
}

/* Waits until fd is ready for events; -1 (error filled) on timeout. */
static int wait_for(exchange *x, short events) {
    for (;;) {
        int timeout = -1;
        if (x->deadline_ms) {
            int64_t left = x->deadline_ms - monotonic_ms();
            if (left <= 0)
                return xfail(x, "timed out after %d ms", x->req->timeout_ms);
            timeout = left > INT32_MAX ? INT32_MAX : (int)left;
        }
        struct pollfd p = {x->fd, events, 0};
        int n = poll(&p, 1, timeout);
        if (n > 0)
            return 0;
        if (n < 0 && errno != EINTR)
            return xfail(x, "poll: %s", strerror(errno));
    }
}

static int send_all(exchange *x, const char *data, size_t len) {
    while (len > 0) {
        if (wait_for(x, POLLOUT) != 0)
            return -1;
        ssize_t n = send(x->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
                continue;
            return xfail(x, "send: %s", strerror(errno));
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads what comes next, at most limit bytes, into b (kept
 * NUL-terminated). Returns the number of bytes read, 0 at the end of the
 * connection, -1 on error. */
static ssize_t recv_some(exchange *x, runtime_http_buffer *b, size_t limit) {
    if (reserve(b, b->len + limit + 1) != 0)
        return xfail(x, "out of memory");
    for (;;) {
        if (wait_for(x, POLLIN) != 0)
            return -1;
        ssize_t n = recv(x->fd, b->data + b->len, limit, MSG_DONTWAIT);
        if (n < 0 &&
            (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n < 0)
            return xfail(x, "recv: %s", strerror(errno));
        b->len += (size_t)n;
        b->data[b->len] = '\0';
        return n;
    }
}

/* Appends to a fixed buffer; -1 once it would overflow. */
static int appendf(char *buf, size_t size, size_t *len, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
    int n = *len < size ? vsnprintf(buf + *len, size - *len, fmt, ap) : -1;
    va_end(ap);
    if (n < 0 || (size_t)n >= size - *len)
        return -1;
    *len += (size_t)n;
    return 0;
}

static int send_request(exchange *x) {
    const runtime_http_request *req = x->req;
    char head[REQUEST_HEAD_MAX];
    size_t n = 0;
    /* Connection: close, so that the end of the connection can frame a
     * body and no idle connection outlives the request. */
    int rc = appendf(head, sizeof head, &n,
                     "%s %s HTTP/1.1\r\nHost: %s\r\n"
                     "User-Agent: libthumbnail-bootstrap\r\n"
                     "Connection: close\r\n",
                     req->method, req->path, x->ep->host);
    for (const char *const *h = req->headers; h && *h && rc == 0; h++)
        rc = appendf(head, sizeof head, &n, "%s\r\n", *h);
    if (req->body && rc == 0)
        rc = appendf(head, sizeof head, &n, "Content-Length: %zu\r\n",
                     req->body_len);
    if (rc == 0)
        rc = appendf(head, sizeof head, &n, "\r\n");
    if (rc != 0)
        return xfail(x, "request head over %d bytes", REQUEST_HEAD_MAX);
    if (send_all(x, head, n) != 0)
        return -1;
    return req->body ? send_all(x, req->body, req->body_len) : 0;
}

/* Reads up to the end of a final (non-1xx) response head, parses it and
 * leaves in b only the body bytes that came after it. */
static int read_head(exchange *x, runtime_http_buffer *b,
                     runtime_http_head *head) {
    b->len = 0;
    size_t scanned = 0;
    for (;;) {
        const char *end = NULL;
        /* The head ends at the first empty line: "\n\r\n" or "\n\n". */
        for (size_t i = scanned; i + 1 < b->len && !end; i++)
            if (b->data[i] == '\n' &&
                (b->data[i + 1] == '\n' ||
                 (b->data[i + 1] == '\r' && i + 2 < b->len &&
                  b->data[i + 2] == '\n')))
                end = b->data + i + (b->data[i + 1] == '\n' ? 2 : 3);
        if (!end) {
            if (b->len > RUNTIME_HTTP_MAX_HEAD)
                return xfail(x, "response head over %zu bytes",
                             RUNTIME_HTTP_MAX_HEAD);
            scanned = b->len > 2 ? b->len - 2 : 0;
            ssize_t n = recv_some(x, b, READ_CHUNK);
            if (n < 0)
                return -1;
            if (n == 0)
                return xfail(x, b->len ? "connection closed in the "
                                         "response head"
                                       : "connection closed without a "
                                         "response");
            continue;
        }
        size_t head_len = (size_t)(end - b->data);
        char why[CAUSE_SIZE];
        /* An interim 1xx response is skipped, its headers unseen. */
        if (runtime_http_parse_head(b->data, head_len, head, NULL, NULL, why,
                                    sizeof why) != 0)
            return xfail(x, "%s", why);
        if (head->status >= STATUS_INFORMATIONAL_END &&
            runtime_http_parse_head(b->data, head_len, head, x->req->on_header,
                                    x->req->user, why, sizeof why) != 0)
            return xfail(x, "%s", why);
        memmove(b->data, end, b->len - head_len);
        b->len -= head_len;
        b->data[b->len] = '\0';
        scanned = 0;
        if (head->status >= STATUS_INFORMATIONAL_END)
            return 0;
    }
}

static int read_body(exchange *x, runtime_http_buffer *b,
                     const runtime_http_head *head) {
    size_t max = x->req->max_body;
    if (head->status == STATUS_NO_CONTENT ||
        head->status == STATUS_NOT_MODIFIED) {
        b->len = 0;
        b->data[0] = '\0';
        return 0;
    }
    if (!head->chunked && head->content_length >= 0) {
        if ((uint64_t)head->content_length > max)
            return xfail(x,
                         "response body of %lld bytes is over the limit "
                         "of %zu",
                         (long long)head->content_length, max);
        size_t want = (size_t)head->content_length;
        if (reserve(b, want + 1) != 0)
            return xfail(x, "out of memory");
        while (b->len < want) {
            ssize_t n = recv_some(x, b, want - b->len);
            if (n < 0)
                return -1;
            if (n == 0)
                return xfail(x,
                             "connection closed after %zu of %zu body "
                             "bytes",
                             b->len, want);
        }
        b->len = want; /* anything after it is not ours */
        b->data[b->len] = '\0';
        return 0;
    }
    /* Chunked, or framed by the end of the connection (we asked for
     * Connection: close): read everything. */
    size_t raw_max =
        head->chunked ? max * CHUNKED_FRAMING_FACTOR + READ_CHUNK : max;
    for (;;) {
        if (b->len > raw_max)
            return xfail(x, "response body over the limit of %zu bytes", max);
        ssize_t n = recv_some(x, b, READ_CHUNK);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
    }
    if (head->chunked) {
        char why[CAUSE_SIZE];
        if (runtime_http_dechunk(b->data, b->len, &b->len, why, sizeof why) !=
            0)
            return xfail(x, "%s", why);
        if (b->len > max)
            return xfail(x, "response body over the limit of %zu bytes", max);
    }
    return 0;
}

int runtime_http_exchange(const runtime_http_endpoint *ep,
                          const runtime_http_request *req,
                          runtime_http_buffer *body, char *error,
                          size_t error_size) {
    exchange x = {ep, req, -1, 0, error, error_size};
    if (req->timeout_ms > 0)
        x.deadline_ms = monotonic_ms() + req->timeout_ms;
    if (reserve(body, INITIAL_CAPACITY) != 0)
        return xfail(&x, "out of memory");
    body->len = 0;
    body->data[0] = '\0';
    x.fd = socket(ep->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (x.fd < 0)
        return xfail(&x, "socket: %s", strerror(errno));
    /* A blocking connect: the Runtime API is a local address, which
     * answers or refuses at once. */
    int one = 1;
    int rc = -1;
    runtime_http_head head = {0};
    if (connect(x.fd, (const struct sockaddr *)&ep->addr, ep->addr_len) != 0)
        xfail(&x, "connect: %s", strerror(errno));
    /* The head and the body are sent apart: no Nagle delay between them. */
    else if (setsockopt(x.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        xfail(&x, "setsockopt: %s", strerror(errno));
    else if (send_request(&x) == 0 && read_head(&x, body, &head) == 0 &&
             read_body(&x, body, &head) == 0)
        rc = head.status;
    close(x.fd);
    return rc;
}
