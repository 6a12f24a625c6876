/* One invocation: S3 notifications, SQS batches, Function URL requests. */
#include "handler.h"

#include "classify.h"
#include "event.h"
#include "keytemplate.h"
#include "ondemand.h"
#include "telemetry.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define US_PER_SEC 1000000
#define NS_PER_US 1000
#define MS_PER_SEC 1000
#define NS_PER_MS 1000000
/* S3 notification event names of new objects. */
static const char created_prefix[] = "ObjectCreated:";
static const char removed_prefix[] = "ObjectRemoved:";

int64_t handler_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / NS_PER_US;
}

int64_t handler_unix_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * MS_PER_SEC + ts.tv_nsec / NS_PER_MS;
}

void handler_limit_run(thumb_ctx *ctx, int64_t deadline_ms) {
    int64_t left = 0;
    if (deadline_ms) {
        left = deadline_ms - HANDLER_DEADLINE_MARGIN_MS - handler_unix_ms();
        /* Already past it: the smallest limit fails the run at once. */
        if (left < 1)
            left = 1;
        /* The option's range; a real deadline is at most 15 minutes. */
        if (left > INT32_MAX)
            left = INT32_MAX;
    }
    thumb_ctx_set(ctx, THUMB_OPT_TIMEOUT_MS, left);
}

static void set_messagev(char *dst, size_t size, const char *fmt, va_list ap) {
    /* clang-analyzer misses the callers' va_start() (a false positive). */
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
    vsnprintf(dst, size, fmt, ap);
}

static void set_message(char *dst, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    set_messagev(dst, size, fmt, ap);
    va_end(ap);
}

/* Ends an object's report other than with success. TELEMETRY_REFUSED is
 * for a record that retrying can never help (it names an object this
 * function must not read): logged and counted as Refused, and reported as
 * done so that it neither loops nor lands in the DLQ. */
static void end_report(telemetry_report *r, telemetry_outcome outcome,
                       const char *cls, const char *fmt, ...) {
    r->outcome = outcome;
    r->error_class = cls;
    va_list ap;
    va_start(ap, fmt);
    set_messagev(r->error_message, sizeof r->error_message, fmt, ap);
    va_end(ap);
}

static void add_stage(int64_t *total, int64_t us) {
    if (us < 0)
        return;
    *total = *total < 0 ? us : *total + us;
}

/* Sets one output's options for a run that ends before the deadline. */
static void set_output(thumb_ctx *ctx, const lambda_config *cfg,
                       const config_size *size, int64_t deadline_ms) {
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, size->width);
    thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, size->height);
    thumb_ctx_set(ctx, THUMB_OPT_FIT, cfg->fit);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, cfg->format);
    thumb_ctx_set(ctx, THUMB_OPT_QUALITY, cfg->quality);
    handler_limit_run(ctx, deadline_ms);
}

/* Records that one output failed alone; the object then fails (and is
 * retried) under the first such output's class. */
static void fail_output(telemetry_report *r, const config_size *size,
                        const char *cls, const char *fmt, ...) {
    telemetry_failed_output *f = &r->failed[r->failed_count++];
    f->size_name = size->name;
    f->error_class = cls;
    va_list ap;
    va_start(ap, fmt);
    set_messagev(f->error_message, sizeof f->error_message, fmt, ap);
    va_end(ap);
    if (r->outcome != TELEMETRY_ERROR)
        end_report(r, TELEMETRY_ERROR, cls,
                   "%zu of %zu outputs failed, %s first: %s", r->failed_count,
                   r->size_count, size->name, f->error_message);
    else
        set_message(r->error_message, sizeof r->error_message,
                    "%zu of %zu outputs failed (see failedOutputs)",
                    r->failed_count, r->size_count);
}

/* One output of a run_many on its way to S3. Filled by prepare_output()
 * on the calling thread; run_upload() may then run on a thread of its own,
 * touching nothing but its upload. */
typedef struct upload {
    /* Set when the output failed before its upload (encode, key):
     * error_class and message say why, and it is not uploaded. */
    const char *error_class;
    const unsigned char *body;
    size_t len;
    s3_put_options opts;
    const char *bucket;
    s3_client *s3;
    pthread_t thread;
    aws_error err;
    aws_status status;
    int threaded; /* thread runs it, to be joined */
    char message[AWS_ERROR_MESSAGE_SIZE];
    char key[KEYTEMPLATE_MAX_KEY_BYTES + 1];
} upload;

