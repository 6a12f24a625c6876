/* Tests of the Runtime API's HTTP client (runtime_http.h): the response
 * parsers on their own, then whole exchanges with a server thread on
 * 127.0.0.1 that answers with canned bytes and keeps the request. */
#include "runtime_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define ERROR_SIZE 256
#define REQUEST_MAX 8192
/* The canned response goes out in two writes this far apart, so that the
 * client has to put a head together from two reads. */
#define SPLIT_PAUSE_NS 20000000L
#define DECIMAL_BASE 10

/* ---- response heads ---- */

typedef struct seen_headers {
    char names[8][64];
    char values[8][64];
    int count;
} seen_headers;

static void record_header(void *user, const char *name, size_t name_len,
                          const char *value, size_t value_len) {
    seen_headers *s = user;
    assert_true(s->count < 8);
    snprintf(s->names[s->count], sizeof s->names[0], "%.*s", (int)name_len,
             name);
    snprintf(s->values[s->count], sizeof s->values[0], "%.*s", (int)value_len,
             value);
    s->count++;
}

static int parse(const char *head, runtime_http_head *out, char *why) {
    return runtime_http_parse_head(head, strlen(head), out, NULL, NULL, why,
                                   ERROR_SIZE);
}

static void head_gives_status_framing_and_trimmed_headers(void **state) {
    (void)state;
    static const char head[] = "HTTP/1.1 200 OK\r\n"
                               "lambda-runtime-aws-request-id:  id-1 \r\n"
                               "CONTENT-LENGTH: 42\r\n"
                               "Empty:\r\n"
                               "\r\n";
    runtime_http_head h;
    seen_headers seen = {0};
    char why[ERROR_SIZE];
    assert_int_equal(runtime_http_parse_head(head, strlen(head), &h,
                                             record_header, &seen, why,
                                             sizeof why),
                     0);
    assert_int_equal(h.status, 200);
    assert_int_equal(h.content_length, 42);
    assert_false(h.chunked);
    assert_int_equal(seen.count, 3);
    assert_string_equal(seen.names[0], "lambda-runtime-aws-request-id");
    assert_string_equal(seen.values[0], "id-1");
    assert_string_equal(seen.values[1], "42");
    assert_string_equal(seen.names[2], "Empty");
    assert_string_equal(seen.values[2], "");

    /* Bare LF line ends, no reason phrase, chunked. */
    assert_int_equal(
        parse("HTTP/1.0 404\nTransfer-Encoding: Chunked\n\n", &h, why), 0);
    assert_int_equal(h.status, 404);
    assert_true(h.chunked);
    assert_int_equal(h.content_length, -1);
}

static void malformed_heads_are_refused(void **state) {
    (void)state;
    static const char *const bad[] = {
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 099 Low\r\n\r\n",
        "ICY 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nNo-Colon\r\n\r\n",
        "HTTP/1.1 200 OK\r\nSpace : before colon\r\n\r\n",
        "HTTP/1.1 200 OK\r\nA: 1\r\n folded\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nA: 1\r\n", /* no empty line */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        runtime_http_head h;
        char why[ERROR_SIZE] = "";
        if (parse(bad[i], &h, why) == 0)
            fail_msg("accepted: %s", bad[i]);
        assert_true(why[0] != '\0');
    }
    /* The same Content-Length twice is one length. */
    runtime_http_head h;
    char why[ERROR_SIZE];
    assert_int_equal(
        parse(
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\n",
            &h, why),
        0);
    assert_int_equal(h.content_length, 3);
}

/* ---- chunked bodies ---- */

static int dechunk(const char *in, char *out, size_t *len, char *why) {
    size_t n = strlen(in);
    memcpy(out, in, n + 1);
    return runtime_http_dechunk(out, n, len, why, ERROR_SIZE);
}

