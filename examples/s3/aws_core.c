/*
 * aws_core.c -- the request loop shared by the S3 and SQS clients: adds
 * the headers SigV4 needs, sends through the transport, keeps error
 * bodies, and retries per the policy in aws_retry.c within the deadline.
 */
#include "aws_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Error documents are small; a bigger body is cut, not buffered. */
#define ERROR_BODY_MAX 4096
#define HTTP_OK_MIN 200
#define HTTP_OK_MAX 299
#define HTTP_UNAUTHORIZED 401
#define HTTP_FORBIDDEN 403
#define HTTP_NOT_FOUND 404
#define QUERY_ERROR_SIZE 128
#define SIGV4_SIZE 128
#define INITIAL_BODY_CAPACITY 4096

aws_status aws_fail(aws_error *err, aws_status status, const char *fmt, ...) {
    if (err != NULL) {
        err->status = status;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return status;
}

const char *aws_status_name(aws_status status) {
    switch (status) {
    case AWS_OK:
        return "ok";
    case AWS_ERR_ARG:
        return "invalid argument";
    case AWS_ERR_NOMEM:
        return "out of memory";
    case AWS_ERR_NOT_FOUND:
        return "not found";
    case AWS_ERR_ACCESS:
        return "access denied";
    case AWS_ERR_TOO_LARGE:
        return "too large";
    case AWS_ERR_HTTP:
        return "HTTP error";
    case AWS_ERR_TRANSPORT:
        return "transport error";
    case AWS_ERR_PROTOCOL:
        return "protocol error";
    }
    return "unknown status";
}

static void clear_error(aws_error *err) {
    if (err != NULL)
        memset(err, 0, sizeof *err);
}

static char *dup_or_null(const char *s) {
    return s != NULL && *s ? strdup(s) : NULL;
}

void *aws_client_new(size_t size, const aws_config *cfg,
                     aws_transport transport, aws_error *err) {
    aws_core *core = calloc(1, size);
    if (core == NULL) {
        if (transport.destroy != NULL)
            transport.destroy(transport.self);
        aws_fail(err, AWS_ERR_NOMEM, "client: out of memory");
        return NULL;
    }
    if (aws_core_init(core, cfg, transport, err) != AWS_OK) {
        aws_core_cleanup(core);
        free(core);
        return NULL;
    }
    return core;
}

void aws_client_free(aws_core *core) {
    if (core == NULL)
        return;
    aws_core_cleanup(core);
    free(core);
}

aws_status aws_core_init(aws_core *core, const aws_config *cfg,
                         aws_transport transport, aws_error *err) {
    clear_error(err);
    memset(core, 0, sizeof *core);
    core->transport = transport;
    const char *missing = NULL;
    if (cfg == NULL)
        missing = "configuration";
    else if (cfg->access_key_id == NULL || !*cfg->access_key_id)
        missing = "access key id";
    else if (cfg->secret_access_key == NULL || !*cfg->secret_access_key)
        missing = "secret access key";
    else if (cfg->region == NULL || !*cfg->region)
        missing = "region";
    if (missing != NULL)
        return aws_fail(err, AWS_ERR_ARG, "client: no %s configured", missing);
    if (cfg->endpoint != NULL && *cfg->endpoint &&
        strncmp(cfg->endpoint, "https://", strlen("https://")) != 0 &&
        strncmp(cfg->endpoint, "http://", strlen("http://")) != 0)
        return aws_fail(err, AWS_ERR_ARG,
                        "client: endpoint %s is not an http(s) URL",
                        cfg->endpoint);
    core->service = cfg->service;
    core->access_key_id = strdup(cfg->access_key_id);
    core->secret_access_key = strdup(cfg->secret_access_key);
    core->session_token = dup_or_null(cfg->session_token);
    core->region = strdup(cfg->region);
    core->endpoint = dup_or_null(cfg->endpoint);
    core->sigv4 = malloc(SIGV4_SIZE);
    if (core->access_key_id == NULL || core->secret_access_key == NULL ||
        core->region == NULL || core->sigv4 == NULL ||
        (cfg->session_token && *cfg->session_token && !core->session_token) ||
        (cfg->endpoint && *cfg->endpoint && !core->endpoint)) {
        aws_core_cleanup(core);
        return aws_fail(err, AWS_ERR_NOMEM, "client: out of memory");
    }
    if (core->endpoint != NULL) {
        size_t n = strlen(core->endpoint);
        while (n > 0 && core->endpoint[n - 1] == '/')
            core->endpoint[--n] = '\0';
    }
    snprintf(core->sigv4, SIGV4_SIZE, "aws:amz:%s:%s", core->region,
             cfg->service == AWS_SERVICE_SQS ? "sqs" : "s3");
    core->max_attempts =
        cfg->max_attempts > 0 ? cfg->max_attempts : AWS_DEFAULT_MAX_ATTEMPTS;
    core->base_delay_ms =
        cfg->base_delay_ms ? cfg->base_delay_ms : AWS_DEFAULT_BASE_DELAY_MS;
    core->max_delay_ms =
        cfg->max_delay_ms ? cfg->max_delay_ms : AWS_DEFAULT_MAX_DELAY_MS;
    core->connect_timeout_ms = cfg->connect_timeout_ms > 0
                                   ? cfg->connect_timeout_ms
                                   : AWS_DEFAULT_CONNECT_TIMEOUT_MS;
    core->request_timeout_ms = cfg->request_timeout_ms > 0
                                   ? cfg->request_timeout_ms
                                   : AWS_DEFAULT_REQUEST_TIMEOUT_MS;
    core->rng = cfg->jitter_seed;
    if (core->rng == 0)
        core->rng = (uint64_t)transport.now_ms(transport.self) ^
                    ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)core;
    return AWS_OK;
}

