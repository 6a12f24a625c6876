/*
 * lazy_transport.h -- an S3 transport that starts libcurl at the first
 * request (curl_global_init(), a handle, and in bootstrap the loading of
 * the libraries themselves, lazy_curl.h) rather than at start, so that
 * bootstrap asks for its first invocation without waiting for them. The
 * client's configuration is still checked at start, by
 * s3_client_new_with_transport().
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_LAMBDA_LAZY_TRANSPORT_H
#define THUMB_LAMBDA_LAZY_TRANSPORT_H

#include "aws_transport.h"

/* ca_bundle as for aws_transport_curl_new(): a CA file or NULL; copied. */
aws_status lazy_transport_new(aws_transport *out, const char *ca_bundle,
                              aws_error *err);

#endif /* THUMB_LAMBDA_LAZY_TRANSPORT_H */