static void chunked_bodies_are_decoded(void **state) {
    (void)state;
    char buf[256], why[ERROR_SIZE];
    size_t len;
    assert_int_equal(dechunk("4;name=v\r\nWiki\r\nA\r\npedia in c\r\n"
                             "0\r\nX-Trailer: t\r\n\r\n",
                             buf, &len, why),
                     0);
    assert_int_equal(len, 14);
    assert_string_equal(buf, "Wikipedia in c");
    assert_int_equal(dechunk("0\r\n\r\n", buf, &len, why), 0);
    assert_int_equal(len, 0);
    assert_string_equal(buf, "");

    static const char *const bad[] = {
        "",                           /* nothing */
        "4\r\nWiki\r\n",              /* no last chunk */
        "4\r\nWiki\r\n0\r\n",         /* no empty line after it */
        "7\r\nWiki\r\n0\r\n\r\n",     /* size larger than the data */
        "3\r\nWiki\r\n0\r\n\r\n",     /* data longer than its size */
        "x\r\nWiki\r\n0\r\n\r\n",     /* not hex */
        "\r\nWiki\r\n0\r\n\r\n",      /* no size */
        "4x\r\nWiki\r\n0\r\n\r\n",    /* junk after the size */
        "FFFFFFFFFFFFFFFFF\r\nW\r\n", /* overflow */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (dechunk(bad[i], buf, &len, why) == 0)
            fail_msg("accepted: \"%s\"", bad[i]);
}

/* ---- endpoints ---- */

static void endpoints_take_host_and_port(void **state) {
    (void)state;
    runtime_http_endpoint ep;
    char why[ERROR_SIZE];
    assert_int_equal(
        runtime_http_resolve(&ep, "127.0.0.1:9001", why, sizeof why), 0);
    assert_int_equal(ep.addr.ss_family, AF_INET);
    assert_int_equal(ntohs(((struct sockaddr_in *)&ep.addr)->sin_port), 9001);
    assert_string_equal(ep.host, "127.0.0.1:9001");
    assert_int_equal(runtime_http_resolve(&ep, "[::1]:80", why, sizeof why), 0);
    assert_int_equal(ep.addr.ss_family, AF_INET6);
    assert_int_equal(runtime_http_resolve(&ep, "localhost:80", why, sizeof why),
                     0);

    static const char *const bad[] = {
        "",    "127.0.0.1",       "127.0.0.1:",  "127.0.0.1:0",
        ":80", "127.0.0.1:65536", "127.0.0.1:8x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (runtime_http_resolve(&ep, bad[i], why, sizeof why) == 0)
            fail_msg("accepted: \"%s\"", bad[i]);
    assert_int_equal(runtime_http_resolve(&ep, NULL, why, sizeof why), -1);
    assert_string_equal(why, "AWS_LAMBDA_RUNTIME_API is not set");
}

/* ---- exchanges with a server on 127.0.0.1 ---- */

typedef struct server {
    int listen_fd;
    char api[64];         /* "127.0.0.1:port" */
    const char *response; /* NULL: close without answering */
    size_t split;         /* first write's length; 0: one write */
    int wait_for_close;   /* answer nothing, wait for the client to leave */
    char request[REQUEST_MAX];
    size_t request_len;
    pthread_t thread;
} server;

static void write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return; /* the client left: its side of the test says why */
        p += w;
        n -= (size_t)w;
    }
}

/* Reads the request: its head, then Content-Length bytes of body. */
static void read_request(server *s, int fd) {
    size_t body_at = 0, want = 0;
    while (s->request_len < sizeof s->request - 1) {
        if (body_at && s->request_len >= body_at + want)
            return;
        ssize_t n = recv(fd, s->request + s->request_len,
                         sizeof s->request - 1 - s->request_len, 0);
        if (n <= 0)
            return;
        s->request_len += (size_t)n;
        s->request[s->request_len] = '\0';
        char *end = strstr(s->request, "\r\n\r\n");
        if (!body_at && end) {
            body_at = (size_t)(end - s->request) + 4;
            const char *cl = strstr(s->request, "Content-Length: ");
            want = cl && cl < end ? strtoul(cl + strlen("Content-Length: "),
                                            NULL, DECIMAL_BASE)
                                  : 0;
        }
    }
}