void aws_core_cleanup(aws_core *core) {
    free(core->access_key_id);
    if (core->secret_access_key != NULL) {
        /* Do not leave the secret in freed heap memory. */
        volatile char *p = core->secret_access_key;
        while (*p)
            *p++ = '\0';
        free(core->secret_access_key);
    }
    free(core->session_token);
    free(core->region);
    free(core->endpoint);
    free(core->sigv4);
    if (core->transport.destroy != NULL)
        core->transport.destroy(core->transport.self);
    memset(core, 0, sizeof *core);
}

/* Routes a response: 2xx to the caller's sink, anything else into a
 * bounded buffer for the error parser. */
typedef struct attempt_sink {
    aws_call *call;
    char body[ERROR_BODY_MAX];
    size_t body_len;
    char query_error[QUERY_ERROR_SIZE];
} attempt_sink;

static bool is_success(long status) {
    return status >= HTTP_OK_MIN && status <= HTTP_OK_MAX;
}

static int on_header(void *user, long status, const char *name, size_t name_len,
                     const char *value, size_t value_len) {
    attempt_sink *a = user;
    if (!is_success(status)) {
        static const char query_error[] = "x-amzn-query-error";
        if (name_len == strlen(query_error) &&
            strncasecmp(name, query_error, name_len) == 0) {
            size_t n = value_len < sizeof a->query_error - 1
                           ? value_len
                           : sizeof a->query_error - 1;
            memcpy(a->query_error, value, n);
            a->query_error[n] = '\0';
        }
        return 0;
    }
    if (a->call->sink.header == NULL)
        return 0;
    return a->call->sink.header(a->call->sink.user, status, name, name_len,
                                value, value_len);
}

static int on_body(void *user, long status, const void *data, size_t len) {
    attempt_sink *a = user;
    if (!is_success(status)) {
        size_t room = sizeof a->body - 1 - a->body_len;
        size_t n = len < room ? len : room;
        memcpy(a->body + a->body_len, data, n);
        a->body_len += n;
        a->body[a->body_len] = '\0';
        return 0;
    }
    if (a->call->sink.body == NULL)
        return 0;
    return a->call->sink.body(a->call->sink.user, status, data, len);
}

static aws_status status_for_http(long http_status) {
    if (http_status == HTTP_NOT_FOUND)
        return AWS_ERR_NOT_FOUND;
    if (http_status == HTTP_UNAUTHORIZED || http_status == HTTP_FORBIDDEN)
        return AWS_ERR_ACCESS;
    return AWS_ERR_HTTP;
}

static aws_status add_header(aws_http_request *req, const char *name,
                             const char *value) {
    if (req->header_count >= AWS_MAX_REQUEST_HEADERS)
        return AWS_ERR_ARG;
    req->headers[req->header_count].name = name;
    req->headers[req->header_count].value = value;
    req->header_count++;
    return AWS_OK;
}