/* Takes output i's bytes and key; a failure is recorded in u. */
static void prepare_output(handler *h, const lambda_s3_record *rec, size_t i,
                           upload *u, telemetry_report *r) {
    const lambda_config *cfg = h->cfg;
    const config_size *size = &cfg->sizes.items[i];
    thumb_ctx *ctx = h->ctxs[i];
    u->error_class = NULL;
    u->threaded = 0;
    thumb_status st = thumb_ctx_output(ctx, &u->body, &u->len);
    add_stage(&r->encode_us, thumb_ctx_info(ctx, THUMB_INFO_ENCODE_US));
    if (st != THUMB_OK) {
        u->error_class = classify_thumb_status(thumb_ctx_status(ctx));
        set_message(u->message, sizeof u->message, "%s: %s",
                    thumb_strerror(thumb_ctx_status(ctx)),
                    thumb_ctx_error(ctx));
        return;
    }
    thumb_format fmt =
        (thumb_format)thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_FORMAT);
    keytemplate_vars vars = {rec->key, size->name, size->width, size->height,
                             thumb_format_extension(fmt)};
    if (keytemplate_expand(cfg->key_template, &vars, u->key, sizeof u->key) !=
        KEYTEMPLATE_OK) {
        u->error_class = "key_too_long";
        set_message(u->message, sizeof u->message,
                    "destination key for %s is over %d bytes", size->name,
                    KEYTEMPLATE_MAX_KEY_BYTES);
        return;
    }
    u->opts = (s3_put_options){thumb_format_mime_type(fmt), cfg->cache_control};
    u->bucket = cfg->dest_bucket;
}

static void *run_upload(void *arg) {
    upload *u = arg;
    u->status = s3_put_object(u->s3, u->bucket, u->key, u->body, u->len,
                              &u->opts, &u->err);
    return NULL;
}

/* The client of the n-th upload running beside the calling thread's,
 * made at its first use; NULL when there is none to be had. */
static s3_client *uploader(handler *h, size_t n) {
    /* Why a client could not be made changes nothing: the calling thread
     * uploads instead. */
    aws_error err;
    if (!h->uploaders[n] && h->new_s3)
        h->uploaders[n] = h->new_s3(h->new_s3_user, &err);
    if (h->uploaders[n])
        s3_client_set_deadline(h->uploaders[n], h->s3_deadline_ms);
    return h->uploaders[n];
}

/* Uploads the outputs that were made, all at the same time: the calling
 * thread does the first itself, a thread each the others; the ones no
 * thread could be had for it does after its own. Returns, when every
 * upload has ended, how many there were. */
static size_t upload_all(handler *h, upload *ups, size_t n) {
    upload *mine[CONFIG_MAX_SIZES];
    size_t mine_count = 0, threads = 0;
    for (size_t i = 0; i < n; i++) {
        upload *u = &ups[i];
        if (u->error_class)
            continue;
        if (mine_count > 0 && (u->s3 = uploader(h, threads)) &&
            pthread_create(&u->thread, NULL, run_upload, u) == 0) {
            u->threaded = 1;
            threads++;
            continue;
        }
        u->s3 = h->s3;
        mine[mine_count++] = u;
    }
    for (size_t i = 0; i < mine_count; i++)
        run_upload(mine[i]);
    for (size_t i = 0; i < n; i++)
        if (ups[i].threaded)
            pthread_join(ups[i].thread, NULL);
    return mine_count + threads;
}

/* Records output i's outcome in the report, in the configured order
 * whatever order the uploads ended in. */
static void report_output(handler *h, size_t i, const upload *u,
                          telemetry_report *r) {
    const config_size *size = &h->cfg->sizes.items[i];
    if (u->error_class) {
        fail_output(r, size, u->error_class, "%s", u->message);
        return;
    }
    if (u->status != AWS_OK) {
        fail_output(r, size, classify_aws_status(u->status), "%s",
                    u->err.message);
        return;
    }
    telemetry_output *o = &r->outputs[r->output_count++];
    memcpy(o->key, u->key, sizeof o->key);
    o->size_name = size->name;
    o->width = (int)thumb_ctx_info(h->ctxs[i], THUMB_INFO_OUTPUT_WIDTH);
    o->height = (int)thumb_ctx_info(h->ctxs[i], THUMB_INFO_OUTPUT_HEIGHT);
    o->bytes = u->len;
    r->output_bytes += (int64_t)u->len;
}