static void *serve_one(void *arg) {
    server *s = arg;
    int fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0)
        return NULL;
    read_request(s, fd);
    if (s->wait_for_close) {
        char c;
        while (recv(fd, &c, 1, 0) > 0)
            ;
    } else if (s->response) {
        size_t n = strlen(s->response);
        size_t first = s->split && s->split < n ? s->split : n;
        write_all(fd, s->response, first);
        struct timespec pause = {0, SPLIT_PAUSE_NS};
        nanosleep(&pause, NULL);
        write_all(fd, s->response + first, n - first);
    }
    close(fd);
    return NULL;
}

static void server_start(server *s, const char *response, size_t split) {
    memset(s, 0, sizeof *s);
    s->response = response;
    s->split = split;
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->listen_fd >= 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    assert_int_equal(bind(s->listen_fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s->listen_fd, 1), 0);
    assert_int_equal(getsockname(s->listen_fd, (struct sockaddr *)&a, &len), 0);
    snprintf(s->api, sizeof s->api, "127.0.0.1:%u", ntohs(a.sin_port));
}

static void server_run(server *s) {
    assert_int_equal(pthread_create(&s->thread, NULL, serve_one, s), 0);
}

static void server_stop(server *s) {
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
}

/* One exchange against a server answering response. */
static int exchange(server *s, const runtime_http_request *req,
                    runtime_http_buffer *body, char *why) {
    runtime_http_endpoint ep;
    assert_int_equal(runtime_http_resolve(&ep, s->api, why, ERROR_SIZE), 0);
    server_run(s);
    int status = runtime_http_exchange(&ep, req, body, why, ERROR_SIZE);
    server_stop(s);
    return status;
}

static void get_reads_a_content_length_body(void **state) {
    (void)state;
    static const char response[] = "HTTP/1.1 200 OK\r\n"
                                   "LAMBDA-RUNTIME-AWS-REQUEST-ID: abc-123\r\n"
                                   "Content-Length: 13\r\n"
                                   "\r\n"
                                   "{\"hello\":\"x\"}";
    server s;
    /* Split inside the head's terminating CRLF CRLF. */
    server_start(&s, response, strstr(response, "\r\n\r\n") + 2 - response);
    seen_headers seen = {0};
    runtime_http_request req = {.method = "GET",
                                .path = "/2018-06-01/runtime/invocation/next",
                                .max_body = 1024,
                                .on_header = record_header,
                                .user = &seen};
    runtime_http_buffer body = {0};
    char why[ERROR_SIZE] = "";
    assert_int_equal(exchange(&s, &req, &body, why), 200);
    assert_string_equal(body.data, "{\"hello\":\"x\"}");
    assert_int_equal(body.len, 13);
    assert_int_equal(seen.count, 2);
    assert_string_equal(seen.values[0], "abc-123");

    char line[128];
    snprintf(line, sizeof line,
             "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n"
             "Host: %s\r\n",
             s.api);
    assert_memory_equal(s.request, line, strlen(line));
    assert_non_null(strstr(s.request, "\r\nConnection: close\r\n"));
    assert_null(strstr(s.request, "Content-Length"));
    runtime_http_buffer_free(&body);
}

static void post_sends_its_body_and_reads_a_chunked_answer(void **state) {
    (void)state;
    static const char response[] = "HTTP/1.1 100 Continue\r\n"
                                   "X-Interim: yes\r\n\r\n"
                                   "HTTP/1.1 202 Accepted\r\n"
                                   "Transfer-Encoding: chunked\r\n"
                                   "\r\n"
                                   "4;ext=1\r\n{\"st\r\n"
                                   "B\r\natus\":\"OK\"}\r\n"
                                   "0\r\nX-Trailer: t\r\n\r\n";
    server s;
    server_start(&s, response, 30);
    const char *headers[] = {"Content-Type: application/json", NULL};
    seen_headers seen = {0};
    runtime_http_request req = {.method = "POST",
                                .path = "/2018-06-01/runtime/init/error",
                                .headers = headers,
                                .body = "{\"a\":1}",
                                .body_len = 7,
                                .timeout_ms = 5000,
                                .max_body = 1024,
                                .on_header = record_header,
                                .user = &seen};
    runtime_http_buffer body = {0};
    char why[ERROR_SIZE] = "";
    assert_int_equal(exchange(&s, &req, &body, why), 202);
    assert_string_equal(body.data, "{\"status\":\"OK\"}");
    /* The interim response's headers are not the answer's. */
    assert_int_equal(seen.count, 1);
    assert_string_equal(seen.names[0], "Transfer-Encoding");
    assert_non_null(
        strstr(s.request, "\r\nContent-Type: application/json\r\n"));
    assert_non_null(
        strstr(s.request, "\r\nContent-Length: 7\r\n\r\n{\"a\":1}"));
    runtime_http_buffer_free(&body);
}

