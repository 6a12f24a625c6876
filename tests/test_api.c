/* The public API's contract: arguments, options, errors, probe, limits,
 * callbacks, allocator. */
#include "support.h"

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <thumbnail.h>

static const char *const photo = "jpeg/2569067123_aca715a2ee_o.jpg";

START_TEST(version_matches_header) {
    ck_assert_uint_eq(thumb_version(), THUMB_VERSION_NUMBER);
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", THUMB_VERSION_MAJOR,
             THUMB_VERSION_MINOR, THUMB_VERSION_PATCH);
    ck_assert_str_eq(thumb_version_string(), expected);
}
END_TEST

/* Every format the library reads (and writes, but HEIF and JPEG XL),
 * and what the adapters must get for it: they keep no table of their
 * own. */
static const struct {
    thumb_format format;
    const char *name, *extension, *mime, *sample;
} format_facts[] = {
    {THUMB_FORMAT_JPEG, "jpeg", "jpg", "image/jpeg",
     "jpeg/2569067123_aca715a2ee_o.jpg"},
    {THUMB_FORMAT_PNG, "png", "png", "image/png", "png/pngsuite/basi6a16.png"},
    {THUMB_FORMAT_WEBP, "webp", "webp", "image/webp",
     "webp/libwebp-test-data/lossless_vec_1_0.webp"},
    {THUMB_FORMAT_GIF, "gif", "gif", "image/gif", "gif/chi.gif"},
    {THUMB_FORMAT_HEIF, "heif", "heic", "image/heif", "heif/pug.heic"},
    {THUMB_FORMAT_AVIF, "avif", "avif", "image/avif", "heif/white_1x1.avif"},
    {THUMB_FORMAT_JXL, "jxl", "jxl", "image/jxl", "jxl/bicycles.jxl"},
};

START_TEST(format_lookups_agree_for_every_format) {
    const char *field[3] = {format_facts[_i].name, format_facts[_i].extension,
                            format_facts[_i].mime};
    thumb_format want = format_facts[_i].format;
    ck_assert_str_eq(thumb_format_name(want), format_facts[_i].name);
    ck_assert_str_eq(thumb_format_extension(want), format_facts[_i].extension);
    ck_assert_str_eq(thumb_format_mime_type(want), format_facts[_i].mime);
    for (int k = 0; k < 3; k++) {
        char upper[64], dotted[64];
        size_t n = strlen(field[k]);
        for (size_t j = 0; j <= n; j++)
            upper[j] = (char)toupper((unsigned char)field[k][j]);
        snprintf(dotted, sizeof dotted, ".%s", field[k]);
        const char *names[] = {field[k], upper, k == 1 ? dotted : field[k]};
        for (int v = 0; v < 3; v++) {
            thumb_format got = THUMB_FORMAT_AUTO;
            ck_assert_int_eq(thumb_format_from_name(names[v], &got), THUMB_OK);
            ck_assert_int_eq(got, want);
        }
    }
    /* The format a real file of it is sniffed as. */
    size_t size;
    unsigned char *data = read_corpus(format_facts[_i].sample, &size);
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_int_eq(thumb_probe(ctx, data, size), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_FORMAT), want);
    thumb_ctx_free(ctx);
    free(data);
}
END_TEST

START_TEST(format_lookups_refuse_what_is_no_format) {
    thumb_format f = THUMB_FORMAT_PNG;
    ck_assert_int_eq(thumb_format_from_name("auto", &f), THUMB_OK);
    ck_assert_int_eq(f, THUMB_FORMAT_AUTO);
    static const char *const bad[] = {
        "",       ".",         "tiff", "jp",         "jpgx",
        "image/", "image/jpg", " png", "image/png ", ".."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f = THUMB_FORMAT_PNG;
        ck_assert_msg(thumb_format_from_name(bad[i], &f) ==
                          THUMB_ERR_INVALID_ARGUMENT,
                      "'%s' was taken for a format", bad[i]);
        ck_assert_int_eq(f, THUMB_FORMAT_PNG);
    }
    ck_assert_int_eq(thumb_format_from_name(NULL, &f),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_format_from_name("png", NULL),
                     THUMB_ERR_INVALID_ARGUMENT);
    thumb_format other[] = {THUMB_FORMAT_AUTO, (thumb_format)-1,
                            (thumb_format)1000};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        ck_assert_ptr_null(thumb_format_extension(other[i]));
        ck_assert_ptr_null(thumb_format_mime_type(other[i]));
    }
    ck_assert_str_eq(thumb_format_name(THUMB_FORMAT_AUTO), "auto");
    ck_assert_str_eq(thumb_format_name((thumb_format)1000), "unknown");
    /* JPEG's other extensions. */
    static const char *const jpeg[] = {"jpeg", "JPE", ".jfif", "Jpg"};
    for (size_t i = 0; i < sizeof jpeg / sizeof jpeg[0]; i++) {
        ck_assert_int_eq(thumb_format_from_name(jpeg[i], &f), THUMB_OK);
        ck_assert_int_eq(f, THUMB_FORMAT_JPEG);
    }
}
END_TEST

