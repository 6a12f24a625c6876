/* EXIF orientation: crafted TIFF blocks in both byte orders, damaged
 * blocks (run under ASan: every block sits in a buffer of exactly its
 * size, so one byte read too far is caught), and the orientation corpus
 * read through the JPEG decoder. */
#include "codec/decoder.h"
#include "ctx.h"
#include "exif.h"
#include "support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- building blocks ------------------------------------------------- */

#define TAG_ORIENTATION 0x0112
#define TAG_IMAGE_WIDTH 0x0100
#define TAG_MAKE 0x010F
#define TYPE_SHORT 3
#define TYPE_LONG 4
#define TYPE_ASCII 2
#define MAX_BLOCK 512

typedef struct block {
    uint8_t b[MAX_BLOCK];
    size_t n;
    int be;
} block;

static void put16(block *k, size_t at, unsigned v) {
    if (k->be) {
        k->b[at] = (uint8_t)(v >> 8);
        k->b[at + 1] = (uint8_t)v;
    } else {
        k->b[at] = (uint8_t)v;
        k->b[at + 1] = (uint8_t)(v >> 8);
    }
}

static void put32(block *k, size_t at, uint32_t v) {
    if (k->be) {
        put16(k, at, v >> 16);
        put16(k, at + 2, v & 0xFFFF);
    } else {
        put16(k, at, v & 0xFFFF);
        put16(k, at + 2, v >> 16);
    }
}

/* A TIFF header whose IFD0 starts at offset 8 with `entries` entries and
 * a next-IFD link of 0. Entries are filled in with set_entry(). */
static void tiff_start(block *k, int be, unsigned entries) {
    memset(k, 0, sizeof *k);
    k->be = be;
    k->b[0] = k->b[1] = be ? 'M' : 'I';
    put16(k, 2, 42);
    put32(k, 4, 8);
    put16(k, 8, entries);
    k->n = 8 + 2 + 12 * (size_t)entries + 4;
}

static size_t entry_at(unsigned i) {
    return 8 + 2 + 12 * (size_t)i;
}

/* A SHORT value sits left-aligned in the 4-byte value field. */
static void set_short_entry(block *k, unsigned i, unsigned tag, unsigned type,
                            uint32_t count, unsigned value) {
    size_t e = entry_at(i);
    put16(k, e, tag);
    put16(k, e + 2, type);
    put32(k, e + 4, count);
    put16(k, e + 8, value);
}

/* Orientation `value` as the only IFD0 entry. */
static void orientation_block(block *k, int be, unsigned value) {
    tiff_start(k, be, 1);
    set_short_entry(k, 0, TAG_ORIENTATION, TYPE_SHORT, 1, value);
}

/* exif_orientation on a heap copy of exactly n bytes, so that ASan sees
 * any read past the end. */
static int orientation_of(const uint8_t *data, size_t n) {
    uint8_t *copy = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(copy);
    if (n)
        memcpy(copy, data, n);
    int o = exif_orientation(copy, n);
    free(copy);
    return o;
}

static int block_orientation(const block *k) {
    return orientation_of(k->b, k->n);
}

/* The block behind an "Exif\0\0" prefix, as a JPEG APP1 holds it. */
static int prefixed_orientation(const block *k) {
    uint8_t buf[6 + MAX_BLOCK];
    memcpy(buf, "Exif\0\0", 6);
    memcpy(buf + 6, k->b, k->n);
    return orientation_of(buf, 6 + k->n);
}

/* ---- valid values ---------------------------------------------------- */

START_TEST(each_value_1_to_8_is_read_little_endian) {
    block k;
    orientation_block(&k, 0, (unsigned)_i);
    ck_assert_int_eq(block_orientation(&k), _i);
    ck_assert_int_eq(prefixed_orientation(&k), _i);
}
END_TEST

START_TEST(each_value_1_to_8_is_read_big_endian) {
    block k;
    orientation_block(&k, 1, (unsigned)_i);
    ck_assert_int_eq(block_orientation(&k), _i);
    ck_assert_int_eq(prefixed_orientation(&k), _i);
}
END_TEST

