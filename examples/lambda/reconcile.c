/*
 * reconcile.c -- thumbnail-reconcile: compares the source and destination
 * buckets and reports every source object whose thumbnails are missing or
 * older than the source; with --enqueue, re-queues each of them as an S3
 * event notification so the normal path (queue -> function) redoes it.
 *
 *   thumbnail-reconcile [--enqueue QUEUE_URL] [--max-keys N]
 *                       [--source BUCKET] [--dest BUCKET] [--prefix P]
 *
 * It reads the function's own configuration (THUMB_SOURCE_BUCKET,
 * THUMB_SOURCE_PREFIX, THUMB_DEST_BUCKET, THUMB_SIZES, THUMB_FORMAT,
 * THUMB_KEY_TEMPLATE; see examples/lambda/config.h) through the function's
 * own parser and key template code, so it expects exactly the keys the
 * function writes. With THUMB_FORMAT=auto the extension depends on the
 * source, so any of .jpg, .png, .webp and .gif counts as present.
 *
 * Output: one JSON line per object needing work on stdout,
 *   {"key":"a b.jpg","size":123,"missing":["256x256"],"stale":[]}
 * and a summary line on stderr. Exit status 0 on success (whatever was
 * found), 1 on any error, 2 on bad usage. AWS credentials, region and
 * endpoints come from the standard environment (see s3.h).
 */
#include "config.h"
#include "keytemplate.h"
#include "s3.h"
#include "sqs.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define USAGE                                                                  \
    "usage: thumbnail-reconcile [--enqueue QUEUE_URL] [--max-keys N]\n"        \
    "                           [--source BUCKET] [--dest BUCKET] "            \
    "[--prefix P]\n"
#define EXIT_ERROR 1
#define EXIT_USAGE 2
#define MAX_EXTENSIONS (sizeof auto_outputs / sizeof auto_outputs[0])
#define ISO_TIME_SIZE 32
#define MAX_KEYS_LIMIT 1000

/* ---- Destination index: sorted keys with their modification times ---- */

typedef struct dest_entry {
    char *key;
    int64_t last_modified;
} dest_entry;

typedef struct dest_index {
    dest_entry *items;
    size_t count;
    size_t cap;
    int failed; /* out of memory while collecting */
} dest_index;

static int collect_dest(void *user, const s3_list_entry *e) {
    dest_index *d = user;
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 1024;
        dest_entry *p = realloc(d->items, cap * sizeof *p);
        if (p == NULL) {
            d->failed = 1;
            return 1;
        }
        d->items = p;
        d->cap = cap;
    }
    char *key = strdup(e->key);
    if (key == NULL) {
        d->failed = 1;
        return 1;
    }
    dest_entry *slot = &d->items[d->count++];
    slot->key = key;
    slot->last_modified = e->last_modified;
    return 0;
}

static int compare_entries(const void *a, const void *b) {
    return strcmp(((const dest_entry *)a)->key, ((const dest_entry *)b)->key);
}

static const dest_entry *find_dest(const dest_index *d, const char *key) {
    dest_entry probe = {(char *)key, 0};
    return bsearch(&probe, d->items, d->count, sizeof *d->items,
                   compare_entries);
}

static void free_index(dest_index *d) {
    for (size_t i = 0; i < d->count; i++)
        free(d->items[i].key);
    free(d->items);
}

/* ---- The S3 event the function would have received ------------------- */

/* Keys in S3 notifications are form-encoded: ' ' is '+', and every byte
 * other than unreserved characters and '/' is %XX. */
static char *notification_key(const char *key) {
    static const char hex[] = "0123456789ABCDEF";
    char *out = malloc(strlen(key) * 3 + 1);
    if (out == NULL)
        return NULL;
    char *o = out;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~/", *p) != NULL) {
            *o++ = (char)*p;
        } else if (*p == ' ') {
            *o++ = '+';
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 0xF];
        }
    }
    *o = '\0';
    return out;
}

