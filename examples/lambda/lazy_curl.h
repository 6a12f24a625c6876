/*
 * lazy_curl.h -- libcurl and OpenSSL's libcrypto, loaded at their first
 * use instead of at exec.
 *
 * Debian's libcurl brings about 30 shared libraries (OpenSSL, nghttp2,
 * libssh2, LDAP, Kerberos, GnuTLS through librtmp, ...). Mapping and
 * relocating them before main() took most of bootstrap's cold start,
 * though nothing needs them before the first S3 request. So bootstrap
 * does not link them: lazy_curl.c defines the few libcurl and libcrypto
 * functions the S3 client (examples/s3) calls, and each of them loads the
 * real libraries (dlopen, found through bootstrap's DT_RPATH $ORIGIN/lib
 * like any other bundled library) and calls on. package.sh bundles the
 * libraries named here and what they need.
 *
 * Only bootstrap links lazy_curl.c; the other programs link libcurl.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_LAMBDA_LAZY_CURL_H
#define THUMB_LAMBDA_LAZY_CURL_H

#include <stddef.h>

#define LAZY_CURL_LIBCURL "libcurl.so.4"
#define LAZY_CURL_LIBCRYPTO "libcrypto.so.3"

/* Loads both libraries now (once per process; thread-safe). Returns 0,
 * or -1 with the loader's message in error. The functions lazy_curl.c
 * defines call it themselves and fail as libcurl would (CURLE_FAILED_INIT,
 * NULL, 0) when it fails: call it first to get the reason. */
int lazy_curl_load(char *error, size_t error_size);

#endif /* THUMB_LAMBDA_LAZY_CURL_H */