START_TEST(orientation_is_found_among_other_entries) {
    for (int be = 0; be <= 1; be++) {
        block k;
        tiff_start(&k, be, 3);
        set_short_entry(&k, 0, TAG_IMAGE_WIDTH, TYPE_SHORT, 1, 640);
        set_short_entry(&k, 1, TAG_MAKE, TYPE_ASCII, 4, 0x4142);
        set_short_entry(&k, 2, TAG_ORIENTATION, TYPE_SHORT, 1, 6);
        ck_assert_int_eq(block_orientation(&k), 6);
    }
}
END_TEST

START_TEST(ifd0_may_start_after_a_gap) {
    block k;
    memset(&k, 0, sizeof k);
    k.be = 1;
    k.b[0] = k.b[1] = 'M';
    put16(&k, 2, 42);
    put32(&k, 4, 100);
    put16(&k, 100, 1);
    put16(&k, 102, TAG_ORIENTATION);
    put16(&k, 104, TYPE_SHORT);
    put32(&k, 106, 1);
    put16(&k, 110, 3);
    k.n = 100 + 2 + 12; /* no next-IFD link: it is never read */
    ck_assert_int_eq(block_orientation(&k), 3);
}
END_TEST

/* ---- invalid values -------------------------------------------------- */

START_TEST(value_0_gives_1) {
    block k;
    orientation_block(&k, 0, 0);
    ck_assert_int_eq(block_orientation(&k), 1);
    orientation_block(&k, 1, 0);
    ck_assert_int_eq(block_orientation(&k), 1);
}
END_TEST

START_TEST(value_9_and_above_give_1) {
    const unsigned values[] = {9, 10, 0x0100, 0x0600, 0xFFFF};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        for (int be = 0; be <= 1; be++) {
            block k;
            orientation_block(&k, be, values[i]);
            ck_assert_int_eq(block_orientation(&k), 1);
        }
    }
}
END_TEST

START_TEST(value_of_wrong_type_gives_1) {
    block k;
    tiff_start(&k, 0, 1);
    set_short_entry(&k, 0, TAG_ORIENTATION, TYPE_LONG, 1, 6);
    ck_assert_int_eq(block_orientation(&k), 1);
    set_short_entry(&k, 0, TAG_ORIENTATION, TYPE_ASCII, 1, 6);
    ck_assert_int_eq(block_orientation(&k), 1);
}
END_TEST

START_TEST(value_count_0_gives_1) {
    block k;
    tiff_start(&k, 1, 1);
    set_short_entry(&k, 0, TAG_ORIENTATION, TYPE_SHORT, 0, 6);
    ck_assert_int_eq(block_orientation(&k), 1);
}
END_TEST

START_TEST(value_out_of_line_is_read_only_within_the_block) {
    /* Count 3 SHORTs do not fit the entry: the value field is an offset. */
    block k;
    tiff_start(&k, 0, 1);
    set_short_entry(&k, 0, TAG_ORIENTATION, TYPE_SHORT, 3, 0);
    size_t values = k.n;
    put32(&k, entry_at(0) + 8, (uint32_t)values);
    put16(&k, values, 5);
    k.n = values + 6;
    ck_assert_int_eq(block_orientation(&k), 5);
    /* The same offset one byte short of the value. */
    k.n = values + 1;
    ck_assert_int_eq(block_orientation(&k), 1);
    /* And an offset near 4 GiB. */
    put32(&k, entry_at(0) + 8, 0xFFFFFFFFu);
    k.n = values + 6;
    ck_assert_int_eq(block_orientation(&k), 1);
}
END_TEST

/* ---- damaged blocks -------------------------------------------------- */

START_TEST(empty_and_null_blocks_give_1) {
    ck_assert_int_eq(exif_orientation(NULL, 0), 1);
    ck_assert_int_eq(exif_orientation(NULL, 100), 1);
    ck_assert_int_eq(orientation_of((const uint8_t *)"", 0), 1);
    ck_assert_int_eq(orientation_of((const uint8_t *)"Exif\0\0", 6), 1);
}
END_TEST

START_TEST(bad_byte_order_or_magic_gives_1) {
    block k;
    orientation_block(&k, 0, 6);
    k.b[1] = 'M'; /* "IM" */
    ck_assert_int_eq(block_orientation(&k), 1);
    orientation_block(&k, 0, 6);
    put16(&k, 2, 43); /* BigTIFF and others are not EXIF */
    ck_assert_int_eq(block_orientation(&k), 1);
    orientation_block(&k, 1, 6);
    k.b[0] = k.b[1] = 'I'; /* byte order flipped: magic reads 0x2A00 */
    ck_assert_int_eq(block_orientation(&k), 1);
}
END_TEST