/* Makes every configured size of one source image from one decode
 * (thumb_run_many) and uploads them all at once: an output that fails
 * (its encode, its key, its upload) fails alone and the others are still
 * written; a decoding error fails them all. put_us is the wall time of
 * the uploads together. */
static void make_thumbnails(handler *h, const lambda_s3_record *rec,
                            int64_t deadline_ms, const unsigned char *data,
                            size_t len, telemetry_report *r) {
    const lambda_config *cfg = h->cfg;
    size_t n = cfg->sizes.count;
    for (size_t i = 0; i < n; i++)
        set_output(h->ctxs[i], cfg, &cfg->sizes.items[i], deadline_ms);
    thumb_status st = thumb_run_many(h->ctxs, n, data, len);
    /* The decode and the resizes are shared: every context reports the
     * same times, counted once. */
    thumb_ctx *first = h->ctxs[0];
    r->input_width = thumb_ctx_info(first, THUMB_INFO_WIDTH);
    r->input_height = thumb_ctx_info(first, THUMB_INFO_HEIGHT);
    r->decode_us = thumb_ctx_info(first, THUMB_INFO_DECODE_US);
    r->resize_us = thumb_ctx_info(first, THUMB_INFO_RESIZE_US);
    r->decodes = thumb_ctx_info(first, THUMB_INFO_DECODED_WIDTH) > 0;
    r->output_bytes = 0;
    size_t made = 0;
    for (size_t i = 0; i < n; i++)
        made += thumb_ctx_status(h->ctxs[i]) == THUMB_OK;
    if (st != THUMB_OK && made == 0) {
        /* Nothing made: the decode failed (or every output did alike). */
        end_report(r, TELEMETRY_ERROR, classify_thumb_status(st), "%s: %s",
                   thumb_strerror(st), thumb_ctx_error(first));
        return;
    }
    upload ups[CONFIG_MAX_SIZES];
    for (size_t i = 0; i < n; i++)
        prepare_output(h, rec, i, &ups[i], r);
    int64_t t0 = handler_now_us();
    if (upload_all(h, ups, n) > 0)
        add_stage(&r->put_us, handler_now_us() - t0);
    for (size_t i = 0; i < n; i++)
        report_output(h, i, &ups[i], r);
}

/* The recursion guard at run time, for a trigger set up behind the
 * configuration's back: never read from where thumbnails are written. */
static int is_own_output(const lambda_config *cfg,
                         const lambda_s3_record *rec) {
    size_t fixed = keytemplate_fixed_prefix(cfg->key_template);
    return strcmp(rec->bucket, cfg->dest_bucket) == 0 &&
           strncmp(rec->key, cfg->key_template, fixed) == 0;
}

/* How many times an object may change under one event before the event
 * is failed and left to a redelivery. */
#define MAX_SOURCE_CHANGES 3

/* Every format a thumbnail may be written in. */
static const thumb_format output_formats[] = {
    THUMB_FORMAT_JPEG, THUMB_FORMAT_PNG, THUMB_FORMAT_WEBP, THUMB_FORMAT_GIF};
#define OUTPUT_FORMAT_COUNT (sizeof output_formats / sizeof output_formats[0])

/* The extensions a thumbnail of this configuration may have: with
 * THUMB_FORMAT=auto, any format's, as the source's format is no longer
 * known once it is deleted. */
static size_t output_extensions(const lambda_config *cfg, const char **exts) {
    if (cfg->format != THUMB_FORMAT_AUTO) {
        exts[0] = thumb_format_extension(cfg->format);
        return 1;
    }
    for (size_t i = 0; i < OUTPUT_FORMAT_COUNT; i++)
        exts[i] = thumb_format_extension(output_formats[i]);
    return OUTPUT_FORMAT_COUNT;
}

/* Deletes every thumbnail the object may have; 0, or -1 with the report
 * failed. Deleting a key that is not there succeeds. */
