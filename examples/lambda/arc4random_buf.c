/*
 * arc4random_buf.c -- the one glibc 2.36 function the S3 adapter's XML
 * reader needs, for bootstrap alone.
 *
 * Debian 12's expat (libexpat.a and libexpat.so.1 alike) salts its hash
 * tables with arc4random_buf, which glibc added in 2.36; provided.al2023
 * has glibc 2.34, so a reference to arc4random_buf@GLIBC_2.36 would keep
 * bootstrap from starting there (package.sh refuses it: "bootstrap needs
 * GLIBC_2.36 > GLIBC_2.34"). Defined in the program, this satisfies the
 * static archive's reference, and no versioned one reaches the dynamic
 * symbol table. getrandom() is glibc 2.25.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

void arc4random_buf(void *buf, size_t n);

/* arc4random_buf cannot fail. Should getrandom() fail (on a kernel without
 * it), the salt falls back to the clock and the process id: weaker
 * against hash flooding, but AWS's responses are not hostile input. */
static void fallback_fill(unsigned char *p, size_t n) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^
                 ((uint64_t)getpid() << 16) ^ (uint64_t)(uintptr_t)p;
    for (size_t i = 0; i < n; i++) {
        /* xorshift64 */
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p[i] = (unsigned char)x;
    }
}

void arc4random_buf(void *buf, size_t n) {
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            fallback_fill(p, n);
            return;
        }
        p += got;
        n -= (size_t)got;
    }
}
