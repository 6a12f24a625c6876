/* Test hooks of src/resize/: what the white-box tests (tests/test_resize*.c,
 * tests/simd_compare.c) need to see inside a plan and to run every kernel
 * table, kept out of resize.h so that no library code calls them. */
#ifndef THUMB_RESIZE_TEST_H
#define THUMB_RESIZE_TEST_H

#include "resize.h"
#include "resize_kernels.h"

#include <stddef.h>
#include <stdint.h>

/* The tap set of output i along the vertical (or horizontal) axis, the
 * fixed-point value of 1.0 and the ring's row count; NULL when there is no
 * such set (an identity plan, or i past the last output). */
const int16_t *resize_test_taps(const resize *r, int vertical_axis, uint32_t i,
                                uint32_t *first, uint32_t *count, int32_t *one,
                                uint32_t *ring_rows);

/* The length of the plan's quad windows (resize_axis.quad_taps), 0 when
 * it has none. */
uint32_t resize_test_quad_taps(const resize *r);

/* Every kernel table this CPU runs, scalar first (AVX-512 with and without
 * VNNI included); returns how many were written to out (at most cap). */
size_t resize_test_kernel_tables(const resize_kernels **out, size_t cap);

/* Runs a plan on a kernel table of the test's choice (one of
 * resize_test_kernel_tables()), including those AUTO never picks here. */
void resize_test_set_kernels(resize *r, const resize_kernels *kernels);

#endif