static int delete_thumbnails(handler *h, const lambda_s3_record *rec,
                             telemetry_report *r) {
    const lambda_config *cfg = h->cfg;
    const char *exts[OUTPUT_FORMAT_COUNT];
    size_t n_ext = output_extensions(cfg, exts);
    for (size_t i = 0; i < cfg->sizes.count; i++) {
        const config_size *size = &cfg->sizes.items[i];
        for (size_t e = 0; e < n_ext; e++) {
            char key[KEYTEMPLATE_MAX_KEY_BYTES + 1];
            keytemplate_vars vars = {rec->key, size->name, size->width,
                                     size->height, exts[e]};
            if (keytemplate_expand(cfg->key_template, &vars, key, sizeof key) !=
                KEYTEMPLATE_OK)
                continue; /* never written either */
            aws_error err;
            aws_status s = s3_delete_object(h->s3, cfg->dest_bucket, key, &err);
            if (s != AWS_OK) {
                end_report(r, TELEMETRY_ERROR, classify_aws_status(s), "%s",
                           err.message);
                return -1;
            }
            r->deleted_count++;
        }
    }
    return 0;
}

/* The source's current ETag into etag ("" when it is gone); -1 with the
 * report failed when S3 cannot say. */
static int source_etag(handler *h, const lambda_s3_record *rec, char *etag,
                       telemetry_report *r) {
    s3_object_info info;
    aws_error err;
    aws_status s = s3_head_object(h->s3, rec->bucket, rec->key, &info, &err);
    if (s == AWS_ERR_NOT_FOUND) {
        etag[0] = '\0';
        return 0;
    }
    if (s != AWS_OK) {
        end_report(r, TELEMETRY_ERROR, classify_aws_status(s), "%s",
                   err.message);
        return -1;
    }
    memcpy(etag, info.etag, sizeof info.etag);
    return 0;
}

static void reset_outputs(telemetry_report *r) {
    r->output_count = r->failed_count = 0;
    r->output_bytes = 0;
    r->encode_us = r->put_us = -1;
    r->outcome = TELEMETRY_OK;
    r->error_class = NULL;
    r->error_message[0] = '\0';
}

/* Makes the thumbnails of the object as it is now, whatever the event
 * said: each attempt reads the current object, writes its thumbnails,
 * then reads the object's ETag again. Unchanged: the thumbnails are of the
 * latest version, as any later upload has an event of its own that comes
 * after this write. Changed: an upload came in between and its event may
 * already be done, so this one does it again. Gone: a delete came in
 * between, so what was just written is deleted. S3's read-after-write
 * consistency is what makes the second read see every change made before
 * it. */
static void make_current(handler *h, const lambda_s3_record *rec,
                         int64_t deadline_ms, telemetry_report *r) {
    const lambda_config *cfg = h->cfg;
    for (int attempt = 0; attempt < MAX_SOURCE_CHANGES; attempt++) {
        reset_outputs(r);
        unsigned char *data = NULL;
        size_t len = 0;
        s3_object_info info;
        aws_error err;
        int64_t t0 = handler_now_us();
        aws_status s = s3_get_object(h->s3, rec->bucket, rec->key,
                                     (size_t)cfg->max_input_bytes, &data, &len,
                                     &info, &err);
        add_stage(&r->get_us, handler_now_us() - t0);
        if (s == AWS_ERR_NOT_FOUND) {
            /* Deleted since: no thumbnail may outlive it, whatever an
             * earlier attempt or event wrote. */
            if (delete_thumbnails(h, rec, r) == 0)
                end_report(r, TELEMETRY_SKIPPED, "source_gone", "%s",
                           err.message);
            return;
        }
        if (s != AWS_OK) {
            end_report(r, TELEMETRY_ERROR, classify_aws_status(s), "%s",
                       err.message);
            return;
        }
        r->input_bytes = (int64_t)len;
        make_thumbnails(h, rec, deadline_ms, data, len, r);
        free(data);
        char now[S3_ETAG_SIZE];
        if (r->outcome == TELEMETRY_ERROR || source_etag(h, rec, now, r) != 0)
            return;
        if (strcmp(now, info.etag) == 0)
            return;
        r->source_changes++;
    }
    end_report(r, TELEMETRY_ERROR, "source_changing",
               "s3://%s/%s changed %d times while its thumbnails were made",
               rec->bucket, rec->key, MAX_SOURCE_CHANGES);
}

