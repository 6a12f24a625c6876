/*
 * s3_client.c -- the S3 operations: request URLs and headers, response
 * headers into s3_object_info, bodies into bounded buffers, listings out
 * of ListBucketResult documents.
 */
#include "aws_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define URL_HOST_MAX 512
#define QUERY_NUMBER_SIZE 24
/* A listing page of 1000 keys of 1 KiB each is about 1.5 MB of XML. */
#define LIST_BODY_MAX (16u << 20)
#define INITIAL_BODY_CAPACITY 16384
/* Entries allocated for a listing page at first; doubled as needed. */
#define LIST_INITIAL_ENTRIES 64
#define HTTP_NOT_FOUND 404
/* What S3 stores when an upload names no type. */
#define S3_DEFAULT_CONTENT_TYPE "binary/octet-stream"

struct s3_client {
    aws_core core;
};

s3_client *s3_client_new_with_transport(const aws_config *cfg,
                                        aws_transport transport,
                                        aws_error *err) {
    return aws_client_new(sizeof(s3_client), cfg, transport, err);
}

s3_client *s3_client_new(const aws_config *cfg, aws_error *err) {
    aws_transport t;
    if (aws_transport_curl_new(&t, cfg->ca_bundle, err) != AWS_OK)
        return NULL;
    return s3_client_new_with_transport(cfg, t, err);
}

void s3_client_free(s3_client *client) {
    aws_client_free(client != NULL ? &client->core : NULL);
}

void s3_client_set_deadline(s3_client *client, int64_t deadline_ms) {
    client->core.deadline_ms = deadline_ms;
}

/* ---- URLs -------------------------------------------------------------- */

/* "<base>/<bucket>" path-style with an endpoint or a dotted bucket, else
 * virtual-hosted "https://<bucket>.s3.<region>.amazonaws.com"; then
 * "/<key>" if key is not NULL, then "?query" if query is not NULL. */
static char *object_url(const aws_core *core, const char *bucket,
                        const char *key, const char *query) {
    char *ekey = aws_uri_encode(key != NULL ? key : "", true);
    char *ebucket = aws_uri_encode(bucket, false);
    char host[URL_HOST_MAX];
    char *url = NULL;
    if (ekey == NULL || ebucket == NULL)
        goto out;
    bool path_style = core->endpoint != NULL || strchr(bucket, '.') != NULL;
    if (core->endpoint != NULL)
        snprintf(host, sizeof host, "%s/%s", core->endpoint, ebucket);
    else if (path_style)
        snprintf(host, sizeof host, "https://s3.%s.amazonaws.com/%s",
                 core->region, ebucket);
    else
        snprintf(host, sizeof host, "https://%s.s3.%s.amazonaws.com", ebucket,
                 core->region);
    size_t n = strlen(host) + 1 + strlen(ekey) + 1 +
               (query != NULL ? strlen(query) : 0) + 1;
    url = malloc(n);
    if (url == NULL)
        goto out;
    if (key != NULL)
        snprintf(url, n, "%s/%s%s%s", host, ekey, query ? "?" : "",
                 query ? query : "");
    else if (path_style)
        snprintf(url, n, "%s%s%s", host, query ? "?" : "", query ? query : "");
    else
        snprintf(url, n, "%s/%s%s", host, query ? "?" : "", query ? query : "");
out:
    free(ekey);
    free(ebucket);
    return url;
}

static aws_status check_names(const char *op, const char *bucket,
                              const char *key, aws_error *err) {
    if (bucket == NULL || !*bucket)
        return aws_fail(err, AWS_ERR_ARG, "%s: empty bucket name", op);
    if (key != NULL && !*key)
        return aws_fail(err, AWS_ERR_ARG, "%s %s: empty key", op, bucket);
    return AWS_OK;
}

static void s3_parse_error(const char *body, size_t len,
                           const char *query_error, char *code,
                           size_t code_size, char *message,
                           size_t message_size) {
    (void)query_error;
    aws_xml_find(body, len, "Code", code, code_size);
    aws_xml_find(body, len, "Message", message, message_size);
}

/* ---- Response bodies and headers --------------------------------------- */

