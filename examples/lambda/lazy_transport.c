/* An S3 transport that starts libcurl at its first request. */
#include "lazy_transport.h"
#include "lazy_curl.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lazy_transport {
    aws_transport curl; /* set once started */
    bool started;
    char *ca_bundle; /* NULL: libcurl's default */
} lazy_transport;

/* curl_global_init() (once per start, balanced in destroy()) and the curl
 * transport. 0, or -1 with errbuf filled. */
static int start(lazy_transport *t, char *errbuf, size_t errbuf_size) {
    char why[AWS_ERROR_MESSAGE_SIZE];
    if (lazy_curl_load(why, sizeof why) != 0) {
        snprintf(errbuf, errbuf_size, "transport: %s", why);
        return -1;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(errbuf, errbuf_size, "transport: curl_global_init failed");
        return -1;
    }
    aws_error err;
    if (aws_transport_curl_new(&t->curl, t->ca_bundle, &err) != AWS_OK) {
        curl_global_cleanup();
        snprintf(errbuf, errbuf_size, "%s", err.message);
        return -1;
    }
    t->started = true;
    return 0;
}

static aws_transport_result perform(void *self, const aws_http_request *req,
                                    const aws_http_sink *sink, long *status,
                                    char *errbuf, size_t errbuf_size) {
    lazy_transport *t = self;
    if (!t->started && start(t, errbuf, errbuf_size) != 0)
        return AWS_TRANSPORT_FAILED;
    return t->curl.perform(t->curl.self, req, sink, status, errbuf,
                           errbuf_size);
}

static void destroy(void *self) {
    lazy_transport *t = self;
    if (t->started) {
        if (t->curl.destroy)
            t->curl.destroy(t->curl.self);
        curl_global_cleanup();
    }
    free(t->ca_bundle);
    free(t);
}

aws_status lazy_transport_new(aws_transport *out, const char *ca_bundle,
                              aws_error *err) {
    lazy_transport *t = calloc(1, sizeof *t);
    if (t && ca_bundle && !(t->ca_bundle = strdup(ca_bundle))) {
        free(t);
        t = NULL;
    }
    if (!t) {
        if (err) {
            memset(err, 0, sizeof *err);
            err->status = AWS_ERR_NOMEM;
            snprintf(err->message, sizeof err->message,
                     "transport: out of memory");
        }
        return AWS_ERR_NOMEM;
    }
    /* The clock and sleep work before libcurl is there: the client seeds
     * its retry jitter from now_ms() at creation. */
    *out = (aws_transport){t, perform, aws_system_sleep_ms, aws_system_now_ms,
                           destroy};
    return AWS_OK;
}
