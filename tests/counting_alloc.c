/* dladdr() and Dl_info are GNU extensions. */
#define _GNU_SOURCE
#include "counting_alloc.h"

#include <check.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Each block starts with its size, padded so that the payload keeps
 * malloc's alignment (16 on every 64-bit ABI we build for). */
#define COUNTING_HEADER_SIZE 16

/* Frames of the allocator's caller chain looked at. */
#define STACK_DEPTH 32

/* lcms2 2.14's MatrixElemDup does not check _cmsDupMem; the stage it
 * builds is dereferenced by the optimiser in cmsCreateTransform. */
int counting_called_from_lcms2(void) {
    void *frames[STACK_DEPTH];
    int n = backtrace(frames, STACK_DEPTH);
    for (int i = 0; i < n; i++) {
        Dl_info info;
        if (dladdr(frames[i], &info) && info.dli_fname &&
            strstr(info.dli_fname, "liblcms2"))
            return 1;
    }
    return 0;
}

static int should_fail(counting_allocator *a) {
    long n = a->calls++;
    if (a->fail_at < 0 || n != a->fail_at)
        return 0;
    if (a->spare_lcms2 && counting_called_from_lcms2()) {
        a->spared = 1;
        return 0;
    }
    a->failed = 1;
    return 1;
}

static void note_growth(counting_allocator *a) {
    if (a->live_bytes > a->peak_bytes)
        a->peak_bytes = a->live_bytes;
}

static void *counting_malloc(void *opaque, size_t size) {
    counting_allocator *a = opaque;
    if (should_fail(a) || size > SIZE_MAX - COUNTING_HEADER_SIZE)
        return NULL;
    uint8_t *p = malloc(size + COUNTING_HEADER_SIZE);
    if (!p)
        return NULL;
    memcpy(p, &size, sizeof size);
    a->live_blocks++;
    a->live_bytes += size;
    note_growth(a);
    return p + COUNTING_HEADER_SIZE;
}

static void counting_free(void *opaque, void *ptr) {
    counting_allocator *a = opaque;
    if (!ptr)
        return;
    uint8_t *p = (uint8_t *)ptr - COUNTING_HEADER_SIZE;
    size_t size;
    memcpy(&size, p, sizeof size);
    a->live_blocks--;
    a->live_bytes -= size;
    free(p);
}

static void *counting_realloc(void *opaque, void *ptr, size_t size) {
    counting_allocator *a = opaque;
    if (!ptr)
        return counting_malloc(opaque, size);
    if (should_fail(a) || size > SIZE_MAX - COUNTING_HEADER_SIZE)
        return NULL;
    uint8_t *old = (uint8_t *)ptr - COUNTING_HEADER_SIZE;
    size_t old_size;
    memcpy(&old_size, old, sizeof old_size);
    uint8_t *p = realloc(old, size + COUNTING_HEADER_SIZE);
    if (!p)
        return NULL;
    memcpy(p, &size, sizeof size);
    a->live_bytes = a->live_bytes - old_size + size;
    note_growth(a);
    return p + COUNTING_HEADER_SIZE;
}

void counting_allocator_init(counting_allocator *a) {
    memset(a, 0, sizeof *a);
    a->fail_at = -1;
}

thumb_allocator counting_allocator_hooks(counting_allocator *a) {
    thumb_allocator al = {counting_malloc, counting_realloc, counting_free, a};
    return al;
}

thumb_ctx *counting_ctx(counting_allocator *a) {
    counting_allocator_init(a);
    thumb_allocator al = counting_allocator_hooks(a);
    thumb_ctx *ctx = thumb_ctx_new_with_allocator(&al);
    ck_assert_ptr_nonnull(ctx);
    return ctx;
}
