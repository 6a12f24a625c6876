/* Log lines and CloudWatch Embedded Metric Format lines. */
#include "telemetry.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US_PER_MS 1000.0
#define PIXELS_PER_MEGAPIXEL 1e6

static const char *outcome_name(telemetry_outcome o) {
    switch (o) {
    case TELEMETRY_OK:
        return "ok";
    case TELEMETRY_ERROR:
        return "error";
    case TELEMETRY_SKIPPED:
        return "skipped";
    case TELEMETRY_CLIENT_ERROR:
        return "client_error";
    case TELEMETRY_REFUSED:
        return "refused";
    }
    return "unknown";
}

void telemetry_report_init(telemetry_report *r, const char *request_id,
                           const char *bucket, const char *key) {
    memset(r, 0, sizeof *r);
    r->request_id = request_id;
    r->bucket = bucket;
    r->key = key;
    r->input_bytes = r->input_width = r->input_height = -1;
    r->get_us = r->decode_us = r->resize_us = r->encode_us = r->put_us =
        r->total_us = -1;
}

/* Adds name: value in milliseconds when the stage was reached. */
static void add_ms(cJSON *obj, const char *name, int64_t us) {
    if (us >= 0)
        cJSON_AddNumberToObject(obj, name, (double)us / US_PER_MS);
}

static void add_count(cJSON *obj, const char *name, int64_t v) {
    if (v >= 0)
        cJSON_AddNumberToObject(obj, name, (double)v);
}

/* cJSON reports allocation failures by returning NULL from every adder;
 * checking once, when printing, is enough since printing a partial tree
 * is never wrong JSON. A NULL root is the only failure to catch early. */
static char *print_and_free(cJSON *root) {
    char *s = root ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    return s;
}

char *telemetry_log_line(const telemetry_report *r) {
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    cJSON_AddStringToObject(root, "level",
                            r->outcome == TELEMETRY_ERROR     ? "error"
                            : r->outcome == TELEMETRY_REFUSED ? "warn"
                                                              : "info");
    cJSON_AddStringToObject(root, "msg", "thumbnail");
    if (r->request_id)
        cJSON_AddStringToObject(root, "requestId", r->request_id);
    if (r->bucket)
        cJSON_AddStringToObject(root, "bucket", r->bucket);
    if (r->key)
        cJSON_AddStringToObject(root, "key", r->key);
    cJSON_AddStringToObject(root, "outcome", outcome_name(r->outcome));
    cJSON *sizes = cJSON_AddArrayToObject(root, "sizes");
    for (size_t i = 0; sizes && i < r->size_count; i++)
        cJSON_AddItemToArray(sizes, cJSON_CreateString(r->sizes[i]->name));
    cJSON *outputs = cJSON_AddArrayToObject(root, "outputs");
    for (size_t i = 0; outputs && i < r->output_count; i++) {
        const telemetry_output *o = &r->outputs[i];
        cJSON *item = cJSON_CreateObject();
        if (!item)
            break;
        cJSON_AddStringToObject(item, "key", o->key);
        cJSON_AddStringToObject(item, "size", o->size_name);
        cJSON_AddNumberToObject(item, "width", o->width);
        cJSON_AddNumberToObject(item, "height", o->height);
        cJSON_AddNumberToObject(item, "bytes", (double)o->bytes);
        cJSON_AddItemToArray(outputs, item);
    }
    if (r->failed_count) {
        cJSON *failed = cJSON_AddArrayToObject(root, "failedOutputs");
        for (size_t i = 0; failed && i < r->failed_count; i++) {
            const telemetry_failed_output *f = &r->failed[i];
            cJSON *item = cJSON_CreateObject();
            if (!item)
                break;
            cJSON_AddStringToObject(item, "size", f->size_name);
            cJSON_AddStringToObject(item, "errorClass", f->error_class);
            cJSON_AddStringToObject(item, "errorMessage", f->error_message);
            cJSON_AddItemToArray(failed, item);
        }
    }
    if (r->deleted_count)
        cJSON_AddNumberToObject(root, "deletedKeys", (double)r->deleted_count);
    if (r->source_changes)
        cJSON_AddNumberToObject(root, "sourceChanges", r->source_changes);
    add_count(root, "inputBytes", r->input_bytes);
    add_count(root, "outputBytes", r->output_count ? r->output_bytes : -1);
    add_count(root, "inputWidth", r->input_width);
    add_count(root, "inputHeight", r->input_height);
    add_ms(root, "getMs", r->get_us);
    add_ms(root, "decodeMs", r->decode_us);
    add_ms(root, "resizeMs", r->resize_us);
    add_ms(root, "encodeMs", r->encode_us);
    add_ms(root, "putMs", r->put_us);
    add_ms(root, "totalMs", r->total_us);
    if (r->outcome != TELEMETRY_OK && r->error_class) {
        cJSON_AddStringToObject(root, "errorClass", r->error_class);
        cJSON_AddStringToObject(root, "errorMessage", r->error_message);
    }
    return print_and_free(root);
}

/* Appends {"Name": name, "Unit": unit} to the metric definitions and the
 * value to the document's root. */