/* An ObjectRemoved event: deletes every thumbnail of the object, unless
 * the object is there again (a later upload, whose event makes its
 * thumbnails). Read again after the deletes, as make_current() does: an
 * upload that came in between gets its thumbnails made here. */
static void remove_thumbnails(handler *h, const lambda_s3_record *rec,
                              int64_t deadline_ms, telemetry_report *r) {
    char etag[S3_ETAG_SIZE];
    if (source_etag(h, rec, etag, r) != 0)
        return;
    if (etag[0]) {
        end_report(r, TELEMETRY_SKIPPED, "source_recreated",
                   "s3://%s/%s exists again: its thumbnails are kept",
                   rec->bucket, rec->key);
        return;
    }
    if (delete_thumbnails(h, rec, r) != 0 || source_etag(h, rec, etag, r) != 0)
        return;
    if (etag[0])
        make_current(h, rec, deadline_ms, r);
}

/* Thumbnails of one S3 object, made or deleted. Returns 0 when done (or nothing
 * to do), -1 when it failed and should be retried. */
static int process_object(handler *h, const char *request_id,
                          int64_t deadline_ms, const lambda_s3_record *rec) {
    const lambda_config *cfg = h->cfg;
    telemetry_report r;
    telemetry_report_init(&r, request_id, rec->bucket, rec->key);
    int64_t start = handler_now_us();
    for (size_t i = 0; i < cfg->sizes.count; i++)
        r.sizes[r.size_count++] = &cfg->sizes.items[i];

    int created = strncmp(rec->event_name, created_prefix,
                          sizeof created_prefix - 1) == 0;
    int removed = strncmp(rec->event_name, removed_prefix,
                          sizeof removed_prefix - 1) == 0;
    if (!created && !removed) {
        end_report(&r, TELEMETRY_SKIPPED, "not_a_creation", "event %s",
                   rec->event_name);
    } else if (is_own_output(cfg, rec)) {
        end_report(&r, TELEMETRY_REFUSED, "recursion_guard",
                   "s3://%s/%s is where thumbnails are written: refused",
                   rec->bucket, rec->key);
    } else if (strcmp(rec->bucket, cfg->source_bucket) != 0 ||
               strncmp(rec->key, cfg->source_prefix,
                       strlen(cfg->source_prefix)) != 0) {
        end_report(&r, TELEMETRY_REFUSED, "unexpected_source",
                   "s3://%s/%s is outside THUMB_SOURCE_BUCKET/PREFIX "
                   "s3://%s/%s: refused",
                   rec->bucket, rec->key, cfg->source_bucket,
                   cfg->source_prefix);
    } else if (deadline_ms &&
               handler_unix_ms() > deadline_ms - cfg->min_remaining_ms) {
        end_report(&r, TELEMETRY_ERROR, "deadline",
                   "less than THUMB_MIN_REMAINING_MS (%lld ms) left before "
                   "the invocation's deadline: not started",
                   (long long)cfg->min_remaining_ms);
    } else if (created) {
        make_current(h, rec, deadline_ms, &r);
    } else {
        remove_thumbnails(h, rec, deadline_ms, &r);
    }
    r.total_us = handler_now_us() - start;

    char *line = telemetry_log_line(&r);
    if (line) {
        telemetry_emit(line);
        cJSON_free(line);
    }
    line = telemetry_emf_line(&r, cfg->metrics_namespace, h->function_name,
                              handler_unix_ms());
    if (line) {
        telemetry_emit(line);
        cJSON_free(line);
    }
    return r.outcome == TELEMETRY_ERROR ? -1 : 0;
}

/* A log line for a message that is not processed at all. */
static void log_message(const char *request_id, const lambda_sqs_message *m,
                        const char *level, const char *what) {
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return;
    cJSON_AddStringToObject(root, "level", level);
    cJSON_AddStringToObject(root, "msg", what);
    cJSON_AddStringToObject(root, "requestId", request_id);
    cJSON_AddStringToObject(root, "messageId", m->message_id);
    if (m->status == LAMBDA_MESSAGE_INVALID)
        cJSON_AddStringToObject(root, "errorMessage", m->error);
    char *line = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (line) {
        telemetry_emit(line);
        cJSON_free(line);
    }
}