/* AVIF is read through libheif and written through libavif. */
#ifdef THUMB_HAVE_HEIF
#define TEST_AVIF_READ 1
#else
#define TEST_AVIF_READ 0
#endif
#ifdef THUMB_HAVE_AVIF
#define TEST_AVIF_WRITE 1
#else
#define TEST_AVIF_WRITE 0
#endif

/* What this build reads and writes: THUMB_OPT_FORMAT takes exactly the
 * formats thumb_format_can_write() names. */
START_TEST(format_abilities_match_the_options) {
    static const struct {
        thumb_format format;
        int can_read, can_write;
    } facts[] = {
        {THUMB_FORMAT_AUTO, 0, 0},
        {THUMB_FORMAT_JPEG, 1, 1},
        {THUMB_FORMAT_PNG, 1, 1},
        {THUMB_FORMAT_WEBP, 1, 1},
        {THUMB_FORMAT_GIF, 1, 1},
#ifdef THUMB_HAVE_HEIF
        {THUMB_FORMAT_HEIF, 1, 0},
#else
        {THUMB_FORMAT_HEIF, 0, 0},
#endif
        {THUMB_FORMAT_AVIF, TEST_AVIF_READ, TEST_AVIF_WRITE},
#ifdef THUMB_HAVE_JXL
        {THUMB_FORMAT_JXL, 1, 0},
#else
        {THUMB_FORMAT_JXL, 0, 0},
#endif
        {(thumb_format)-1, 0, 0},
        {(thumb_format)1000, 0, 0},
    };
    thumb_ctx *ctx = thumb_ctx_new();
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        thumb_format f = facts[i].format;
        ck_assert_msg(thumb_format_can_read(f) == facts[i].can_read,
                      "can_read(%d)", (int)f);
        ck_assert_msg(thumb_format_can_write(f) == facts[i].can_write,
                      "can_write(%d)", (int)f);
        thumb_status want = facts[i].can_write || f == THUMB_FORMAT_AUTO
                                ? THUMB_OK
                                : THUMB_ERR_INVALID_ARGUMENT;
        ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_FORMAT, f), want);
    }
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(every_status_has_a_distinct_message) {
    for (int a = THUMB_OK; a <= THUMB_ERR_INTERNAL; a++) {
        ck_assert_ptr_nonnull(thumb_strerror((thumb_status)a));
        for (int b = a + 1; b <= THUMB_ERR_INTERNAL; b++)
            ck_assert_str_ne(thumb_strerror((thumb_status)a),
                             thumb_strerror((thumb_status)b));
    }
    ck_assert_str_eq(thumb_strerror((thumb_status)1000), "unknown status code");
}
END_TEST