START_TEST(every_truncation_gives_1_without_reading_past_the_end) {
    for (int be = 0; be <= 1; be++) {
        block k;
        orientation_block(&k, be, 6);
        /* The orientation entry ends 4 bytes before the next-IFD link. */
        size_t complete = entry_at(1);
        for (size_t n = 0; n < complete; n++)
            ck_assert_int_eq(orientation_of(k.b, n), 1);
        for (size_t n = complete; n <= k.n; n++)
            ck_assert_int_eq(orientation_of(k.b, n), 6);
    }
}
END_TEST

START_TEST(every_truncation_of_prefixed_block_stays_in_bounds) {
    uint8_t buf[6 + MAX_BLOCK];
    block k;
    orientation_block(&k, 1, 8);
    memcpy(buf, "Exif\0\0", 6);
    memcpy(buf + 6, k.b, k.n);
    for (size_t n = 0; n <= 6 + k.n; n++) {
        int o = orientation_of(buf, n);
        ck_assert_int_eq(o, n >= 6 + entry_at(1) ? 8 : 1);
    }
}
END_TEST

START_TEST(ifd0_offset_out_of_bounds_gives_1) {
    const uint32_t offsets[] = {0,    4,          7,          26,        27,
                                1000, 0x7FFFFFFF, 0xFFFFFFF0, 0xFFFFFFFF};
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
        for (int be = 0; be <= 1; be++) {
            block k;
            orientation_block(&k, be, 6);
            put32(&k, 4, offsets[i]);
            ck_assert_int_eq(block_orientation(&k), 1);
        }
    }
}
END_TEST

START_TEST(huge_entry_count_reads_only_whole_entries) {
    /* 65535 entries claimed, one present: the entry that is whole counts,
     * nothing beyond the block is read. */
    block k;
    orientation_block(&k, 0, 7);
    put16(&k, 8, 0xFFFF);
    ck_assert_int_eq(block_orientation(&k), 7);
    /* The same claim with no orientation entry in the block. */
    set_short_entry(&k, 0, TAG_IMAGE_WIDTH, TYPE_SHORT, 1, 7);
    ck_assert_int_eq(block_orientation(&k), 1);
    /* A partial entry right at the end is not read. */
    tiff_start(&k, 1, 2);
    set_short_entry(&k, 0, TAG_IMAGE_WIDTH, TYPE_SHORT, 1, 7);
    set_short_entry(&k, 1, TAG_ORIENTATION, TYPE_SHORT, 1, 7);
    ck_assert_int_eq(orientation_of(k.b, entry_at(1) + 11), 1);
}
END_TEST

START_TEST(looping_ifd_links_terminate) {
    /* IFD0 links to itself, and IFD0's offset points at the header: the
     * parser reads IFD0 once and never follows links. */
    block k;
    tiff_start(&k, 0, 1);
    set_short_entry(&k, 0, TAG_IMAGE_WIDTH, TYPE_SHORT, 1, 1);
    put32(&k, entry_at(1), 8); /* next IFD = IFD0 */
    ck_assert_int_eq(block_orientation(&k), 1);
    set_short_entry(&k, 0, TAG_ORIENTATION, TYPE_SHORT, 1, 2);
    ck_assert_int_eq(block_orientation(&k), 2);
    put32(&k, 4, 0); /* IFD0 = the header */
    ck_assert_int_eq(block_orientation(&k), 1);
}
END_TEST

START_TEST(random_blocks_never_read_out_of_bounds) {
    /* Fixed-seed noise over a valid block: any answer in 1..8 is fine,
     * the point is that ASan sees no stray read. */
    uint32_t seed = 12345;
    for (int round = 0; round < 20000; round++) {
        block k;
        orientation_block(&k, round & 1, 6);
        size_t flips = 1 + round % 4;
        for (size_t f = 0; f < flips; f++) {
            seed = seed * 1664525u + 1013904223u;
            k.b[(seed >> 8) % k.n] = (uint8_t)(seed >> 24);
        }
        seed = seed * 1664525u + 1013904223u;
        size_t n = (seed >> 8) % (k.n + 1);
        int o = orientation_of(k.b, n);
        ck_assert(o >= 1 && o <= 8);
    }
}
END_TEST

