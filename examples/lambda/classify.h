/*
 * classify.h -- short, stable error-class names for logs, metrics and
 * errorType. Content types and extensions come from the library
 * (thumb_format_mime_type, thumb_format_extension).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_LAMBDA_CLASSIFY_H
#define THUMB_LAMBDA_CLASSIFY_H

#include "aws.h"

#include <thumbnail.h>

/* "corrupt", "unsupported_format", "limit", ... */
const char *classify_thumb_status(thumb_status status);
/* "s3_access", "s3_transport", "input_too_large", ... */
const char *classify_aws_status(aws_status status);

#endif /* THUMB_LAMBDA_CLASSIFY_H */
