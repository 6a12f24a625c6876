/*
 * telemetry.h -- what the runtime tells CloudWatch about each object: one
 * JSON log line, and one line in the Embedded Metric Format that
 * CloudWatch turns into metrics without any API call.
 *
 * Log line (fields absent when unknown):
 *   {"level":"info","msg":"thumbnail","requestId":..,"bucket":..,"key":..,
 *    "outcome":"ok"|"error"|"skipped","sizes":["256x256"],
 *    "outputs":[{"key":..,"size":..,"width":..,"height":..,"bytes":..}],
 *    "failedOutputs":[{"size":..,"errorClass":..,"errorMessage":..}],
 *    "deletedKeys":..,"sourceChanges":..,
 *    "inputBytes":..,"outputBytes":..,"inputWidth":..,"inputHeight":..,
 *    "getMs":..,"decodeMs":..,"resizeMs":..,"encodeMs":..,"putMs":..,
 *    "totalMs":..,"errorClass":..,"errorMessage":..}
 * outputs and failedOutputs in THUMB_SIZES order; encodeMs the sum over
 * the outputs, putMs the wall time of their uploads (made at the same
 * time, handler.h).
 *
 * EMF line, under the dimension FunctionName: Errors (failures of the
 * service, 1 or 0, so that an error rate is Errors / SampleCount(Errors)),
 * ClientErrors (a request the client got wrong: missing, corrupt, too
 * large), Refused (a message that retrying cannot help: the recursion
 * guard, a source outside THUMB_SOURCE_BUCKET/PREFIX), Decodes (1 when
 * the source was decoded: every size comes from one decode), Thumbnails
 * (outputs made), OutputErrors (outputs that failed alone while others
 * were made), ThumbnailsDeleted (keys deleted after the source was);
 * and on success, once decoded, DecodeMs, ResizeMs, EncodeMs (the sum of the
 * outputs'), TotalMs, InputBytes, OutputBytes, InputMegapixels. Errors,
 * ClientErrors and Refused are also recorded under FunctionName +
 * ErrorClass, so each can be graphed by class.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_LAMBDA_TELEMETRY_H
#define THUMB_LAMBDA_TELEMETRY_H

#include "config.h"

#include <stddef.h>
#include <stdint.h>

typedef struct telemetry_output {
    char key[1025]; /* KEYTEMPLATE_MAX_KEY_BYTES + NUL */
    const char *size_name;
    int width, height;
    uint64_t bytes;
} telemetry_output;

typedef enum telemetry_outcome {
    TELEMETRY_OK,
    TELEMETRY_ERROR,
    TELEMETRY_SKIPPED,      /* nothing to do: not a creation, or gone */
    TELEMETRY_CLIENT_ERROR, /* the request's fault: answered with a 4xx */
    TELEMETRY_REFUSED /* can never succeed, so not retried: log and drop */
} telemetry_outcome;

/* An output that failed while others of the same decode were made. */
typedef struct telemetry_failed_output {
    const char *size_name;
    const char *error_class;
    char error_message[256];
} telemetry_failed_output;

/* One object's story. Durations are microseconds; -1 means not reached. */
typedef struct telemetry_report {
    const char *request_id;
    const char *bucket;
    const char *key;
    telemetry_outcome outcome;
    const char *error_class; /* short and stable: "corrupt", "s3_access" */
    char error_message[512];
    const config_size *sizes[CONFIG_MAX_SIZES]; /* requested */
    size_t size_count;
    telemetry_output outputs[CONFIG_MAX_SIZES]; /* written */
    size_t output_count;
    telemetry_failed_output failed[CONFIG_MAX_SIZES];
    size_t failed_count;
    int decodes; /* 1 once the source is decoded, for all its outputs */
    size_t deleted_count; /* thumbnail keys deleted (ObjectRemoved) */
    int source_changes;   /* uploads that came in while it was made */
    int64_t input_bytes, output_bytes;
    int64_t input_width, input_height;
    int64_t get_us, decode_us, resize_us, encode_us, put_us, total_us;
} telemetry_report;

/* Clears a report: counters 0, durations and input facts -1. */
void telemetry_report_init(telemetry_report *r, const char *request_id,
                           const char *bucket, const char *key);

/* The log line, malloc'd and without a newline; NULL when out of memory. */
char *telemetry_log_line(const telemetry_report *r);

/* The EMF line, malloc'd and without a newline; NULL when out of memory
 * or when the outcome is TELEMETRY_SKIPPED (nothing to measure). */
char *telemetry_emf_line(const telemetry_report *r, const char *ns,
                         const char *function_name, int64_t timestamp_ms);

/* Prints a line and a newline to stdout and flushes it. */
void telemetry_emit(const char *line);

#endif /* THUMB_LAMBDA_TELEMETRY_H */