/* ---- the corpus, through the decoder ---------------------------------- */

static int decoded_orientation(const char *rel) {
    size_t size;
    uint8_t *data = read_corpus(rel, &size);
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    decoder d;
    thumb_status st = decoder_open(ctx, data, size, &d);
    ck_assert_msg(st == THUMB_OK, "%s: %s", rel, thumb_ctx_error(ctx));
    int o = d.info.orientation;
    decoder_close(&d);
    thumb_ctx_free(ctx);
    free(data);
    return o;
}

START_TEST(landscape_files_give_their_orientation) {
    char rel[64];
    snprintf(rel, sizeof rel, "orientation/Landscape_%d.jpg", _i);
    ck_assert_int_eq(decoded_orientation(rel), _i);
}
END_TEST

START_TEST(portrait_files_give_their_orientation) {
    char rel[64];
    snprintf(rel, sizeof rel, "orientation/Portrait_%d.jpg", _i);
    ck_assert_int_eq(decoded_orientation(rel), _i);
}
END_TEST

START_TEST(corpus_orientation_0_gives_1) {
    ck_assert_int_eq(decoded_orientation("orientation/Landscape_0.jpg"), 1);
    ck_assert_int_eq(decoded_orientation("orientation/Portrait_0.jpg"), 1);
}
END_TEST

START_TEST(corpus_small_files_give_their_orientation) {
    ck_assert_int_eq(decoded_orientation("orientation/empty_gps_ifd.jpg"), 6);
    ck_assert_int_eq(
        decoded_orientation("orientation/orientation_rectangle.jpg"), 8);
}
END_TEST

START_TEST(corpus_broken_exif_gives_1_or_its_value) {
    /* Damaged EXIF beside good image data must not stop the probe. */
    ck_assert_int_eq(decoded_orientation("bad/jpeg/invalid-exif.jpg"), 1);
    int o = decoded_orientation("bad/jpeg/hopper_bad_exif.jpg");
    ck_assert(o >= 1 && o <= 8);
}
END_TEST

START_TEST(file_without_exif_gives_1) {
    ck_assert_int_eq(decoded_orientation("jpeg/testorig.jpg"), 1);
}
END_TEST

static Suite *exif_suite(void) {
    Suite *s = suite_create("exif");
    TCase *tc = tcase_create("crafted");
    tcase_add_loop_test(tc, each_value_1_to_8_is_read_little_endian, 1, 9);
    tcase_add_loop_test(tc, each_value_1_to_8_is_read_big_endian, 1, 9);
    tcase_add_test(tc, orientation_is_found_among_other_entries);
    tcase_add_test(tc, ifd0_may_start_after_a_gap);
    tcase_add_test(tc, value_0_gives_1);
    tcase_add_test(tc, value_9_and_above_give_1);
    tcase_add_test(tc, value_of_wrong_type_gives_1);
    tcase_add_test(tc, value_count_0_gives_1);
    tcase_add_test(tc, value_out_of_line_is_read_only_within_the_block);
    suite_add_tcase(s, tc);

    tc = tcase_create("damaged");
    tcase_add_test(tc, empty_and_null_blocks_give_1);
    tcase_add_test(tc, bad_byte_order_or_magic_gives_1);
    tcase_add_test(tc, every_truncation_gives_1_without_reading_past_the_end);
    tcase_add_test(tc, every_truncation_of_prefixed_block_stays_in_bounds);
    tcase_add_test(tc, ifd0_offset_out_of_bounds_gives_1);
    tcase_add_test(tc, huge_entry_count_reads_only_whole_entries);
    tcase_add_test(tc, looping_ifd_links_terminate);
    tcase_add_test(tc, random_blocks_never_read_out_of_bounds);
    suite_add_tcase(s, tc);

    tc = tcase_create("corpus");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, landscape_files_give_their_orientation, 1, 9);
    tcase_add_loop_test(tc, portrait_files_give_their_orientation, 1, 9);
    tcase_add_test(tc, corpus_orientation_0_gives_1);
    tcase_add_test(tc, corpus_small_files_give_their_orientation);
    tcase_add_test(tc, corpus_broken_exif_gives_1_or_its_value);
    tcase_add_test(tc, file_without_exif_gives_1);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(exif_suite)