static char *s3_event_json(const char *region, const char *bucket,
                           const s3_list_entry *e) {
    char *key = notification_key(e->key);
    char now[ISO_TIME_SIZE];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    char etag[S3_ETAG_SIZE];
    size_t n = strlen(e->etag);
    if (n >= 2 && e->etag[0] == '"' && e->etag[n - 1] == '"')
        snprintf(etag, sizeof etag, "%.*s", (int)(n - 2), e->etag + 1);
    else
        snprintf(etag, sizeof etag, "%s", e->etag);
    char arn[AWS_ERROR_MESSAGE_SIZE];
    snprintf(arn, sizeof arn, "arn:aws:s3:::%s", bucket);

    cJSON *root = cJSON_CreateObject();
    cJSON *records = cJSON_AddArrayToObject(root, "Records");
    cJSON *rec = cJSON_CreateObject();
    cJSON_AddItemToArray(records, rec);
    cJSON_AddStringToObject(rec, "eventVersion", "2.1");
    cJSON_AddStringToObject(rec, "eventSource", "aws:s3");
    cJSON_AddStringToObject(rec, "awsRegion", region);
    cJSON_AddStringToObject(rec, "eventTime", now);
    cJSON_AddStringToObject(rec, "eventName", "ObjectCreated:Put");
    cJSON *s3 = cJSON_AddObjectToObject(rec, "s3");
    cJSON_AddStringToObject(s3, "s3SchemaVersion", "1.0");
    cJSON_AddStringToObject(s3, "configurationId", "thumbnail-reconcile");
    cJSON *b = cJSON_AddObjectToObject(s3, "bucket");
    cJSON_AddStringToObject(b, "name", bucket);
    cJSON_AddStringToObject(b, "arn", arn);
    cJSON *o = cJSON_AddObjectToObject(s3, "object");
    cJSON_AddStringToObject(o, "key", key != NULL ? key : "");
    cJSON_AddNumberToObject(o, "size", (double)e->size);
    cJSON_AddStringToObject(o, "eTag", etag);
    char *text = key != NULL ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    free(key);
    return text;
}

/* ---- Reconciliation --------------------------------------------------- */

typedef struct reconcile {
    const lambda_config *cfg;
    const dest_index *dest;
    const char *region;
    sqs_client *queue;
    const char *queue_url;
    size_t template_prefix_len;
    size_t checked, needing, missing, stale, enqueued;
    int failed;
    aws_error err;
} reconcile;

/* What THUMB_FORMAT=auto may write: the source's own format. */
static const thumb_format auto_outputs[] = {
    THUMB_FORMAT_JPEG, THUMB_FORMAT_PNG, THUMB_FORMAT_WEBP, THUMB_FORMAT_GIF};

/* The extensions the function may have written for this configuration. */
static size_t extensions(thumb_format format, const char **out) {
    if (format != THUMB_FORMAT_AUTO) {
        out[0] = thumb_format_extension(format);
        return 1;
    }
    for (size_t i = 0; i < MAX_EXTENSIONS; i++)
        out[i] = thumb_format_extension(auto_outputs[i]);
    return MAX_EXTENSIONS;
}

static int check_source(void *user, const s3_list_entry *e) {
    reconcile *r = user;
    const lambda_config *cfg = r->cfg;
    /* In a shared bucket, thumbnails are not sources. */
    if (strcmp(cfg->source_bucket, cfg->dest_bucket) == 0 &&
        r->template_prefix_len > 0 &&
        strncmp(e->key, cfg->key_template, r->template_prefix_len) == 0)
        return 0;
    r->checked++;
    const char *exts[MAX_EXTENSIONS];
    size_t n_ext = extensions(cfg->format, exts);
    cJSON *missing = cJSON_CreateArray();
    cJSON *stale = cJSON_CreateArray();
    size_t n_missing = 0, n_stale = 0;
    for (size_t s = 0; s < cfg->sizes.count; s++) {
        const config_size *size = &cfg->sizes.items[s];
        const dest_entry *found = NULL;
        for (size_t x = 0; x < n_ext && found == NULL; x++) {
            char key[KEYTEMPLATE_MAX_KEY_BYTES + 1];
            keytemplate_vars vars = {e->key, size->name, size->width,
                                     size->height, exts[x]};
            if (keytemplate_expand(cfg->key_template, &vars, key, sizeof key) !=
                KEYTEMPLATE_OK)
                continue; /* too long: cannot exist, reported missing */
            found = find_dest(r->dest, key);
        }
        if (found == NULL) {
            cJSON_AddItemToArray(missing, cJSON_CreateString(size->name));
            n_missing++;
        } else if (found->last_modified < e->last_modified) {
            cJSON_AddItemToArray(stale, cJSON_CreateString(size->name));
            n_stale++;
        }
    }
    if (n_missing + n_stale > 0) {
        r->needing++;
        r->missing += n_missing;
        r->stale += n_stale;
        cJSON *line = cJSON_CreateObject();
        cJSON_AddStringToObject(line, "key", e->key);
        cJSON_AddNumberToObject(line, "size", (double)e->size);
        cJSON_AddItemToObject(line, "missing", missing);
        cJSON_AddItemToObject(line, "stale", stale);
        missing = stale = NULL;
        char *text = cJSON_PrintUnformatted(line);
        if (text != NULL)
            puts(text);
        cJSON_free(text);
        cJSON_Delete(line);
        if (r->queue != NULL) {
            char *event = s3_event_json(r->region, cfg->source_bucket, e);
            if (event == NULL || sqs_send_message(r->queue, r->queue_url, event,
                                                  NULL, &r->err) != AWS_OK) {
                if (event == NULL)
                    snprintf(r->err.message, sizeof r->err.message,
                             "out of memory building the event for %s", e->key);
                free(event);
                r->failed = 1;
                return 1;
            }
            free(event);
            r->enqueued++;
        }
    }
    cJSON_Delete(missing);
    cJSON_Delete(stale);
    return 0;
}