typedef struct body_buffer {
    unsigned char *data;
    size_t len;
    size_t cap;
    size_t max;
    s3_object_info *info; /* may be NULL */
    aws_call *call;
} body_buffer;

static void body_reset(void *user) {
    body_buffer *b = user;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    if (b->info != NULL)
        memset(b->info, 0, sizeof *b->info);
}

static int too_large(body_buffer *b, uint64_t size) {
    b->call->abort_status = AWS_ERR_TOO_LARGE;
    snprintf(b->call->abort_message, sizeof b->call->abort_message,
             "object is %s%" PRIu64 " bytes, more than the limit of %zu",
             size > b->max ? "" : "over ", size, b->max);
    return 1;
}

static bool header_is(const char *name, size_t len, const char *want) {
    return len == strlen(want) && strncasecmp(name, want, len) == 0;
}

static void copy_value(char *dst, size_t dst_size, const char *v, size_t len) {
    /* Too long for the field: leave it empty rather than cut it. */
    if (len >= dst_size)
        len = 0;
    memcpy(dst, v, len);
    dst[len] = '\0';
}

static int info_header(s3_object_info *info, const char *name, size_t name_len,
                       const char *value, size_t value_len) {
    if (header_is(name, name_len, "content-length")) {
        char num[QUERY_NUMBER_SIZE];
        copy_value(num, sizeof num, value, value_len);
        info->size = strtoull(num, NULL, 10);
    } else if (header_is(name, name_len, "content-type")) {
        copy_value(info->content_type, sizeof info->content_type, value,
                   value_len);
    } else if (header_is(name, name_len, "cache-control")) {
        copy_value(info->cache_control, sizeof info->cache_control, value,
                   value_len);
    } else if (header_is(name, name_len, "etag")) {
        copy_value(info->etag, sizeof info->etag, value, value_len);
    } else if (header_is(name, name_len, "last-modified")) {
        int64_t t = aws_parse_date(value, value_len);
        info->last_modified = t > 0 ? t : 0;
    }
    return 0;
}

static int body_header(void *user, long status, const char *name,
                       size_t name_len, const char *value, size_t value_len) {
    (void)status;
    body_buffer *b = user;
    s3_object_info scratch = {0};
    s3_object_info *info = b->info != NULL ? b->info : &scratch;
    info_header(info, name, name_len, value, value_len);
    if (header_is(name, name_len, "content-length")) {
        if (info->size > b->max)
            return too_large(b, info->size);
        /* Allocate once for the announced size (never above the limit). */
        if (info->size > b->cap) {
            unsigned char *p = realloc(b->data, (size_t)info->size);
            if (p != NULL) {
                b->data = p;
                b->cap = (size_t)info->size;
            }
        }
    }
    return 0;
}