static void add_metric(cJSON *root, cJSON *defs, const char *name,
                       const char *unit, double value) {
    cJSON *def = cJSON_CreateObject();
    if (!def)
        return;
    cJSON_AddStringToObject(def, "Name", name);
    cJSON_AddStringToObject(def, "Unit", unit);
    cJSON_AddItemToArray(defs, def);
    cJSON_AddNumberToObject(root, name, value);
}

static cJSON *string_array(const char *a, const char *b) {
    cJSON *arr = cJSON_CreateArray();
    if (!arr)
        return NULL;
    cJSON_AddItemToArray(arr, cJSON_CreateString(a));
    if (b)
        cJSON_AddItemToArray(arr, cJSON_CreateString(b));
    return arr;
}

/* Appends a directive recording its metrics under the dimension set
 * {FunctionName[, second]} and returns its metric definitions. */
static cJSON *add_directive(cJSON *directives, const char *ns,
                            const char *second) {
    cJSON *directive = cJSON_CreateObject();
    if (!directive)
        return NULL;
    cJSON_AddItemToArray(directives, directive);
    cJSON_AddStringToObject(directive, "Namespace", ns);
    cJSON *dims = cJSON_AddArrayToObject(directive, "Dimensions");
    if (dims)
        cJSON_AddItemToArray(dims, string_array("FunctionName", second));
    return cJSON_AddArrayToObject(directive, "Metrics");
}

/* The metric of an outcome that is graphed by class, or NULL. */
static const char *class_metric(telemetry_outcome o) {
    switch (o) {
    case TELEMETRY_ERROR:
        return "Errors";
    case TELEMETRY_CLIENT_ERROR:
        return "ClientErrors";
    case TELEMETRY_REFUSED:
        return "Refused";
    default:
        return NULL;
    }
}

char *telemetry_emf_line(const telemetry_report *r, const char *ns,
                         const char *function_name, int64_t timestamp_ms) {
    if (r->outcome == TELEMETRY_SKIPPED)
        return NULL;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    cJSON *aws = cJSON_AddObjectToObject(root, "_aws");
    cJSON *directives =
        aws ? cJSON_AddArrayToObject(aws, "CloudWatchMetrics") : NULL;
    cJSON *defs = directives ? add_directive(directives, ns, NULL) : NULL;
    if (!defs) {
        cJSON_Delete(root);
        return NULL;
    }
    cJSON_AddNumberToObject(aws, "Timestamp", (double)timestamp_ms);
    cJSON_AddStringToObject(root, "FunctionName", function_name);
    add_metric(root, defs, "Errors", "Count", r->outcome == TELEMETRY_ERROR);
    add_metric(root, defs, "ClientErrors", "Count",
               r->outcome == TELEMETRY_CLIENT_ERROR);
    add_metric(root, defs, "Refused", "Count", r->outcome == TELEMETRY_REFUSED);
    add_metric(root, defs, "Decodes", "Count", r->decodes);
    add_metric(root, defs, "Thumbnails", "Count", (double)r->output_count);
    add_metric(root, defs, "OutputErrors", "Count", (double)r->failed_count);
    add_metric(root, defs, "ThumbnailsDeleted", "Count",
               (double)r->deleted_count);
    const char *by_class = class_metric(r->outcome);
    if (by_class) {
        /* A directive of its own, so that the per-class series holds this
         * one metric and not every metric of the line. */
        cJSON *class_defs = add_directive(directives, ns, "ErrorClass");
        cJSON_AddStringToObject(root, "ErrorClass",
                                r->error_class ? r->error_class : "unknown");
        cJSON *def = cJSON_CreateObject();
        if (class_defs && def) {
            cJSON_AddStringToObject(def, "Name", by_class);
            cJSON_AddStringToObject(def, "Unit", "Count");
            cJSON_AddItemToArray(class_defs, def);
        } else {
            cJSON_Delete(def);
        }
    } else if (r->decodes) {
        add_metric(root, defs, "DecodeMs", "Milliseconds",
                   (double)r->decode_us / US_PER_MS);
        add_metric(root, defs, "ResizeMs", "Milliseconds",
                   (double)r->resize_us / US_PER_MS);
        add_metric(root, defs, "EncodeMs", "Milliseconds",
                   (double)r->encode_us / US_PER_MS);
        add_metric(root, defs, "TotalMs", "Milliseconds",
                   (double)r->total_us / US_PER_MS);
        add_metric(root, defs, "InputBytes", "Bytes", (double)r->input_bytes);
        add_metric(root, defs, "OutputBytes", "Bytes", (double)r->output_bytes);
        add_metric(root, defs, "InputMegapixels", "None",
                   (double)r->input_width * (double)r->input_height /
                       PIXELS_PER_MEGAPIXEL);
    }
    cJSON_AddStringToObject(root, "requestId",
                            r->request_id ? r->request_id : "");
    if (r->key)
        cJSON_AddStringToObject(root, "key", r->key);
    return print_and_free(root);
}

void telemetry_emit(const char *line) {
    /* stdout is fully buffered on Lambda (a pipe): the line and its newline
     * leave in one write at the flush. */
    fputs(line, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}