START_TEST(null_arguments_are_errors_not_crashes) {
    const unsigned char *out = (const unsigned char *)"x";
    size_t out_len = 7;
    ck_assert_int_eq(thumb_run(NULL, "a", 1, &out, &out_len),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(out_len, 0);
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_int_eq(thumb_run(ctx, NULL, 10, &out, &out_len),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(ctx), "in is NULL"));
    ck_assert_int_eq(thumb_run(ctx, "a", 1, NULL, &out_len),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_run(ctx, "a", 1, &out, NULL),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_probe(NULL, "a", 1), THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_probe(ctx, NULL, 1), THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_run_io(ctx, NULL, NULL, NULL, NULL),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_ctx_set(NULL, THUMB_OPT_WIDTH, 1),
                     THUMB_ERR_INVALID_ARGUMENT);
    int64_t v;
    ck_assert_int_eq(thumb_ctx_get(ctx, THUMB_OPT_WIDTH, NULL),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_ctx_get(NULL, THUMB_OPT_WIDTH, &v),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_ctx_info(NULL, THUMB_INFO_WIDTH), -1);
    ck_assert_str_eq(thumb_ctx_error(NULL), "context is NULL");
    thumb_ctx_free(NULL);
    thumb_ctx_reset(NULL);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(options_reject_unknown_keys_and_out_of_range_values) {
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_int_eq(thumb_ctx_set(ctx, (thumb_option)0, 1),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_ctx_set(ctx, (thumb_option)999, 1),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(ctx), "unknown option"));
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_QUALITY, 0),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(ctx), "quality = 0"));
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_QUALITY, 101),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_WIDTH, -1),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 65536),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_FIT, 3),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_GIF + 1),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_BACKGROUND, 0x1000000),
                     THUMB_ERR_INVALID_ARGUMENT);
    /* A refused value leaves the old one. */
    int64_t v;
    ck_assert_int_eq(thumb_ctx_get(ctx, THUMB_OPT_QUALITY, &v), THUMB_OK);
    ck_assert_int_eq(v, 80);
    /* Every key's bounds hold its default, and a set within them works. */
    for (int k = THUMB_OPT_WIDTH; k <= THUMB_OPT_MAX_DIMENSION; k++) {
        int64_t lo, hi, def;
        ck_assert_int_eq(thumb_option_bounds((thumb_option)k, &lo, &hi),
                         THUMB_OK);
        ck_assert_int_eq(thumb_ctx_get(ctx, (thumb_option)k, &def), THUMB_OK);
        ck_assert(lo <= def && def <= hi);
        ck_assert_int_eq(thumb_ctx_set(ctx, (thumb_option)k, hi), THUMB_OK);
        ck_assert_int_eq(thumb_ctx_get(ctx, (thumb_option)k, &v), THUMB_OK);
        ck_assert(v == hi);
    }
    thumb_ctx_reset(ctx);
    ck_assert_int_eq(thumb_ctx_get(ctx, THUMB_OPT_QUALITY, &v), THUMB_OK);
    ck_assert_int_eq(v, 80);
    int64_t lo, hi;
    ck_assert_int_eq(thumb_option_bounds((thumb_option)77, &lo, &hi),
                     THUMB_ERR_INVALID_ARGUMENT);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(probe_reads_the_header_only) {
    thumb_ctx *ctx = thumb_ctx_new();
    size_t size;
    uint8_t *data = read_corpus("orientation/Portrait_6.jpg", &size);
    ck_assert_int_eq(thumb_probe(ctx, data, size), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_FORMAT), THUMB_FORMAT_JPEG);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_WIDTH), 1800);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_HEIGHT), 1200);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_ORIENTATION), 6);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_FRAMES), 1);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_HAS_ALPHA), 0);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_BIT_DEPTH), 8);
    /* No output yet. */
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_WIDTH), -1);
    free(data);

    data = read_corpus("gif/chi.gif", &size);
    ck_assert_int_eq(thumb_probe(ctx, data, size), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_FORMAT), THUMB_FORMAT_GIF);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_FRAMES), 31);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_HAS_ALPHA), 1);
    free(data);

    data = read_corpus("png/pngsuite/basn6a16.png", &size);
    ck_assert_int_eq(thumb_probe(ctx, data, size), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_FORMAT), THUMB_FORMAT_PNG);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_BIT_DEPTH), 16);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_HAS_ALPHA), 1);
    free(data);

    data = read_corpus("webp/animated-loop-3.webp", &size);
    ck_assert_int_eq(thumb_probe(ctx, data, size), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_FORMAT), THUMB_FORMAT_WEBP);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_FRAMES), 10);
    free(data);

    /* Probe ignores limits so a caller can see what it refuses. */
    data = read_corpus("bad/bomb/giant-image.jpg", &size);
    ck_assert_int_eq(thumb_probe(ctx, data, size), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_WIDTH), 20000);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_HEIGHT), 14000);
    free(data);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(unsupported_formats_are_named) {
    thumb_ctx *ctx = thumb_ctx_new();
    size_t size;
    uint8_t *data = read_corpus("bad/unsupported/8bit_depth.tiff", &size);
    ck_assert_int_eq(thumb_probe(ctx, data, size),
                     THUMB_ERR_UNSUPPORTED_FORMAT);
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(ctx), "TIFF"));
    free(data);
    data = read_corpus("bad/unsupported/relax_tileparts.jp2", &size);
    ck_assert_int_eq(thumb_probe(ctx, data, size),
                     THUMB_ERR_UNSUPPORTED_FORMAT);
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(ctx), "JPEG 2000"));
    free(data);
    ck_assert_int_eq(thumb_probe(ctx, "", 0), THUMB_ERR_UNSUPPORTED_FORMAT);
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(ctx), "empty"));
    thumb_ctx_free(ctx);
}
END_TEST