static int body_data(void *user, long status, const void *data, size_t len) {
    (void)status;
    body_buffer *b = user;
    if (len > b->max - b->len)
        return too_large(b, (uint64_t)b->len + len);
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : INITIAL_BODY_CAPACITY;
        while (cap < b->len + len)
            cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
        if (cap > b->max)
            cap = b->max;
        unsigned char *p = realloc(b->data, cap);
        if (p == NULL) {
            b->call->abort_status = AWS_ERR_NOMEM;
            snprintf(b->call->abort_message, sizeof b->call->abort_message,
                     "out of memory at %zu bytes", b->len + len);
            return 1;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

static void init_call(aws_call *call, const char *op, const char *target,
                      const char *method, const char *url) {
    memset(call, 0, sizeof *call);
    call->op = op;
    call->target = target;
    call->req.method = method;
    call->req.url = url;
    call->parse_error = s3_parse_error;
}

/* "bucket/key" for messages, truncated if long. */
static void describe(char *out, size_t size, const char *bucket,
                     const char *key) {
    snprintf(out, size, "%s/%s", bucket, key != NULL ? key : "");
}

#define TARGET_SIZE 160

/* ---- GetObject / HeadObject / PutObject --------------------------------- */

aws_status s3_get_object(s3_client *client, const char *bucket, const char *key,
                         size_t max_size, unsigned char **data, size_t *len,
                         s3_object_info *info, aws_error *err) {
    *data = NULL;
    *len = 0;
    if (check_names("GetObject", bucket, key, err) != AWS_OK)
        return AWS_ERR_ARG;
    char target[TARGET_SIZE];
    describe(target, sizeof target, bucket, key);
    char *url = object_url(&client->core, bucket, key, NULL);
    if (url == NULL)
        return aws_fail(err, AWS_ERR_NOMEM, "GetObject %s: out of memory",
                        target);
    aws_call call;
    init_call(&call, "GetObject", target, "GET", url);
    body_buffer b = {NULL, 0, 0, max_size, info, &call};
    call.sink = (aws_http_sink){&b, body_header, body_data};
    call.reset = body_reset;
    aws_status st = aws_core_send(&client->core, &call, NULL, err);
    free(url);
    if (st != AWS_OK) {
        body_reset(&b);
        return st;
    }
    if (info != NULL && info->size != b.len)
        info->size = b.len;
    if (b.data == NULL && (b.data = malloc(1)) == NULL)
        return aws_fail(err, AWS_ERR_NOMEM, "GetObject %s: out of memory",
                        target);
    *data = b.data;
    *len = b.len;
    return AWS_OK;
}

static int head_header(void *user, long status, const char *name,
                       size_t name_len, const char *value, size_t value_len) {
    (void)status;
    return info_header(user, name, name_len, value, value_len);
}

static void head_reset(void *user) {
    memset(user, 0, sizeof(s3_object_info));
}

aws_status s3_head_object(s3_client *client, const char *bucket,
                          const char *key, s3_object_info *info,
                          aws_error *err) {
    if (check_names("HeadObject", bucket, key, err) != AWS_OK)
        return AWS_ERR_ARG;
    char target[TARGET_SIZE];
    describe(target, sizeof target, bucket, key);
    char *url = object_url(&client->core, bucket, key, NULL);
    if (url == NULL)
        return aws_fail(err, AWS_ERR_NOMEM, "HeadObject %s: out of memory",
                        target);
    s3_object_info scratch;
    aws_call call;
    init_call(&call, "HeadObject", target, "HEAD", url);
    call.sink =
        (aws_http_sink){info != NULL ? info : &scratch, head_header, NULL};
    call.reset = head_reset;
    aws_status st = aws_core_send(&client->core, &call, NULL, err);
    free(url);
    /* HEAD has no error body to name the cause; 404 can only be this. */
    if (st == AWS_ERR_NOT_FOUND && err != NULL && !*err->code)
        snprintf(err->code, sizeof err->code, "NoSuchKey");
    return st;
}

aws_status s3_put_object(s3_client *client, const char *bucket, const char *key,
                         const void *body, size_t len,
                         const s3_put_options *opts, aws_error *err) {
    if (check_names("PutObject", bucket, key, err) != AWS_OK)
        return AWS_ERR_ARG;
    if (body == NULL && len > 0)
        return aws_fail(err, AWS_ERR_ARG, "PutObject %s/%s: no body", bucket,
                        key);
    char target[TARGET_SIZE];
    describe(target, sizeof target, bucket, key);
    char *url = object_url(&client->core, bucket, key, NULL);
    if (url == NULL)
        return aws_fail(err, AWS_ERR_NOMEM, "PutObject %s: out of memory",
                        target);
    aws_call call;
    init_call(&call, "PutObject", target, "PUT", url);
    call.req.body = body != NULL ? body : "";
    call.req.body_len = len;
    /* Always sent: without it curl 7.88 would send, and sign, a form
     * Content-Type for the body. */
    call.req.headers[call.req.header_count++] =
        (aws_header){"Content-Type", opts != NULL && opts->content_type != NULL
                                         ? opts->content_type
                                         : S3_DEFAULT_CONTENT_TYPE};
    if (opts != NULL && opts->cache_control != NULL) {
        call.req.headers[call.req.header_count++] =
            (aws_header){"Cache-Control", opts->cache_control};
    }
    aws_status st = aws_core_send(&client->core, &call, NULL, err);
    free(url);
    return st;
}

aws_status s3_delete_object(s3_client *client, const char *bucket,
                            const char *key, aws_error *err) {
    if (check_names("DeleteObject", bucket, key, err) != AWS_OK)
        return AWS_ERR_ARG;
    char target[TARGET_SIZE];
    describe(target, sizeof target, bucket, key);
    char *url = object_url(&client->core, bucket, key, NULL);
    if (url == NULL)
        return aws_fail(err, AWS_ERR_NOMEM, "DeleteObject %s: out of memory",
                        target);
    aws_call call;
    init_call(&call, "DeleteObject", target, "DELETE", url);
    aws_status st = aws_core_send(&client->core, &call, NULL, err);
    free(url);
    return st;
}

/* ---- ListObjectsV2 ----------------------------------------------------- */

/* Appends "name=encoded(value)&" to q. */
static void query_add(char *q, size_t size, const char *name,
                      const char *value) {
    char *ev = aws_uri_encode(value, false);
    size_t used = strlen(q);
    snprintf(q + used, size - used, "%s%s=%s", used ? "&" : "", name,
             ev != NULL ? ev : "");
    free(ev);
}

/* A ListBucketResult read element by element into a page. Keys are
 * decoded once the whole document is read: EncodingType may come after
 * the first Contents. */
typedef struct listing {
    s3_list_page *page;
    size_t cap;
    bool url_encoded;
    bool truncated;
    aws_status status; /* AWS_ERR_NOMEM once an allocation failed */
} listing;

static void listing_start(void *user, const char *path) {
    listing *l = user;
    if (l->status != AWS_OK || strcmp(path, "Contents") != 0)
        return;
    s3_list_page *page = l->page;
    if (page->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : LIST_INITIAL_ENTRIES;
        s3_list_entry *p = realloc(page->entries, cap * sizeof *p);
        if (p == NULL) {
            l->status = AWS_ERR_NOMEM;
            return;
        }
        page->entries = p;
        l->cap = cap;
    }
    memset(&page->entries[page->count++], 0, sizeof(s3_list_entry));
}

static void listing_text(void *user, const char *path, const char *text,
                         size_t len) {
    listing *l = user;
    s3_list_page *page = l->page;
    if (l->status != AWS_OK)
        return;
    if (strcmp(path, "EncodingType") == 0) {
        l->url_encoded = strcmp(text, "url") == 0;
    } else if (strcmp(path, "IsTruncated") == 0) {
        l->truncated = strcmp(text, "true") == 0;
    } else if (strcmp(path, "NextContinuationToken") == 0 && len > 0) {
        free(page->next_continuation_token);
        page->next_continuation_token = strdup(text);
        if (page->next_continuation_token == NULL)
            l->status = AWS_ERR_NOMEM;
    } else if (strncmp(path, "Contents/", strlen("Contents/")) == 0 &&
               page->count > 0) {
        s3_list_entry *e = &page->entries[page->count - 1];
        const char *field = path + strlen("Contents/");
        if (strcmp(field, "Key") == 0) {
            free(e->key);
            e->key = strdup(text);
            if (e->key == NULL)
                l->status = AWS_ERR_NOMEM;
        } else if (strcmp(field, "Size") == 0) {
            e->size = strtoull(text, NULL, 10);
        } else if (strcmp(field, "LastModified") == 0) {
            int64_t t = aws_parse_date(text, len);
            e->last_modified = t > 0 ? t : 0;
        } else if (strcmp(field, "ETag") == 0) {
            snprintf(e->etag, sizeof e->etag, "%s", text);
        }
    }
}

static aws_status parse_listing(const char *xml, size_t len,
                                s3_list_page *page) {
    listing l = {page, 0, false, false, AWS_OK};
    aws_xml_handler h = {&l, listing_start, listing_text};
    bool well_formed = aws_xml_parse(xml, len, &h);
    if (l.status != AWS_OK)
        return l.status;
    if (!well_formed)
        return AWS_ERR_PROTOCOL;
    for (size_t i = 0; i < page->count; i++) {
        s3_list_entry *e = &page->entries[i];
        if (e->key == NULL)
            return AWS_ERR_PROTOCOL;
        if (l.url_encoded) {
            char *decoded =
                aws_uri_decode(e->key, strlen(e->key), AWS_URI_PLUS_IS_SPACE);
            if (decoded == NULL)
                return AWS_ERR_PROTOCOL;
            free(e->key);
            e->key = decoded;
        }
    }
    if (l.truncated && page->next_continuation_token == NULL)
        return AWS_ERR_PROTOCOL;
    if (!l.truncated) {
        free(page->next_continuation_token);
        page->next_continuation_token = NULL;
    }
    return AWS_OK;
}

#define LIST_QUERY_SIZE 4096

aws_status s3_list_objects_page(s3_client *client, const char *bucket,
                                const char *prefix,
                                const char *continuation_token, int max_keys,
                                s3_list_page *page, aws_error *err) {
    memset(page, 0, sizeof *page);
    if (check_names("ListObjectsV2", bucket, NULL, err) != AWS_OK)
        return AWS_ERR_ARG;
    if ((prefix != NULL && strlen(prefix) > LIST_QUERY_SIZE / 4) ||
        (continuation_token != NULL &&
         strlen(continuation_token) > LIST_QUERY_SIZE / 4) ||
        max_keys < 0)
        return aws_fail(err, AWS_ERR_ARG,
                        "ListObjectsV2 %s: prefix, token or max-keys out of "
                        "range",
                        bucket);
    /* SigV4 signs the query string as sent: parameters must already be
     * sorted by name and encoded, which curl 7.88 does not do. */
    char query[LIST_QUERY_SIZE] = "";
    if (continuation_token != NULL)
        query_add(query, sizeof query, "continuation-token",
                  continuation_token);
    query_add(query, sizeof query, "encoding-type", "url");
    query_add(query, sizeof query, "list-type", "2");
    if (max_keys > 0) {
        char num[QUERY_NUMBER_SIZE];
        snprintf(num, sizeof num, "%d", max_keys);
        query_add(query, sizeof query, "max-keys", num);
    }
    if (prefix != NULL && *prefix)
        query_add(query, sizeof query, "prefix", prefix);
    char *url = object_url(&client->core, bucket, NULL, query);
    if (url == NULL)
        return aws_fail(err, AWS_ERR_NOMEM, "ListObjectsV2 %s: out of memory",
                        bucket);
    aws_call call;
    init_call(&call, "ListObjectsV2", bucket, "GET", url);
    aws_body b = {NULL, 0, 0, LIST_BODY_MAX, &call};
    call.sink = (aws_http_sink){&b, NULL, aws_body_data};
    call.reset = aws_body_reset;
    aws_status st = aws_core_send(&client->core, &call, NULL, err);
    free(url);
    if (st == AWS_OK) {
        st = parse_listing(b.data != NULL ? b.data : "", b.len, page);
        if (st != AWS_OK)
            aws_fail(err, st, "ListObjectsV2 %s: %s", bucket,
                     st == AWS_ERR_NOMEM ? "out of memory"
                                         : "malformed ListBucketResult");
    }
    aws_body_reset(&b);
    return st;
}

void s3_list_page_free(s3_list_page *page) {
    if (page == NULL)
        return;
    for (size_t i = 0; i < page->count; i++)
        free(page->entries[i].key);
    free(page->entries);
    free(page->next_continuation_token);
    memset(page, 0, sizeof *page);
}

aws_status s3_list_objects(s3_client *client, const char *bucket,
                           const char *prefix, int max_keys, s3_list_fn fn,
                           void *user, aws_error *err) {
    char *token = NULL;
    aws_status st = AWS_OK;
    for (;;) {
        s3_list_page page;
        st = s3_list_objects_page(client, bucket, prefix, token, max_keys,
                                  &page, err);
        free(token);
        token = NULL;
        if (st != AWS_OK) {
            s3_list_page_free(&page);
            break;
        }
        bool stop = false;
        for (size_t i = 0; i < page.count && !stop; i++)
            stop = fn(user, &page.entries[i]) != 0;
        token = page.next_continuation_token;
        page.next_continuation_token = NULL;
        s3_list_page_free(&page);
        if (stop || token == NULL)
            break;
    }
    free(token);
    return st;
}
