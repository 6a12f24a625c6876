/* The box shrink (resize/box.h) against the plain definition: the mean
 * of each box, rounded half up on even box rows and half down on odd
 * ones, for every k, one and three channels, widths that leave a partial
 * box at the right and row counts short of k (the bottom boxes), in both
 * builds (baseline and AVX2 where the CPU has it). */
#include "resize/box.h"
#include "support.h"
#include "thumbnail.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* Past two of the AVX2 build's 64-column steps. */
#define MAX_WIDTH 161

/* The mean of the box at (x, 0) of rows, as box.h defines it. */
static uint8_t reference(uint8_t rows[BOX_MAX][MAX_WIDTH * 3], uint32_t count,
                         size_t width, int channels, uint32_t k, size_t box,
                         int c, int odd) {
    uint32_t sum = 0, area = 0;
    for (uint32_t y = 0; y < count; y++)
        for (size_t x = box * k; x < (box + 1) * k && x < width; x++) {
            sum += rows[y][x * (size_t)channels + (size_t)c];
            area++;
        }
    uint32_t round = area / 2 - (uint32_t)(odd && area % 2 == 0);
    return (uint8_t)((sum + round) / area);
}

static void check_build(box_row_fn box, const char *name) {
    uint8_t rows[BOX_MAX][MAX_WIDTH * 3];
    uint16_t sums[MAX_WIDTH * 3];
    uint8_t out[MAX_WIDTH * 3];
    srand(7);
    for (uint32_t k = 2; k <= BOX_MAX; k *= 2)
        for (int channels = 1; channels <= 3; channels += 2)
            for (uint32_t count = 1; count <= k; count++)
                for (size_t width = 1; width <= MAX_WIDTH; width += 3)
                    for (int odd = 0; odd < 2; odd++) {
                        const uint8_t *at[BOX_MAX];
                        for (uint32_t y = 0; y < count; y++) {
                            for (size_t x = 0; x < MAX_WIDTH * 3; x++)
                                /* Extremes too: sums near the 16-bit top. */
                                rows[y][x] =
                                    (uint8_t)(rand() % 3 == 0 ? 255
                                                              : rand() & 255);
                            at[y] = rows[y];
                        }
                        box(at, count, width, channels, k, sums, out, odd);
                        size_t boxes = (width + k - 1) / k;
                        for (size_t b = 0; b < boxes; b++)
                            for (int c = 0; c < channels; c++) {
                                uint8_t want = reference(
                                    rows, count, width, channels, k, b, c, odd);
                                uint8_t got =
                                    out[b * (size_t)channels + (size_t)c];
                                ck_assert_msg(
                                    got == want,
                                    "%s: k %u, %d channels, %u rows, width "
                                    "%zu, odd %d: box %zu channel %d is %u, "
                                    "not %u",
                                    name, k, channels, count, width, odd, b, c,
                                    got, want);
                            }
                    }
}

START_TEST(every_box_is_the_mean_of_what_it_covers) {
    check_build(box_row_pick(THUMB_SIMD_SCALAR), "baseline");
    check_build(box_row_pick(THUMB_SIMD_AUTO), "auto");
}
END_TEST

/* Rounding alternates with the box row, so a flat field of x.5 means
 * stays x.5 on average: no drift of the picture's brightness. */
START_TEST(rounding_adds_no_bias) {
    uint8_t a[4] = {10, 11, 10, 11}, b[4] = {10, 11, 10, 11};
    const uint8_t *rows[2] = {a, b};
    uint16_t sums[4];
    uint8_t even[2], odd[2];
    box_row_fn box = box_row_pick(THUMB_SIMD_AUTO);
    box(rows, 2, 4, 1, 2, sums, even, 0);
    box(rows, 2, 4, 1, 2, sums, odd, 1);
    ck_assert_int_eq(even[0] + odd[0], 21); /* 11 and 10: mean 10.5 */
    ck_assert_int_eq(even[1] + odd[1], 21);
}
END_TEST

static Suite *box_suite(void) {
    Suite *s = suite_create("box");
    TCase *tc = tcase_create("box");
    tcase_add_test(tc, every_box_is_the_mean_of_what_it_covers);
    tcase_add_test(tc, rounding_adds_no_bias);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(box_suite)