static char *handle_sqs(handler *h, const runtime_invocation *inv,
                        const lambda_event *ev) {
    cJSON *root = cJSON_CreateObject();
    cJSON *failures =
        root ? cJSON_AddArrayToObject(root, "batchItemFailures") : NULL;
    if (!failures) {
        cJSON_Delete(root);
        return NULL;
    }
    for (size_t i = 0; i < ev->message_count; i++) {
        const lambda_sqs_message *m = &ev->messages[i];
        int failed = 0;
        if (m->status == LAMBDA_MESSAGE_TEST_EVENT) {
            log_message(inv->request_id, m, "info", "s3:TestEvent ignored");
        } else if (m->status == LAMBDA_MESSAGE_INVALID) {
            log_message(inv->request_id, m, "error", "message refused");
            failed = 1;
        } else {
            for (size_t j = 0; j < m->record_count && !failed; j++)
                failed = process_object(h, inv->request_id, inv->deadline_ms,
                                        &m->records[j]) != 0;
        }
        if (failed) {
            cJSON *item = cJSON_CreateObject();
            if (!item || !cJSON_AddStringToObject(item, "itemIdentifier",
                                                  m->message_id)) {
                cJSON_Delete(item);
                cJSON_Delete(root);
                return NULL;
            }
            cJSON_AddItemToArray(failures, item);
        }
    }
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}

static char *handle_s3(handler *h, const runtime_invocation *inv,
                       const lambda_event *ev, handler_reply *reply) {
    size_t failed = 0;
    for (size_t i = 0; i < ev->record_count; i++)
        if (process_object(h, inv->request_id, inv->deadline_ms,
                           &ev->records[i]) != 0)
            failed++;
    if (failed) {
        /* S3 retries the whole event; doing the good ones again is
         * harmless, as their keys are simply overwritten. */
        reply->failed = 1;
        reply->error_type = "ThumbnailFailed";
        set_message(reply->error_message, sizeof reply->error_message,
                    "%zu of %zu objects failed (see the log lines)", failed,
                    ev->record_count);
        return NULL;
    }
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    cJSON_AddNumberToObject(root, "objects", (double)ev->record_count);
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}

void handler_invoke(handler *h, const runtime_invocation *inv,
                    handler_reply *reply) {
    memset(reply, 0, sizeof *reply);
    lambda_event ev;
    char why[LAMBDA_EVENT_ERROR_SIZE];
    if (lambda_event_parse(inv->body, inv->body_len, &ev, why, sizeof why) !=
        LAMBDA_EVENT_OK) {
        reply->failed = 1;
        reply->error_type = "InvalidEvent";
        set_message(reply->error_message, sizeof reply->error_message, "%s",
                    why);
        return;
    }
    /* The upload clients take it at their next use (uploader()). */
    h->s3_deadline_ms =
        inv->deadline_ms ? inv->deadline_ms - HANDLER_DEADLINE_MARGIN_MS : 0;
    s3_client_set_deadline(h->s3, h->s3_deadline_ms);
    switch (ev.kind) {
    case LAMBDA_EVENT_SQS:
        reply->body = handle_sqs(h, inv, &ev);
        break;
    case LAMBDA_EVENT_S3:
        reply->body = handle_s3(h, inv, &ev, reply);
        break;
    case LAMBDA_EVENT_HTTP:
        reply->body =
            ondemand_handle(h, inv->request_id, inv->deadline_ms, &ev.http);
        break;
    }
    if (!reply->failed && !reply->body) {
        reply->failed = 1;
        reply->error_type = "OutOfMemory";
        set_message(reply->error_message, sizeof reply->error_message,
                    "out of memory building the response");
    }
    lambda_event_free(&ev);
}

void handler_reply_free(handler_reply *reply) {
    if (reply->body)
        cJSON_free(reply->body);
    reply->body = NULL;
}

void handler_cleanup(handler *h) {
    for (size_t i = 0; i < CONFIG_MAX_SIZES - 1; i++) {
        s3_client_free(h->uploaders[i]);
        h->uploaders[i] = NULL;
    }
}