static thumb_status run_file(thumb_ctx *ctx, const char *rel) {
    size_t size;
    uint8_t *data = read_corpus(rel, &size);
    const unsigned char *out;
    size_t out_len;
    thumb_status st = thumb_run(ctx, data, size, &out, &out_len);
    free(data);
    return st;
}

START_TEST(limits_name_the_limit_and_the_value) {
    thumb_ctx *ctx = thumb_ctx_new();
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 64);
    /* 280 MP against the default 100 MP. */
    ck_assert_int_eq(run_file(ctx, "bad/bomb/giant-image.jpg"),
                     THUMB_ERR_LIMIT);
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(ctx), "20000x14000"));
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(ctx), "100.0 megapixels"));
    /* 65536 px wide against the default 65535. */
    ck_assert_int_eq(run_file(ctx, "bad/bomb/65536-uint32-limit.png"),
                     THUMB_ERR_LIMIT);
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(ctx), "65536x65536"));
    /* Each limit can be lowered. */
    thumb_ctx_set(ctx, THUMB_OPT_MAX_PIXELS, 1000000);
    ck_assert_int_eq(run_file(ctx, photo), THUMB_ERR_LIMIT);
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(ctx), "2725x2225"));
    thumb_ctx_reset(ctx);
    thumb_ctx_set(ctx, THUMB_OPT_MAX_DIMENSION, 2000);
    ck_assert_int_eq(run_file(ctx, photo), THUMB_ERR_LIMIT);
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(ctx), "2000 pixels"));
    thumb_ctx_reset(ctx);
    thumb_ctx_set(ctx, THUMB_OPT_MAX_INPUT_BYTES, 1000);
    ck_assert_int_eq(run_file(ctx, photo), THUMB_ERR_LIMIT);
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(ctx), "1000 bytes"));
    /* And the same context works again once they allow it. */
    thumb_ctx_reset(ctx);
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 64);
    ck_assert_int_eq(run_file(ctx, photo), THUMB_OK);
    ck_assert_str_eq(thumb_ctx_error(ctx), "");
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(output_and_info_describe_the_last_run) {
    thumb_ctx *ctx = thumb_ctx_new();
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 300);
    thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, 300);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_WEBP);
    size_t size;
    uint8_t *data = read_corpus(photo, &size);
    const unsigned char *out;
    size_t out_len;
    ck_assert_int_eq(thumb_run(ctx, data, size, &out, &out_len), THUMB_OK);
    ck_assert_uint_gt(out_len, 1000);
    ck_assert(memcmp(out, "RIFF", 4) == 0 && memcmp(out + 8, "WEBP", 4) == 0);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_FORMAT),
                     THUMB_FORMAT_WEBP);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_WIDTH), 300);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_HEIGHT), 245);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_BYTES),
                     (int64_t)out_len);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_INPUT_BYTES),
                     (int64_t)size);
    /* Shrink-on-load: 2725/4 = 682 >= 2 x 300, 2725/8 would not be. */
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_DECODED_WIDTH), 682);
    ck_assert_int_ge(thumb_ctx_info(ctx, THUMB_INFO_DECODE_US), 0);
    ck_assert_int_ge(thumb_ctx_info(ctx, THUMB_INFO_TOTAL_US),
                     thumb_ctx_info(ctx, THUMB_INFO_ENCODE_US));
    /* A failed run clears the output and its info. */
    const unsigned char *out2;
    size_t out_len2;
    ck_assert_int_eq(thumb_run(ctx, data, 5000, &out2, &out_len2),
                     THUMB_ERR_CORRUPT);
    ck_assert_ptr_null(out2);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_WIDTH), -1);
    ck_assert_int_eq(thumb_ctx_status(ctx), THUMB_ERR_CORRUPT);
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(ctx), "JPEG"));
    free(data);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(decode_time_includes_whole_image_decoders) {
    /* libwebp decodes the whole picture before the first row comes out, so
     * the decode stage must count that time, not just the row copies. A
     * 1024x772 WebP to 64 pixels wide is nearly all decode. */
    thumb_ctx *ctx = thumb_ctx_new();
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 64);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_PNG);
    size_t size;
    uint8_t *data = read_corpus("webp/4.webp", &size);
    const unsigned char *out;
    size_t out_len;
    ck_assert_int_eq(thumb_run(ctx, data, size, &out, &out_len), THUMB_OK);
    int64_t decode = thumb_ctx_info(ctx, THUMB_INFO_DECODE_US);
    int64_t resize = thumb_ctx_info(ctx, THUMB_INFO_RESIZE_US);
    int64_t encode = thumb_ctx_info(ctx, THUMB_INFO_ENCODE_US);
    int64_t total = thumb_ctx_info(ctx, THUMB_INFO_TOTAL_US);
    ck_assert_msg(decode > resize && decode > encode,
                  "decode %lld us, resize %lld us, encode %lld us",
                  (long long)decode, (long long)resize, (long long)encode);
    ck_assert_int_ge(total, decode + resize + encode);
    free(data);
    thumb_ctx_free(ctx);
}
END_TEST