/* ---- Command line ----------------------------------------------------- */

typedef struct options {
    const char *enqueue;
    const char *source;
    const char *dest;
    const char *prefix;
    int max_keys;
} options;

static const char *lookup(void *user, const char *name) {
    const options *o = user;
    if (o->source != NULL && strcmp(name, "THUMB_SOURCE_BUCKET") == 0)
        return o->source;
    if (o->dest != NULL && strcmp(name, "THUMB_DEST_BUCKET") == 0)
        return o->dest;
    if (o->prefix != NULL && strcmp(name, "THUMB_SOURCE_PREFIX") == 0)
        return o->prefix;
    return getenv(name);
}

static int parse_args(int argc, char **argv, options *o) {
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc)
            return 0;
        const char *v = argv[++i];
        if (strcmp(a, "--enqueue") == 0)
            o->enqueue = v;
        else if (strcmp(a, "--source") == 0)
            o->source = v;
        else if (strcmp(a, "--dest") == 0)
            o->dest = v;
        else if (strcmp(a, "--prefix") == 0)
            o->prefix = v;
        else if (strcmp(a, "--max-keys") == 0) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > MAX_KEYS_LIMIT)
                return 0;
            o->max_keys = (int)n;
        } else {
            return 0;
        }
    }
    return 1;
}

static int fail(const char *what, const aws_error *err) {
    fprintf(stderr, "thumbnail-reconcile: %s: %s\n", what, err->message);
    return EXIT_ERROR;
}

static int run(const options *o) {
    lambda_config cfg;
    char why[CONFIG_ERROR_SIZE];
    if (config_load(&cfg, lookup, (void *)o, why, sizeof why) != CONFIG_OK) {
        fprintf(stderr, "thumbnail-reconcile: configuration: %s\n", why);
        return EXIT_ERROR;
    }
    aws_config s3cfg;
    aws_error err;
    s3_client *s3 = NULL;
    if (aws_config_from_env(&s3cfg, AWS_SERVICE_S3, &err) != AWS_OK ||
        (s3 = s3_client_new(&s3cfg, &err)) == NULL)
        return fail("S3 client", &err);
    reconcile r;
    memset(&r, 0, sizeof r);
    r.cfg = &cfg;
    r.region = s3cfg.region;
    r.queue_url = o->enqueue;
    r.template_prefix_len = keytemplate_fixed_prefix(cfg.key_template);
    int rc = 0;
    if (o->enqueue != NULL) {
        aws_config qcfg;
        if (aws_config_from_env(&qcfg, AWS_SERVICE_SQS, &err) != AWS_OK ||
            (r.queue = sqs_client_new(&qcfg, &err)) == NULL) {
            s3_client_free(s3);
            return fail("SQS client", &err);
        }
    }
    /* The destination first, narrowed to the template's fixed prefix. */
    char dest_prefix[KEYTEMPLATE_MAX_KEY_BYTES + 1];
    snprintf(dest_prefix, sizeof dest_prefix, "%.*s",
             (int)r.template_prefix_len, cfg.key_template);
    dest_index dest = {0};
    if (s3_list_objects(s3, cfg.dest_bucket, dest_prefix, o->max_keys,
                        collect_dest, &dest, &err) != AWS_OK) {
        rc = fail("listing the destination", &err);
    } else if (dest.failed) {
        fprintf(stderr, "thumbnail-reconcile: out of memory\n");
        rc = EXIT_ERROR;
    } else {
        qsort(dest.items, dest.count, sizeof *dest.items, compare_entries);
        r.dest = &dest;
        if (s3_list_objects(s3, cfg.source_bucket, cfg.source_prefix,
                            o->max_keys, check_source, &r, &err) != AWS_OK)
            rc = fail("listing the source", &err);
        else if (r.failed)
            rc = fail("enqueueing", &r.err);
        fprintf(stderr,
                "thumbnail-reconcile: %zu source objects checked against %zu "
                "thumbnails: %zu need work (%zu thumbnails missing, %zu "
                "stale), %zu enqueued\n",
                r.checked, dest.count, r.needing, r.missing, r.stale,
                r.enqueued);
    }
    free_index(&dest);
    sqs_client_free(r.queue);
    s3_client_free(s3);
    return rc;
}

int main(int argc, char **argv) {
    options o;
    if (!parse_args(argc, argv, &o)) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = run(&o);
    curl_global_cleanup();
    return rc;
}
