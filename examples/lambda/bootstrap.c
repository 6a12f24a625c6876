/*
 * bootstrap: the Lambda custom runtime (provided.al2023) for libthumbnail.
 * Reads its configuration (config.h), then loops over the Runtime API:
 * next invocation -> handler -> response or error. Any failure to talk to
 * the Runtime API ends the process; Lambda starts a new one.
 *
 * Cold start: nothing before the first /next needs the network stack, so
 * libcurl and its libraries are loaded at the first S3 request
 * (lazy_transport.h, lazy_curl.h) and the Runtime API is spoken over a
 * plain socket (runtime_http.h).
 */
#include "config.h"
#include "handler.h"
#include "lazy_transport.h"
#include "runtime.h"
#include "s3.h"

#include <thumbnail.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* X-Ray reads the trace header of the current invocation from here. */
#define TRACE_ID_VARIABLE "_X_AMZN_TRACE_ID"

/* function.zip carries a CA bundle (Amazon Linux keeps its own in another
 * place than the one Debian's libcurl was built with); the S3 client takes
 * it from AWS_CA_BUNDLE, as the AWS SDKs do. */
#define CA_BUNDLE_VARIABLE "AWS_CA_BUNDLE"
#define PACKAGED_CA_BUNDLE "/certs/ca-certificates.crt"

static void default_ca_bundle(void) {
    const char *root = getenv("LAMBDA_TASK_ROOT");
    char path[4096];
    if (getenv(CA_BUNDLE_VARIABLE) || !root ||
        snprintf(path, sizeof path, "%s%s", root, PACKAGED_CA_BUNDLE) >=
            (int)sizeof path ||
        access(path, R_OK) != 0)
        return;
    setenv(CA_BUNDLE_VARIABLE, path, 1);
}

static const char *lookup_env(void *user, const char *name) {
    (void)user;
    return getenv(name);
}

/* Reports a start-up failure to Lambda (when the Runtime API is known)
 * and on stderr, which goes to the function's log. */
static int init_failed(runtime *rt, const char *type, const char *message) {
    char why[RUNTIME_ERROR_SIZE];
    fprintf(stderr, "bootstrap: %s: %s\n", type, message);
    if (rt && runtime_init_error(rt, type, message, why, sizeof why) != 0)
        fprintf(stderr, "bootstrap: cannot report the init error: %s\n", why);
    return EXIT_FAILURE;
}

static void set_trace_id(const char *trace_id) {
    if (trace_id[0])
        setenv(TRACE_ID_VARIABLE, trace_id, 1);
    else
        unsetenv(TRACE_ID_VARIABLE);
}

static int serve(runtime *rt, handler *h) {
    char why[RUNTIME_ERROR_SIZE];
    for (;;) {
        runtime_invocation inv;
        if (runtime_next(rt, &inv, why, sizeof why) != 0) {
            fprintf(stderr, "bootstrap: %s\n", why);
            return EXIT_FAILURE;
        }
        set_trace_id(inv.trace_id);
        handler_reply reply;
        handler_invoke(h, &inv, &reply);
        int rc = reply.failed
                     ? runtime_fail(rt, inv.request_id, reply.error_type,
                                    reply.error_message, why, sizeof why)
                     : runtime_respond(rt, inv.request_id, reply.body,
                                       strlen(reply.body), why, sizeof why);
        handler_reply_free(&reply);
        if (rc != 0) {
            fprintf(stderr, "bootstrap: %s\n", why);
            return EXIT_FAILURE;
        }
    }
}

/* An S3 client like the handler's own (its configuration, a lazy
 * transport of its own), for the uploads beside the calling thread's:
 * handler.h. user is the aws_config. */
static s3_client *new_s3_client(void *user, aws_error *err) {
    const aws_config *cfg = user;
    aws_transport transport;
    if (lazy_transport_new(&transport, cfg->ca_bundle, err) != AWS_OK)
        return NULL;
    return s3_client_new_with_transport(cfg, transport, err);
}

/* One context per THUMB_SIZES entry, all made from one decode
 * (thumb_run_many); the first also serves on-demand requests. Each holds
 * the input limits, as each output checks its own. Returns NULL, or why
 * not (the contexts made so far are the caller's to free). */
static const char *new_contexts(const lambda_config *cfg, thumb_ctx **ctxs,
                                size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (!(ctxs[i] = thumb_ctx_new()))
            return "out of memory";
        if (thumb_ctx_set(ctxs[i], THUMB_OPT_MAX_INPUT_BYTES,
                          (int64_t)cfg->max_input_bytes) != THUMB_OK ||
            thumb_ctx_set(ctxs[i], THUMB_OPT_MAX_PIXELS, cfg->max_pixels) !=
                THUMB_OK)
            return thumb_ctx_error(ctxs[i]);
    }
    return NULL;
}

int main(void) {
    default_ca_bundle();
    char why[RUNTIME_ERROR_SIZE];
    runtime *rt =
        runtime_new(getenv("AWS_LAMBDA_RUNTIME_API"), why, sizeof why);
    if (!rt) {
        fprintf(stderr, "bootstrap: %s\n", why);
        return EXIT_FAILURE;
    }

    int status;
    lambda_config cfg;
    char cfg_error[CONFIG_ERROR_SIZE];
    aws_config s3cfg;
    aws_error s3err;
    aws_transport transport;
    s3_client *s3 = NULL;
    thumb_ctx *ctxs[CONFIG_MAX_SIZES] = {NULL};
    const char *ctx_error;
    if (config_load(&cfg, lookup_env, NULL, cfg_error, sizeof cfg_error) !=
        CONFIG_OK) {
        status = init_failed(rt, "InvalidConfiguration", cfg_error);
    } else if (aws_config_from_env(&s3cfg, AWS_SERVICE_S3, &s3err) != AWS_OK ||
               lazy_transport_new(&transport, s3cfg.ca_bundle, &s3err) !=
                   AWS_OK ||
               !(s3 =
                     s3_client_new_with_transport(&s3cfg, transport, &s3err))) {
        status = init_failed(rt, "InvalidConfiguration", s3err.message);
    } else if ((ctx_error = new_contexts(&cfg, ctxs, cfg.sizes.count))) {
        status = init_failed(rt, "InitFailed", ctx_error);
    } else {
        const char *name = getenv("AWS_LAMBDA_FUNCTION_NAME");
        handler h = {.cfg = &cfg,
                     .ctxs = ctxs,
                     .s3 = s3,
                     .function_name = name ? name : "bootstrap",
                     .new_s3 = new_s3_client,
                     .new_s3_user = &s3cfg};
        status = serve(rt, &h);
        handler_cleanup(&h);
    }
    for (size_t i = 0; i < CONFIG_MAX_SIZES; i++)
        thumb_ctx_free(ctxs[i]);
    s3_client_free(s3);
    runtime_free(rt);
    return status;
}