typedef struct memory_io {
    const uint8_t *in;
    size_t in_size, in_pos, chunk;
    uint8_t *out;
    size_t out_size;
    int fail_read, fail_write, writes;
} memory_io;

static ptrdiff_t mem_read(void *opaque, void *buf, size_t cap) {
    memory_io *io = opaque;
    if (io->fail_read && io->in_pos > 0)
        return -1;
    size_t n = io->in_size - io->in_pos;
    if (n > cap)
        n = cap;
    if (n > io->chunk)
        n = io->chunk;
    memcpy(buf, io->in + io->in_pos, n);
    io->in_pos += n;
    return (ptrdiff_t)n;
}

static int mem_write(void *opaque, const void *buf, size_t len) {
    memory_io *io = opaque;
    io->writes++;
    if (io->fail_write)
        return -1;
    io->out = realloc(io->out, io->out_size + len);
    memcpy(io->out + io->out_size, buf, len);
    io->out_size += len;
    return 0;
}

START_TEST(callbacks_give_the_same_bytes_as_memory) {
    thumb_ctx *ctx = thumb_ctx_new();
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 128);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_PNG);
    size_t size;
    uint8_t *data = read_corpus(photo, &size);
    /* Odd-sized reads, to cross the library's own read steps. */
    memory_io io = {.in = data, .in_size = size, .chunk = 1000};
    ck_assert_int_eq(thumb_run_io(ctx, mem_read, &io, mem_write, &io),
                     THUMB_OK);
    ck_assert_int_eq(io.writes, 1);
    const unsigned char *out;
    size_t out_len;
    ck_assert_int_eq(thumb_run(ctx, data, size, &out, &out_len), THUMB_OK);
    ck_assert_uint_eq(out_len, io.out_size);
    ck_assert(memcmp(out, io.out, out_len) == 0);
    free(io.out);

    memory_io bad_read = {
        .in = data, .in_size = size, .chunk = 1000, .fail_read = 1};
    ck_assert_int_eq(
        thumb_run_io(ctx, mem_read, &bad_read, mem_write, &bad_read),
        THUMB_ERR_IO);
    ck_assert_int_eq(bad_read.writes, 0);

    memory_io bad_write = {
        .in = data, .in_size = size, .chunk = 1 << 20, .fail_write = 1};
    ck_assert_int_eq(
        thumb_run_io(ctx, mem_read, &bad_write, mem_write, &bad_write),
        THUMB_ERR_IO);
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(ctx), "write callback"));

    /* A corrupt input never reaches write(): no partial output. */
    memory_io truncated = {.in = data, .in_size = size / 2, .chunk = 4096};
    ck_assert_int_eq(
        thumb_run_io(ctx, mem_read, &truncated, mem_write, &truncated),
        THUMB_ERR_CORRUPT);
    ck_assert_int_eq(truncated.writes, 0);

    /* The input limit holds while reading, before the whole input is in. */
    thumb_ctx_set(ctx, THUMB_OPT_MAX_INPUT_BYTES, 100000);
    memory_io big = {.in = data, .in_size = size, .chunk = 4096};
    ck_assert_int_eq(thumb_run_io(ctx, mem_read, &big, mem_write, &big),
                     THUMB_ERR_LIMIT);
    ck_assert_uint_lt(big.in_pos, 300000);
    free(data);
    thumb_ctx_free(ctx);
}
END_TEST

