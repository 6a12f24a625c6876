/* Function URL mode: one thumbnail, returned in the response. */
#include "ondemand.h"

#include "base64.h"
#include "classify.h"
#include "query.h"
#include "telemetry.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum http_status {
    HTTP_OK = 200,
    HTTP_BAD_REQUEST = 400,
    HTTP_NOT_FOUND = 404,
    HTTP_METHOD_NOT_ALLOWED = 405,
    HTTP_PAYLOAD_TOO_LARGE = 413,
    HTTP_UNSUPPORTED_MEDIA_TYPE = 415,
    HTTP_UNPROCESSABLE = 422,
    HTTP_INTERNAL_ERROR = 500,
    HTTP_BAD_GATEWAY = 502,
    HTTP_GATEWAY_TIMEOUT = 504
};

/* Room the response document needs besides the base64 body. */
#define RESPONSE_OVERHEAD_BYTES 1024

/* {"statusCode": status, "headers": {...}, "body": ..., ...}. */
static char *response(int status, const char *content_type,
                      const char *cache_control, int vary_accept,
                      const char *body, int base64) {
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    cJSON_AddNumberToObject(root, "statusCode", status);
    cJSON *headers = cJSON_AddObjectToObject(root, "headers");
    if (headers) {
        cJSON_AddStringToObject(headers, "Content-Type", content_type);
        cJSON_AddStringToObject(headers, "Cache-Control", cache_control);
        if (vary_accept)
            cJSON_AddStringToObject(headers, "Vary", "Accept");
        cJSON_AddStringToObject(headers, "X-Content-Type-Options", "nosniff");
    }
    cJSON_AddStringToObject(root, "body", body);
    cJSON_AddBoolToObject(root, "isBase64Encoded", base64);
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}

static char *error_response(int status, const char *message) {
    char body[512];
    cJSON *doc = cJSON_CreateObject();
    char *text = NULL;
    if (doc && cJSON_AddStringToObject(doc, "message", message))
        text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    snprintf(body, sizeof body, "%s", text ? text : "{}");
    cJSON_free(text);
    return response(status, "application/json", ONDEMAND_ERROR_CACHE_CONTROL, 0,
                    body, 0);
}

static int thumb_http_status(thumb_status st) {
    switch (st) {
    case THUMB_ERR_UNSUPPORTED_FORMAT:
    case THUMB_ERR_UNSUPPORTED_FEATURE:
        return HTTP_UNSUPPORTED_MEDIA_TYPE;
    case THUMB_ERR_CORRUPT:
        return HTTP_UNPROCESSABLE;
    case THUMB_ERR_LIMIT:
        return HTTP_PAYLOAD_TOO_LARGE;
    case THUMB_ERR_TIMEOUT:
        return HTTP_GATEWAY_TIMEOUT;
    default:
        return HTTP_INTERNAL_ERROR;
    }
}

static void emit_report(handler *h, telemetry_report *r) {
    char *line = telemetry_log_line(r);
    if (line) {
        telemetry_emit(line);
        cJSON_free(line);
    }
    line = telemetry_emf_line(r, h->cfg->metrics_namespace, h->function_name,
                              handler_unix_ms());
    if (line) {
        telemetry_emit(line);
        cJSON_free(line);
    }
}

/* An error response; the report counts a 4xx as the client's error and
 * anything else as the service's (only those fire the Errors alarm). */
static char *failed(telemetry_report *r, int status, const char *cls,
                    const char *message) {
    r->outcome =
        status < HTTP_INTERNAL_ERROR ? TELEMETRY_CLIENT_ERROR : TELEMETRY_ERROR;
    r->error_class = cls;
    return error_response(status, message);
}

