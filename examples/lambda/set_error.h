/*
 * set_error.h -- how the Lambda's parsers and clients report a failure:
 * one line, formatted into the caller's buffer (which may be NULL).
 *
 * Defined here, in the header, so that each parser still compiles and
 * links alone: the fuzz harnesses build event.c and query.c with nothing
 * but their own sources (fuzz/harnesses.tsv).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_LAMBDA_SET_ERROR_H
#define THUMB_LAMBDA_SET_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static inline void
set_error(char *error, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (error && size > 0)
        /* clang-analyzer misses va_start() here (a known false positive). */
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
        vsnprintf(error, size, fmt, ap);
    va_end(ap);
}

#endif /* THUMB_LAMBDA_SET_ERROR_H */