static void a_body_without_length_ends_with_the_connection(void **state) {
    (void)state;
    server s;
    server_start(&s, "HTTP/1.0 200 OK\r\n\r\nabc", 0);
    runtime_http_request req = {.method = "GET", .path = "/", .max_body = 16};
    runtime_http_buffer body = {0};
    char why[ERROR_SIZE] = "";
    assert_int_equal(exchange(&s, &req, &body, why), 200);
    assert_string_equal(body.data, "abc");
    runtime_http_buffer_free(&body);
}

/* The exchange fails and its message contains want. */
static void assert_fails(server *s, const runtime_http_request *req,
                         const char *want) {
    runtime_http_buffer body = {0};
    char why[ERROR_SIZE] = "";
    assert_int_equal(exchange(s, req, &body, why), -1);
    if (!strstr(why, want))
        fail_msg("\"%s\" does not say \"%s\"", why, want);
    assert_non_null(strstr(why, "http://127.0.0.1:"));
    runtime_http_buffer_free(&body);
}

static void broken_answers_are_errors(void **state) {
    (void)state;
    runtime_http_request req = {.method = "GET", .path = "/", .max_body = 10};
    server s;
    server_start(&s, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", 0);
    assert_fails(&s, &req, "over the limit of 10");
    server_start(&s, "HTTP/1.1 200 OK\r\n\r\n0123456789abcdef", 0);
    assert_fails(&s, &req, "over the limit of 10");
    server_start(&s, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0);
    assert_fails(&s, &req, "closed after 3 of 10");
    server_start(&s, "HTTP/1.1 200 OK\r\nContent-", 0);
    assert_fails(&s, &req, "closed in the response head");
    server_start(&s, NULL, 0);
    assert_fails(&s, &req, "without a response");
    server_start(&s,
                 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5\r\nab",
                 0);
    assert_fails(&s, &req, "chunked body cut short");
    server_start(&s, "SSH-2.0-OpenSSH\r\n\r\n", 0);
    assert_fails(&s, &req, "malformed status line");

    server_start(&s, NULL, 0);
    s.wait_for_close = 1;
    req.timeout_ms = 100;
    assert_fails(&s, &req, "timed out after 100 ms");
}

static void a_closed_port_is_an_error(void **state) {
    (void)state;
    server s;
    server_start(&s, NULL, 0);
    close(s.listen_fd); /* nobody listens there any more */
    runtime_http_endpoint ep;
    char why[ERROR_SIZE] = "";
    assert_int_equal(runtime_http_resolve(&ep, s.api, why, sizeof why), 0);
    runtime_http_request req = {.method = "GET", .path = "/x", .max_body = 1};
    runtime_http_buffer body = {0};
    assert_int_equal(runtime_http_exchange(&ep, &req, &body, why, sizeof why),
                     -1);
    assert_non_null(strstr(why, "/x: connect: "));
    runtime_http_buffer_free(&body);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(head_gives_status_framing_and_trimmed_headers),
        cmocka_unit_test(malformed_heads_are_refused),
        cmocka_unit_test(chunked_bodies_are_decoded),
        cmocka_unit_test(endpoints_take_host_and_port),
        cmocka_unit_test(get_reads_a_content_length_body),
        cmocka_unit_test(post_sends_its_body_and_reads_a_chunked_answer),
        cmocka_unit_test(a_body_without_length_ends_with_the_connection),
        cmocka_unit_test(broken_answers_are_errors),
        cmocka_unit_test(a_closed_port_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