/* The thumbnail as a 200 response, or an error response. */
static char *render(handler *h, const query_request *q, const char *accept,
                    const config_size *size, int64_t deadline_ms,
                    telemetry_report *r) {
    const lambda_config *cfg = h->cfg;
    unsigned char *data = NULL;
    size_t len = 0;
    aws_error err;
    int64_t t0 = handler_now_us();
    aws_status s =
        s3_get_object(h->s3, cfg->source_bucket, q->key,
                      (size_t)cfg->max_input_bytes, &data, &len, NULL, &err);
    r->get_us = handler_now_us() - t0;
    if (s != AWS_OK) {
        const char *cls = classify_aws_status(s);
        snprintf(r->error_message, sizeof r->error_message, "%s", err.message);
        if (s == AWS_ERR_NOT_FOUND)
            return failed(r, HTTP_NOT_FOUND, cls, "no such image");
        if (s == AWS_ERR_TOO_LARGE)
            return failed(r, HTTP_PAYLOAD_TOO_LARGE, cls, "image too large");
        return failed(r, HTTP_BAD_GATEWAY, cls, "storage unavailable");
    }
    r->input_bytes = (int64_t)len;

    /* An explicit format is served as asked; otherwise the smallest the
     * client takes, AVIF (when this build writes it) before WebP, else
     * the source's own format. Accept is read first: asking whether AVIF
     * can be written loads libavif, which only such a client needs. */
    int negotiated = q->format == THUMB_FORMAT_AUTO;
    thumb_format format = q->format;
    if (negotiated && query_accepts(accept, THUMB_FORMAT_AVIF) &&
        thumb_format_can_write(THUMB_FORMAT_AVIF))
        format = THUMB_FORMAT_AVIF;
    else if (negotiated && query_accepts(accept, THUMB_FORMAT_WEBP))
        format = THUMB_FORMAT_WEBP;
    thumb_ctx *ctx = h->ctxs[0];
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, size->width);
    thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, size->height);
    thumb_ctx_set(ctx, THUMB_OPT_FIT, q->fit);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, format);
    thumb_ctx_set(ctx, THUMB_OPT_QUALITY, cfg->quality);
    handler_limit_run(ctx, deadline_ms);
    const unsigned char *out;
    size_t out_len;
    thumb_status st = thumb_run(ctx, data, len, &out, &out_len);
    free(data);
    r->input_width = thumb_ctx_info(ctx, THUMB_INFO_WIDTH);
    r->input_height = thumb_ctx_info(ctx, THUMB_INFO_HEIGHT);
    r->decode_us = thumb_ctx_info(ctx, THUMB_INFO_DECODE_US);
    r->resize_us = thumb_ctx_info(ctx, THUMB_INFO_RESIZE_US);
    r->encode_us = thumb_ctx_info(ctx, THUMB_INFO_ENCODE_US);
    r->decodes = thumb_ctx_info(ctx, THUMB_INFO_DECODED_WIDTH) > 0;
    if (st != THUMB_OK) {
        snprintf(r->error_message, sizeof r->error_message, "%s: %s",
                 thumb_strerror(st), thumb_ctx_error(ctx));
        return failed(r, thumb_http_status(st), classify_thumb_status(st),
                      thumb_strerror(st));
    }
    size_t b64_len = base64_encoded_length(out_len);
    if (b64_len > ONDEMAND_MAX_RESPONSE_BYTES - RESPONSE_OVERHEAD_BYTES) {
        snprintf(r->error_message, sizeof r->error_message,
                 "thumbnail of %zu bytes exceeds the Function URL response "
                 "limit",
                 out_len);
        return failed(r, HTTP_BAD_GATEWAY, "response_too_large",
                      "thumbnail too large");
    }
    thumb_format out_format =
        (thumb_format)thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_FORMAT);
    telemetry_output *o = &r->outputs[0];
    snprintf(o->key, sizeof o->key, "%s", "(response)");
    o->size_name = size->name;
    o->width = (int)thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_WIDTH);
    o->height = (int)thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_HEIGHT);
    o->bytes = out_len;
    r->output_count = 1;
    r->output_bytes = (int64_t)out_len;

    char *b64 = malloc(q->head ? 1 : b64_len + 1);
    if (!b64)
        return NULL;
    if (q->head)
        b64[0] = '\0';
    else
        base64_encode(out, out_len, b64);
    char *doc = response(HTTP_OK, thumb_format_mime_type(out_format),
                         cfg->cache_control, negotiated, b64, !q->head);
    free(b64);
    return doc;
}

char *ondemand_handle(handler *h, const char *request_id, int64_t deadline_ms,
                      const lambda_http_request *req) {
    const lambda_config *cfg = h->cfg;
    query_request q;
    char why[QUERY_ERROR_SIZE];
    query_status qs = query_parse(req->method, req->raw_path, req->raw_query,
                                  &q, why, sizeof why);
    if (qs == QUERY_ERR_METHOD)
        return error_response(HTTP_METHOD_NOT_ALLOWED, why);
    if (qs != QUERY_OK)
        return error_response(HTTP_BAD_REQUEST, why);
    if (strncmp(q.key, cfg->source_prefix, strlen(cfg->source_prefix)) != 0) {
        /* Only what the trigger side would thumbnail is served. */
        query_request_free(&q);
        return error_response(HTTP_NOT_FOUND, "no such image");
    }
    const config_size *size =
        config_find_size(&cfg->ondemand_sizes, q.width, q.height);
    if (!size) {
        query_request_free(&q);
        return error_response(HTTP_BAD_REQUEST,
                              "size not allowed (see THUMB_ONDEMAND_SIZES)");
    }
    telemetry_report r;
    telemetry_report_init(&r, request_id, cfg->source_bucket, q.key);
    r.sizes[r.size_count++] = size;
    int64_t start = handler_now_us();
    char *doc = render(h, &q, req->accept, size, deadline_ms, &r);
    r.total_us = handler_now_us() - start;
    emit_report(h, &r);
    query_request_free(&q);
    return doc;
}
