/*
 * classify.h -- short, stable error-class names for logs, metrics and
 * errorType, and the content type of each output format.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_LAMBDA_CLASSIFY_H
#define THUMB_LAMBDA_CLASSIFY_H

#include "s3.h"

#include <thumbnail.h>

/* "corrupt", "unsupported_format", "limit", ... */
const char *classify_thumb_status(thumb_status status);
/* "s3_access", "s3_transport", "input_too_large", ... */
const char *classify_s3_status(s3_status status);

/* "image/jpeg", "image/png", "image/webp"; "application/octet-stream"
 * for anything else. */
const char *classify_content_type(thumb_format format);
/* "jpg", "png", "webp"; "bin" for anything else. */
const char *classify_extension(thumb_format format);

#endif /* THUMB_LAMBDA_CLASSIFY_H */