typedef struct counting {
    size_t live, total, peak_live;
} counting;

/* Tracks the size in a header before each block. */
#define HEADER 16
static void *count_malloc(void *opaque, size_t size) {
    counting *c = opaque;
    unsigned char *p = malloc(size + HEADER);
    if (!p)
        return NULL;
    memcpy(p, &size, sizeof size);
    c->live += size;
    c->total++;
    if (c->live > c->peak_live)
        c->peak_live = c->live;
    return p + HEADER;
}
static void count_free(void *opaque, void *ptr) {
    counting *c = opaque;
    if (!ptr)
        return;
    unsigned char *p = (unsigned char *)ptr - HEADER;
    size_t size;
    memcpy(&size, p, sizeof size);
    c->live -= size;
    free(p);
}
static void *count_realloc(void *opaque, void *ptr, size_t size) {
    if (!ptr)
        return count_malloc(opaque, size);
    counting *c = opaque;
    unsigned char *p = (unsigned char *)ptr - HEADER;
    size_t old;
    memcpy(&old, p, sizeof old);
    unsigned char *q = realloc(p, size + HEADER);
    if (!q)
        return NULL;
    memcpy(q, &size, sizeof size);
    c->live = c->live - old + size;
    if (c->live > c->peak_live)
        c->peak_live = c->live;
    return q + HEADER;
}

START_TEST(custom_allocator_sees_every_allocation_and_gets_all_back) {
    counting c = {0};
    thumb_allocator a = {count_malloc, count_realloc, count_free, &c};
    thumb_ctx *ctx = thumb_ctx_new_with_allocator(&a);
    ck_assert_ptr_nonnull(ctx);
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 200);
    static const char *const files[] = {
        "jpeg/2569067123_aca715a2ee_o.jpg", "png/pngsuite/basi6a16.png",
        "webp/libwebp-test-data/lossless_vec_1_0.webp", "gif/chi.gif",
        "bad/jpeg/truncated.jpg"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        run_file(ctx, files[i]);
    ck_assert_uint_gt(c.total, 5);
    thumb_ctx_free(ctx);
    ck_assert_uint_eq(c.live, 0);
    thumb_allocator incomplete = {count_malloc, NULL, count_free, &c};
    ck_assert_ptr_null(thumb_ctx_new_with_allocator(&incomplete));
}
END_TEST

static Suite *api_suite(void) {
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("api");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, version_matches_header);
    tcase_add_loop_test(tc, format_lookups_agree_for_every_format, 0,
                        sizeof format_facts / sizeof format_facts[0]);
    tcase_add_test(tc, format_lookups_refuse_what_is_no_format);
    tcase_add_test(tc, format_abilities_match_the_options);
    tcase_add_test(tc, every_status_has_a_distinct_message);
    tcase_add_test(tc, null_arguments_are_errors_not_crashes);
    tcase_add_test(tc, options_reject_unknown_keys_and_out_of_range_values);
    tcase_add_test(tc, probe_reads_the_header_only);
    tcase_add_test(tc, unsupported_formats_are_named);
    tcase_add_test(tc, limits_name_the_limit_and_the_value);
    tcase_add_test(tc, output_and_info_describe_the_last_run);
    tcase_add_test(tc, decode_time_includes_whole_image_decoders);
    tcase_add_test(tc, callbacks_give_the_same_bytes_as_memory);
    tcase_add_test(tc,
                   custom_allocator_sees_every_allocation_and_gets_all_back);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(api_suite)