aws_status aws_core_send(aws_core *core, aws_call *call, long *status_out,
                         aws_error *err) {
    clear_error(err);
    char payload_hash[AWS_SHA256_HEX_SIZE];
    if (!aws_sha256_hex(call->req.body, call->req.body_len, payload_hash))
        return aws_fail(err, AWS_ERR_NOMEM, "%s %s: cannot hash the payload",
                        call->op, call->target);
    aws_http_request req = call->req;
    if (add_header(&req, "x-amz-content-sha256", payload_hash) != AWS_OK ||
        (core->session_token != NULL &&
         add_header(&req, "x-amz-security-token", core->session_token) !=
             AWS_OK))
        return aws_fail(err, AWS_ERR_ARG, "%s %s: too many headers", call->op,
                        call->target);
    req.sigv4 = core->sigv4;
    req.access_key_id = core->access_key_id;
    req.secret_access_key = core->secret_access_key;
    req.connect_timeout_ms = core->connect_timeout_ms;

    attempt_sink *a = malloc(sizeof *a);
    if (a == NULL)
        return aws_fail(err, AWS_ERR_NOMEM, "%s %s: out of memory", call->op,
                        call->target);
    aws_http_sink sink = {a, on_header, on_body};
    aws_transport *t = &core->transport;
    aws_status result = AWS_ERR_TRANSPORT;
    for (int attempt = 1;; attempt++) {
        req.timeout_ms = core->request_timeout_ms;
        if (core->deadline_ms > 0) {
            int64_t left = core->deadline_ms - t->now_ms(t->self);
            if (left <= 0) {
                /* Later attempts keep the previous failure as cause. */
                if (attempt == 1)
                    result =
                        aws_fail(err, AWS_ERR_TRANSPORT,
                                 "%s %s: deadline passed before the request",
                                 call->op, call->target);
                break;
            }
            if (left < req.timeout_ms)
                req.timeout_ms = (long)left;
            if (left < req.connect_timeout_ms)
                req.connect_timeout_ms = (long)left;
        }
        memset(a, 0, sizeof *a);
        a->call = call;
        call->abort_status = AWS_OK;
        if (call->reset != NULL)
            call->reset(call->sink.user);
        char cause[AWS_ERROR_MESSAGE_SIZE] = "";
        long http_status = 0;
        aws_transport_result tr =
            t->perform(t->self, &req, &sink, &http_status, cause, sizeof cause);
        if (err != NULL) {
            err->attempts = attempt;
            err->http_status = tr == AWS_TRANSPORT_OK ? http_status : 0;
            err->code[0] = '\0';
        }
        if (tr == AWS_TRANSPORT_ABORTED && call->abort_status != AWS_OK) {
            result = aws_fail(err, call->abort_status, "%s %s: %s", call->op,
                              call->target, call->abort_message);
            break;
        }
        if (tr == AWS_TRANSPORT_OK && is_success(http_status)) {
            if (status_out != NULL)
                *status_out = http_status;
            result = AWS_OK;
            break;
        }
        char code[AWS_ERROR_CODE_SIZE] = "";
        char message[AWS_ERROR_MESSAGE_SIZE] = "";
        if (tr == AWS_TRANSPORT_OK) {
            if (call->parse_error != NULL)
                call->parse_error(a->body, a->body_len, a->query_error, code,
                                  sizeof code, message, sizeof message);
            if (err != NULL)
                snprintf(err->code, sizeof err->code, "%s", code);
            result = aws_fail(err, status_for_http(http_status),
                              "%s %s: HTTP %ld %s%s%s", call->op, call->target,
                              http_status, code, *message ? ": " : "", message);
        } else {
            result = aws_fail(err, AWS_ERR_TRANSPORT, "%s %s: %s", call->op,
                              call->target, cause);
        }
        if (attempt >= core->max_attempts ||
            !aws_retry_is_retryable(tr, http_status, code))
            break;
        unsigned delay = aws_backoff_delay(
            &core->rng, attempt + 1, core->base_delay_ms, core->max_delay_ms);
        if (core->deadline_ms > 0 &&
            t->now_ms(t->self) + (int64_t)delay >= core->deadline_ms)
            break;
        t->sleep_ms(t->self, delay);
    }
    free(a);
    return result;
}

void aws_body_reset(void *user) {
    aws_body *b = user;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int aws_body_data(void *user, long status, const void *data, size_t len) {
    (void)status;
    aws_body *b = user;
    if (len > b->max - b->len) {
        b->call->abort_status = AWS_ERR_PROTOCOL;
        snprintf(b->call->abort_message, sizeof b->call->abort_message,
                 "response larger than %zu bytes", b->max);
        return 1;
    }
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : INITIAL_BODY_CAPACITY;
        while (cap < b->len + len + 1)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (p == NULL) {
            b->call->abort_status = AWS_ERR_NOMEM;
            snprintf(b->call->abort_message, sizeof b->call->abort_message,
                     "out of memory");
            return 1;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}
