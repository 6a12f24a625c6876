/* A thumb_allocator for tests: counts live blocks and bytes, records the
 * peak, and fails one chosen allocation. One instance per context (and so
 * per thread); it holds no global state. */
#ifndef THUMB_TEST_COUNTING_ALLOC_H
#define THUMB_TEST_COUNTING_ALLOC_H

#include <stddef.h>
#include <thumbnail.h>

typedef struct counting_allocator {
    long live_blocks; /* signed, so that a double free shows as negative */
    size_t live_bytes;
    size_t peak_bytes;
    long calls;   /* malloc and realloc calls so far, failed ones included */
    long fail_at; /* the call number (from 0) that returns NULL, or -1 */
    int failed;   /* the injected failure happened */
    /* Set after counting_ctx(): a failure planned for a call that comes
     * from inside liblcms2 is not made (lcms2 2.14 crashes on some of its
     * own allocation failures, inside cmsCreateTransform); spared says it
     * happened. */
    int spare_lcms2;
    int spared;
} counting_allocator;

/* 1 when liblcms2 is on the calling stack. */
int counting_called_from_lcms2(void);

/* Zero counts, no failure planned. */
void counting_allocator_init(counting_allocator *a);

/* The hooks, with a as their opaque pointer. */
thumb_allocator counting_allocator_hooks(counting_allocator *a);

/* counting_allocator_init(a), then a context allocating through a. Fails
 * the test (ck_assert) when the context cannot be made. */
thumb_ctx *counting_ctx(counting_allocator *a);

#endif
