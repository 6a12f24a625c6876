/* The JPEG codec: decoding the corpus through the decoder interface,
 * shrink-on-load, CMYK, damaged and hostile files, and the encoder. */
#include "codec/decoder.h"
#include "codec/encoder.h"
#include "ctx.h"
#include "support.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

/* ---- helpers ---------------------------------------------------------- */

/* Rows are read this many at a time, so that read_rows sees both whole
 * chunks and a short last one. */
#define ROWS_PER_CALL 7

static thumb_ctx *new_ctx(void) {
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    return ctx;
}

static int starts_with(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Opens, starts with the given minimum and reads every row into *img
 * (malloc'd; NULL px when not asked for). Returns the first failure. The
 * decoder's info is copied to *info when info is not NULL. */
static thumb_status decode(thumb_ctx *ctx, const uint8_t *data, size_t size,
                           uint32_t min_w, uint32_t min_h, image *img,
                           image_info *info) {
    decoder d;
    memset(img, 0, sizeof *img);
    thumb_status st = decoder_open(ctx, data, size, &d);
    if (st != THUMB_OK)
        return st;
    if (info)
        *info = d.info;
    st = decoder_start(
        &d, &(decoder_request){.min_width = min_w, .min_height = min_h});
    if (st == THUMB_OK) {
        img->width = d.width;
        img->height = d.height;
        img->channels = d.channels;
        img->stride = (size_t)d.width * (size_t)d.channels;
        img->px = malloc(img->stride * d.height);
        ck_assert_ptr_nonnull(img->px);
        uint8_t *rows[ROWS_PER_CALL];
        for (uint32_t y = 0; y < d.height && st == THUMB_OK;) {
            uint32_t n = d.height - y;
            if (n > ROWS_PER_CALL)
                n = ROWS_PER_CALL;
            for (uint32_t i = 0; i < n; i++)
                rows[i] = img->px + (size_t)(y + i) * img->stride;
            st = decoder_read_rows(&d, rows, n);
            y += n;
        }
    }
    decoder_close(&d);
    if (st != THUMB_OK) {
        free(img->px);
        img->px = NULL;
    }
    return st;
}

/* Decodes a corpus file, failing the test with the library's message. */
static void decode_corpus(const char *rel, uint32_t min_w, uint32_t min_h,
                          image *img) {
    size_t size;
    uint8_t *data = read_corpus(rel, &size);
    thumb_ctx *ctx = new_ctx();
    thumb_status st = decode(ctx, data, size, min_w, min_h, img, NULL);
    ck_assert_msg(st == THUMB_OK, "%s: %s", rel, thumb_ctx_error(ctx));
    thumb_ctx_free(ctx);
    free(data);
}

/* Status of decoding a byte range, with the message copied out. */
static thumb_status decode_status(const uint8_t *data, size_t size,
                                  uint32_t min_w, uint32_t min_h, char *message,
                                  size_t message_size) {
    thumb_ctx *ctx = new_ctx();
    image img;
    thumb_status st = decode(ctx, data, size, min_w, min_h, &img, NULL);
    free(img.px);
    snprintf(message, message_size, "%s", thumb_ctx_error(ctx));
    thumb_ctx_free(ctx);
    return st;
}

static thumb_status corpus_status(const char *rel, uint32_t min_w,
                                  uint32_t min_h, char *message,
                                  size_t message_size) {
    size_t size;
    uint8_t *data = read_corpus(rel, &size);
    thumb_status st =
        decode_status(data, size, min_w, min_h, message, message_size);
    free(data);
    return st;
}

static void channel_means(const image *img, double *means) {
    for (int c = 0; c < img->channels; c++)
        means[c] = 0;
    for (uint32_t y = 0; y < img->height; y++) {
        const uint8_t *row = image_row(img, y);
        for (uint32_t x = 0; x < img->width; x++)
            for (int c = 0; c < img->channels; c++)
                means[c] += row[(size_t)x * img->channels + c];
    }
    for (int c = 0; c < img->channels; c++)
        means[c] /= (double)img->width * img->height;
}

/* libjpeg's jdiv_round_up(dim, denom), the size of a 1/denom decode. */
static uint32_t scaled(uint32_t dim, uint32_t denom) {
    return (dim + denom - 1) / denom;
}

/* ---- the corpus ------------------------------------------------------- */

typedef struct corpus_tally {
    int decoded, unsupported;
} corpus_tally;

/* 12-bit and lossless JPEG need libjpeg-turbo 3; 2.1.5 refuses them. */
static int needs_newer_libjpeg(const char *description) {
    return strstr(description, ", 12-bit,") != NULL ||
           strstr(description, "lossless,") != NULL;
}

static void check_good_file(const char *path, const char *description,
                            void *opaque) {
    corpus_tally *tally = opaque;
    unsigned w, h;
    ck_assert_msg(sscanf(description, "JPEG %ux%u", &w, &h) == 2,
                  "%s: no size in the MANIFEST description", path);

    size_t size;
    uint8_t *data = read_corpus(path, &size);
    thumb_ctx *ctx = new_ctx();
    image img;
    image_info info;
    memset(&info, 0, sizeof info);
    thumb_status st = decode(ctx, data, size, w, h, &img, &info);
    if (needs_newer_libjpeg(description)) {
        ck_assert_msg(st == THUMB_ERR_UNSUPPORTED_FEATURE,
                      "%s: status %d (%s), expected unsupported feature", path,
                      st, thumb_ctx_error(ctx));
        ck_assert_msg(starts_with(thumb_ctx_error(ctx), "JPEG: Unsupported"),
                      "%s: %s", path, thumb_ctx_error(ctx));
        tally->unsupported++;
    } else {
        ck_assert_msg(st == THUMB_OK, "%s: %s", path, thumb_ctx_error(ctx));
        ck_assert_int_eq(info.format, THUMB_FORMAT_JPEG);
        ck_assert_uint_eq(info.width, w);
        ck_assert_uint_eq(info.height, h);
        ck_assert_int_eq(info.bit_depth, 8);
        ck_assert_uint_eq(info.frames, 1);
        ck_assert_int_eq(info.has_alpha, 0);
        ck_assert_msg(img.width == w && img.height == h,
                      "%s: decoded %ux%u, expected %ux%u", path, img.width,
                      img.height, w, h);
        int grey = strstr(description, ", gray,") != NULL;
        ck_assert_int_eq(img.channels, grey ? 1 : 3);
        tally->decoded++;
    }
    free(img.px);
    thumb_ctx_free(ctx);
    free(data);
}

START_TEST(every_good_file_decodes_at_its_size_or_is_unsupported) {
    corpus_tally tally = {0, 0};
    manifest_each("jpeg/", check_good_file, &tally);
    /* Three 12-bit files and one lossless one in the corpus. */
    ck_assert_int_eq(tally.unsupported, 4);
    ck_assert_int_ge(tally.decoded, 40);
}
END_TEST

START_TEST(twelve_bit_file_is_an_unsupported_feature) {
    char msg[CTX_MESSAGE_SIZE];
    ck_assert_int_eq(corpus_status("jpeg/12-bit.jpg", 1, 1, msg, sizeof msg),
                     THUMB_ERR_UNSUPPORTED_FEATURE);
    ck_assert_str_eq(msg, "JPEG: Unsupported JPEG data precision 12");
}
END_TEST

START_TEST(lossless_file_is_an_unsupported_feature) {
    char msg[CTX_MESSAGE_SIZE];
    ck_assert_int_eq(corpus_status("jpeg/testimgl.jpg", 1, 1, msg, sizeof msg),
                     THUMB_ERR_UNSUPPORTED_FEATURE);
    ck_assert_str_eq(msg, "JPEG: Unsupported JPEG process: SOF type 0xc3");
}
END_TEST

START_TEST(greyscale_files_give_one_channel) {
    const char *files[] = {"jpeg/concert.jpg", "jpeg/thRandom.jpg",
                           "jpeg/grayscale_mcu.jpg", "jpeg/grayscale_app14.jpg",
                           "jpeg/down_sampled_grayscale_prog.jpg"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        image img;
        decode_corpus(files[i], 1, 1, &img);
        ck_assert_msg(img.channels == 1, "%s: %d channels", files[i],
                      img.channels);
        free(img.px);
    }
}
END_TEST

START_TEST(arithmetic_coded_file_decodes_like_huffman_one) {
    /* The IJG ships one picture coded both ways. */
    image ari, huff;
    decode_corpus("jpeg/testimgari.jpg", 227, 149, &ari);
    decode_corpus("jpeg/testimgint.jpg", 227, 149, &huff);
    ck_assert_uint_eq(ari.width, huff.width);
    ck_assert_uint_eq(ari.height, huff.height);
    double psnr = psnr_u8(ari.px, huff.px, ari.stride * ari.height);
    ck_assert_msg(psnr > 30, "PSNR %.2f dB", psnr);
    free(ari.px);
    free(huff.px);
}
END_TEST

/* ---- CMYK ------------------------------------------------------------- */

/* Mean R, G, B computed once with Pillow 9.4 (the python3-pil package):
 *   Image.open(f).convert("RGB"); ImageStat.Stat(rgb).mean
 * Pillow decodes through the same libjpeg and converts CMYK with the same
 * naive formula (Adobe files inverted), so only IDCT rounding may differ. */
static const struct {
    const char *path;
    double rgb[3];
} PILLOW_CMYK_MEANS[] = {
    {"jpeg/cymk.jpg", {46.813, 131.535, 217.402}},
    {"jpeg/Channel_digital_image_CMYK_color_no_profile.jpg",
     {109.037, 132.086, 109.595}},
    {"jpeg/pil_sample_cmyk.jpg", {30.232, 5.444, 7.386}},
    {"jpeg/ycck-2112.jpg", {50.127, 32.695, 19.758}},
    {"jpeg/ycck-1111.jpg", {50.099, 32.701, 19.780}},
    {"jpeg/Kiara_limited_progressive_four_components.jpg",
     {236.335, 211.505, 199.098}},
};
/* Means of whole images agree far closer than this unless the formula or
 * the inversion differs (which moves them by tens). */
#define PILLOW_MEAN_TOLERANCE 1.0

START_TEST(cmyk_files_give_rgb_like_pillow) {
    const char *path = PILLOW_CMYK_MEANS[_i].path;
    image img;
    decode_corpus(path, 1 << 16, 1 << 16, &img);
    ck_assert_int_eq(img.channels, 3);
    double means[3];
    channel_means(&img, means);
    for (int c = 0; c < 3; c++)
        ck_assert_msg(fabs(means[c] - PILLOW_CMYK_MEANS[_i].rgb[c]) <=
                          PILLOW_MEAN_TOLERANCE,
                      "%s channel %d: mean %.3f, Pillow %.3f", path, c,
                      means[c], PILLOW_CMYK_MEANS[_i].rgb[c]);
    free(img.px);
}
END_TEST

/* A uniform 32x32 JPEG of one colour with `components` samples per pixel
 * in colour space `space`, with or without the Adobe APP14 marker
 * (libjpeg writes one for CMYK unless told not to). */
static uint8_t *make_flat_jpeg(const uint8_t *pixel, int components,
                               J_COLOR_SPACE space, int adobe, size_t *size) {
    enum { SIDE = 32, FLAT_MAX_SAMPLES = 4 };
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    unsigned char *out = NULL;
    unsigned long out_size = 0;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &out, &out_size);
    c.image_width = SIDE;
    c.image_height = SIDE;
    c.input_components = components;
    c.in_color_space = space;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 100, TRUE);
    c.write_Adobe_marker = adobe ? TRUE : FALSE;
    jpeg_start_compress(&c, TRUE);
    uint8_t row[SIDE * FLAT_MAX_SAMPLES];
    for (int x = 0; x < SIDE; x++)
        memcpy(row + components * x, pixel, (size_t)components);
    while (c.next_scanline < SIDE) {
        JSAMPROW r = row;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    *size = out_size;
    return out;
}

/* Every pixel within this of the expected colour: q100 on a flat colour
 * loses almost nothing. */
#define FLAT_TOLERANCE 2

static void check_flat_cmyk(const uint8_t stored[4], int adobe,
                            const uint8_t rgb[3]) {
    size_t size;
    uint8_t *jpg = make_flat_jpeg(stored, 4, JCS_CMYK, adobe, &size);
    thumb_ctx *ctx = new_ctx();
    image img;
    thumb_status st = decode(ctx, jpg, size, 1, 1, &img, NULL);
    ck_assert_msg(st == THUMB_OK, "%s", thumb_ctx_error(ctx));
    ck_assert_int_eq(img.channels, 3);
    for (size_t i = 0; i < img.stride * img.height; i++) {
        int want = rgb[i % 3];
        ck_assert_msg(abs(img.px[i] - want) <= FLAT_TOLERANCE,
                      "adobe=%d: sample %zu is %d, expected %d", adobe, i,
                      img.px[i], want);
    }
    free(img.px);
    thumb_ctx_free(ctx);
    free(jpg);
}

START_TEST(plain_cmyk_is_converted_as_ink_amounts) {
    /* Without APP14, 255 means full ink. */
    check_flat_cmyk((const uint8_t[]){0, 255, 255, 0}, 0,
                    (const uint8_t[]){255, 0, 0});
    check_flat_cmyk((const uint8_t[]){0, 0, 0, 128}, 0,
                    (const uint8_t[]){127, 127, 127});
    /* (255-51)*(255-102)/255 = 122.4, (255-153)*(255-102)/255 = 61.2 */
    check_flat_cmyk((const uint8_t[]){51, 0, 153, 102}, 0,
                    (const uint8_t[]){122, 153, 61});
}
END_TEST

START_TEST(adobe_cmyk_is_converted_as_inverted_ink) {
    /* Photoshop stores 255 - ink: the same colours as above. */
    check_flat_cmyk((const uint8_t[]){255, 0, 0, 255}, 1,
                    (const uint8_t[]){255, 0, 0});
    check_flat_cmyk((const uint8_t[]){255, 255, 255, 127}, 1,
                    (const uint8_t[]){127, 127, 127});
    check_flat_cmyk((const uint8_t[]){204, 255, 102, 153}, 1,
                    (const uint8_t[]){122, 153, 61});
}
END_TEST

START_TEST(two_component_file_is_an_unsupported_feature) {
    /* libjpeg knows no colour space of two components (JCS_UNKNOWN). */
    size_t size;
    uint8_t *jpg =
        make_flat_jpeg((const uint8_t[]){10, 200}, 2, JCS_UNKNOWN, 0, &size);
    char msg[CTX_MESSAGE_SIZE];
    ck_assert_int_eq(decode_status(jpg, size, 1, 1, msg, sizeof msg),
                     THUMB_ERR_UNSUPPORTED_FEATURE);
    ck_assert_str_eq(msg, "JPEG: unknown colour space with 2 components");
    free(jpg);
}
END_TEST

/* ---- shrink-on-load --------------------------------------------------- */

/* The size decoder_start must pick: the largest shrink of 1/8, 1/4, 1/2
 * whose result covers the minimum, else full size. */
static void expected_size(uint32_t w, uint32_t h, uint32_t min_w,
                          uint32_t min_h, uint32_t *ew, uint32_t *eh) {
    static const uint32_t denoms[] = {8, 4, 2, 1};
    for (size_t i = 0; i < 4; i++) {
        *ew = scaled(w, denoms[i]);
        *eh = scaled(h, denoms[i]);
        if (*ew >= min_w && *eh >= min_h)
            return;
    }
}

static void check_start_size(const uint8_t *data, size_t size, uint32_t min_w,
                             uint32_t min_h, uint32_t want_w, uint32_t want_h) {
    thumb_ctx *ctx = new_ctx();
    decoder d;
    ck_assert_int_eq(decoder_open(ctx, data, size, &d), THUMB_OK);
    ck_assert_int_eq(decoder_start(&d, &(decoder_request){.min_width = min_w,
                                                          .min_height = min_h}),
                     THUMB_OK);
    ck_assert_msg(d.width == want_w && d.height == want_h,
                  "min %ux%u: got %ux%u, expected %ux%u", min_w, min_h, d.width,
                  d.height, want_w, want_h);
    decoder_close(&d);
    thumb_ctx_free(ctx);
}

START_TEST(shrink_on_load_gives_libjpeg_scaled_sizes) {
    /* 2725x2225: 1/2 -> 1363x1113, 1/4 -> 682x557, 1/8 -> 341x279 (each
     * rounded up, as libjpeg's jdiv_round_up does). */
    size_t size;
    uint8_t *data = read_corpus("jpeg/2569067123_aca715a2ee_o.jpg", &size);
    check_start_size(data, size, 1, 1, 341, 279);
    check_start_size(data, size, 341, 279, 341, 279);
    check_start_size(data, size, 342, 1, 682, 557);
    check_start_size(data, size, 1, 280, 682, 557);
    check_start_size(data, size, 682, 557, 682, 557);
    check_start_size(data, size, 683, 557, 1363, 1113);
    check_start_size(data, size, 1363, 1113, 1363, 1113);
    check_start_size(data, size, 1364, 1, 2725, 2225);
    check_start_size(data, size, 2725, 2225, 2725, 2225);
    /* More than the image has: full size, never an upscale. */
    check_start_size(data, size, 10000, 10000, 2725, 2225);
    free(data);
}
END_TEST

START_TEST(shrink_on_load_never_goes_below_the_minimum) {
    /* testorig.jpg is 227x149: odd sizes exercise the rounding. */
    size_t size;
    uint8_t *data = read_corpus("jpeg/testorig.jpg", &size);
    for (uint32_t min_w = 1; min_w <= 240; min_w += 13) {
        for (uint32_t min_h = 1; min_h <= 160; min_h += 11) {
            uint32_t ew, eh;
            expected_size(227, 149, min_w, min_h, &ew, &eh);
            check_start_size(data, size, min_w, min_h, ew, eh);
            ck_assert(ew >= (min_w < 227 ? min_w : 227));
            ck_assert(eh >= (min_h < 149 ? min_h : 149));
        }
    }
    free(data);
}
END_TEST

START_TEST(every_scale_decodes_all_rows_close_to_the_full_image) {
    /* Each scaled decode must look like the full decode box-filtered down
     * by the same factor (libjpeg's scaled IDCT is close to that). */
    image full;
    decode_corpus("jpeg/testorig.jpg", 227, 149, &full);
    const uint32_t denoms[] = {2, 4, 8};
    for (size_t i = 0; i < 3; i++) {
        uint32_t k = denoms[i];
        image small;
        decode_corpus("jpeg/testorig.jpg", scaled(227, k), scaled(149, k),
                      &small);
        ck_assert_uint_eq(small.width, scaled(227, k));
        ck_assert_uint_eq(small.height, scaled(149, k));
        /* Compare the complete k x k boxes only. */
        uint32_t bw = 227 / k, bh = 149 / k;
        size_t n = (size_t)bw * bh * 3;
        uint8_t *box = malloc(n), *dec = malloc(n);
        ck_assert_ptr_nonnull(box);
        ck_assert_ptr_nonnull(dec);
        for (uint32_t y = 0; y < bh; y++)
            for (uint32_t x = 0; x < bw; x++)
                for (int c = 0; c < 3; c++) {
                    unsigned sum = 0;
                    for (uint32_t yy = 0; yy < k; yy++)
                        for (uint32_t xx = 0; xx < k; xx++)
                            sum += image_row(
                                &full,
                                y * k + yy)[(size_t)(x * k + xx) * 3 + c];
                    size_t at = ((size_t)y * bw + x) * 3 + c;
                    box[at] = (uint8_t)((sum + k * k / 2) / (k * k));
                    dec[at] = image_row(&small, y)[(size_t)x * 3 + c];
                }
        double psnr = psnr_u8(box, dec, n);
        ck_assert_msg(psnr > 25, "1/%u: PSNR %.2f dB", k, psnr);
        free(box);
        free(dec);
        free(small.px);
    }
    free(full.px);
}
END_TEST

START_TEST(cmyk_and_grey_files_shrink_on_load) {
    /* cymk.jpg 600x397 -> 75x50; concert.jpg 400x267 (grey) -> 50x34. */
    image img;
    decode_corpus("jpeg/cymk.jpg", 1, 1, &img);
    ck_assert_uint_eq(img.width, 75);
    ck_assert_uint_eq(img.height, 50);
    ck_assert_int_eq(img.channels, 3);
    free(img.px);
    decode_corpus("jpeg/concert.jpg", 1, 1, &img);
    ck_assert_uint_eq(img.width, 50);
    ck_assert_uint_eq(img.height, 34);
    ck_assert_int_eq(img.channels, 1);
    free(img.px);
    /* Progressive: the coefficients are all read, then scaled. */
    decode_corpus("jpeg/successive_approximation.jpg", 150, 1, &img);
    ck_assert_uint_eq(img.width, 150);
    ck_assert_uint_eq(img.height, 200);
    free(img.px);
}
END_TEST

/* ---- damaged and hostile files ---------------------------------------- */

static void check_corrupt(const char *rel) {
    char msg[CTX_MESSAGE_SIZE];
    thumb_status st = corpus_status(rel, 1 << 16, 1 << 16, msg, sizeof msg);
    ck_assert_msg(st == THUMB_ERR_CORRUPT, "%s: status %d (%s)", rel, st, msg);
    ck_assert_msg(starts_with(msg, "JPEG: "), "%s: %s", rel, msg);
}

START_TEST(truncated_files_are_corrupt) {
    check_corrupt("bad/jpeg/truncated.jpg");
    check_corrupt("bad/jpeg/incomplete_image.jpg");
    check_corrupt("bad/jpeg/truncated_jpeg.jpg");
    char msg[CTX_MESSAGE_SIZE];
    corpus_status("bad/jpeg/truncated.jpg", 1, 1, msg, sizeof msg);
    ck_assert_str_eq(msg, "JPEG: Premature end of JPEG file");
}
END_TEST

START_TEST(every_cut_of_a_file_is_corrupt_not_grey) {
    /* Cut a baseline, a progressive and a CMYK file at points through the
     * whole file: each cut must fail, never be padded with grey. */
    const char *files[] = {"jpeg/testorig.jpg",
                           "jpeg/successive_approximation.jpg",
                           "jpeg/pil_sample_cmyk.jpg"};
    for (size_t f = 0; f < 3; f++) {
        size_t size;
        uint8_t *data = read_corpus(files[f], &size);
        /* The last two bytes are EOI; cuts end before it. */
        for (size_t cut = 4; cut + 2 < size; cut += size / 23 + 1) {
            uint8_t *part = malloc(cut);
            ck_assert_ptr_nonnull(part);
            memcpy(part, data, cut);
            char msg[CTX_MESSAGE_SIZE];
            thumb_status st =
                decode_status(part, cut, 1 << 16, 1 << 16, msg, sizeof msg);
            ck_assert_msg(st == THUMB_ERR_CORRUPT,
                          "%s cut at %zu of %zu: status %d (%s)", files[f], cut,
                          size, st, msg);
            free(part);
        }
        free(data);
    }
}
END_TEST

START_TEST(junk_between_markers_is_tolerated) {
    /* libjpeg skips the junk with JWRN_EXTRANEOUS_DATA; the image is
     * intact, so it decodes as libvips would. */
    image img;
    decode_corpus("bad/jpeg/junk_jpeg_header.jpg", 1024, 768, &img);
    ck_assert_uint_eq(img.width, 1024);
    ck_assert_uint_eq(img.height, 768);
    free(img.px);
    decode_corpus("bad/jpeg/random_bytes_between_segments.jpg", 16, 16, &img);
    ck_assert_uint_eq(img.width, 16);
    free(img.px);
}
END_TEST

static void check_clean_result(const char *path, const char *description,
                               void *opaque) {
    (void)description;
    (void)opaque;
    char msg[CTX_MESSAGE_SIZE];
    /* Full size: the entropy data is decoded to the end. */
    thumb_status st = corpus_status(path, 1 << 16, 1 << 16, msg, sizeof msg);
    if (st == THUMB_OK)
        return;
    ck_assert_msg(msg[0] != '\0', "%s: status %d without a message", path, st);
    ck_assert_msg(st == THUMB_ERR_CORRUPT ||
                      st == THUMB_ERR_UNSUPPORTED_FEATURE ||
                      st == THUMB_ERR_UNSUPPORTED_FORMAT,
                  "%s: status %d (%s)", path, st, msg);
}

START_TEST(bad_files_decode_or_fail_cleanly) {
    manifest_each("bad/jpeg/", check_clean_result, NULL);
}
END_TEST

START_TEST(fuzz_corpus_decodes_or_fails_cleanly) {
    manifest_each("bad/fuzz-corpus/jpeg/", check_clean_result, NULL);
}
END_TEST

/* A grey SIDE x SIDE progressive JPEG sending each AC coefficient in its
 * own band, split into 1 + `refinements` successive-approximation scans,
 * after one DC scan: 1 + 63 * (1 + refinements) scans in all. */
static uint8_t *make_many_scan_jpeg(int refinements, size_t *size, int *scans) {
    enum { SIDE = 64, AC_COEFFICIENTS = 63 };
    int n = 1 + AC_COEFFICIENTS * (1 + refinements);
    jpeg_scan_info *script = calloc((size_t)n, sizeof *script);
    ck_assert_ptr_nonnull(script);
    int i = 0;
    script[i].comps_in_scan = 1; /* DC: Ss = Se = Ah = Al = 0 */
    i++;
    for (int k = 1; k <= AC_COEFFICIENTS; k++) {
        for (int al = refinements; al >= 0; al--, i++) {
            script[i].comps_in_scan = 1;
            script[i].Ss = script[i].Se = k;
            script[i].Ah = al == refinements ? 0 : al + 1;
            script[i].Al = al;
        }
    }
    ck_assert_int_eq(i, n);

    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    unsigned char *out = NULL;
    unsigned long out_size = 0;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &out, &out_size);
    c.image_width = SIDE;
    c.image_height = SIDE;
    c.input_components = 1;
    c.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&c);
    c.scan_info = script;
    c.num_scans = n;
    jpeg_start_compress(&c, TRUE);
    uint8_t row[SIDE];
    while (c.next_scanline < SIDE) {
        for (int x = 0; x < SIDE; x++)
            row[x] = (uint8_t)(x * 3 + c.next_scanline * 5);
        JSAMPROW r = row;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(script);
    *size = out_size;
    *scans = n;
    return out;
}

START_TEST(more_than_500_scans_are_refused) {
    size_t size;
    int scans;
    uint8_t *jpg = make_many_scan_jpeg(7, &size, &scans);
    ck_assert_int_eq(scans, 505);
    char msg[CTX_MESSAGE_SIZE];
    ck_assert_int_eq(decode_status(jpg, size, 64, 64, msg, sizeof msg),
                     THUMB_ERR_CORRUPT);
    ck_assert_str_eq(msg, "JPEG: more than 500 scans");
    free(jpg);
}
END_TEST

START_TEST(up_to_500_scans_decode) {
    size_t size;
    int scans;
    uint8_t *jpg = make_many_scan_jpeg(5, &size, &scans);
    ck_assert_int_eq(scans, 379);
    char msg[CTX_MESSAGE_SIZE];
    ck_assert_int_eq(decode_status(jpg, size, 64, 64, msg, sizeof msg),
                     THUMB_OK);
    free(jpg);
}
END_TEST

START_TEST(rows_past_the_end_are_refused) {
    size_t size;
    uint8_t *data = read_corpus("jpeg/testorig.jpg", &size);
    thumb_ctx *ctx = new_ctx();
    decoder d;
    ck_assert_int_eq(decoder_open(ctx, data, size, &d), THUMB_OK);
    ck_assert_int_eq(
        decoder_start(&d, &(decoder_request){.min_width = 1, .min_height = 1}),
        THUMB_OK); /* 29x19 */
    uint8_t *px = malloc((size_t)d.width * 3 * (d.height + 1));
    uint8_t **rows = malloc(sizeof *rows * (d.height + 1));
    for (uint32_t y = 0; y <= d.height; y++)
        rows[y] = px + (size_t)y * d.width * 3;
    ck_assert_int_eq(decoder_read_rows(&d, rows, d.height + 1),
                     THUMB_ERR_INTERNAL);
    decoder_close(&d);
    thumb_ctx_free(ctx);
    free(rows);
    free(px);
    free(data);
}
END_TEST

START_TEST(decoder_after_a_failure_refuses_to_continue) {
    size_t size;
    uint8_t *data = read_corpus("bad/jpeg/truncated.jpg", &size);
    thumb_ctx *ctx = new_ctx();
    decoder d;
    ck_assert_int_eq(decoder_open(ctx, data, size, &d), THUMB_OK);
    ck_assert_int_eq(
        decoder_start(&d, &(decoder_request){.min_width = 1, .min_height = 1}),
        THUMB_OK);
    uint8_t *px = malloc((size_t)d.width * 3);
    thumb_status st = THUMB_OK;
    for (uint32_t y = 0; y < d.height && st == THUMB_OK; y++)
        st = decoder_read_rows(&d, &px, 1);
    ck_assert_int_eq(st, THUMB_ERR_CORRUPT);
    ctx_clear_error(ctx);
    ck_assert_int_eq(decoder_read_rows(&d, &px, 1), THUMB_ERR_INTERNAL);
    decoder_close(&d);
    thumb_ctx_free(ctx);
    free(px);
    free(data);
}
END_TEST

/* ---- allocation failures ---------------------------------------------- */

/* An allocator that fails every call once `left` successes are used up. */
typedef struct failing_allocator {
    long left;
} failing_allocator;

static void *failing_malloc(void *opaque, size_t size) {
    failing_allocator *f = opaque;
    if (f->left-- <= 0)
        return NULL;
    return malloc(size);
}

static void *failing_realloc(void *opaque, void *ptr, size_t size) {
    failing_allocator *f = opaque;
    if (f->left-- <= 0)
        return NULL;
    return realloc(ptr, size);
}

static void failing_free(void *opaque, void *ptr) {
    (void)opaque;
    free(ptr);
}

static thumb_ctx *failing_ctx(failing_allocator *f) {
    thumb_allocator a = {failing_malloc, failing_realloc, failing_free, f};
    f->left = 1; /* the context itself */
    thumb_ctx *ctx = thumb_ctx_new_with_allocator(&a);
    ck_assert_ptr_nonnull(ctx);
    return ctx;
}

START_TEST(allocation_failures_in_the_decoder_are_nomem) {
    /* The CMYK path allocates twice (state, scratch row): fail each. */
    size_t size;
    uint8_t *data = read_corpus("jpeg/pil_sample_cmyk.jpg", &size);
    for (long allowed = 0; allowed < 2; allowed++) {
        failing_allocator f;
        thumb_ctx *ctx = failing_ctx(&f);
        f.left = allowed;
        image img;
        ck_assert_int_eq(decode(ctx, data, size, 1, 1, &img, NULL),
                         THUMB_ERR_NOMEM);
        thumb_ctx_free(ctx);
    }
    failing_allocator f;
    thumb_ctx *ctx = failing_ctx(&f);
    f.left = 2;
    image img;
    ck_assert_int_eq(decode(ctx, data, size, 1, 1, &img, NULL), THUMB_OK);
    free(img.px);
    thumb_ctx_free(ctx);
    free(data);
}
END_TEST

/* ---- encoder ---------------------------------------------------------- */

static encode_options options(int quality, int progressive,
                              thumb_subsampling sampling) {
    encode_options o;
    memset(&o, 0, sizeof o);
    o.quality = quality;
    o.jpeg_progressive = progressive;
    o.jpeg_subsampling = sampling;
    return o;
}

/* What the frame header of an encoded file says. */
typedef struct sof_info {
    int marker; /* 0xC0 baseline, 0xC2 progressive, ... */
    int width, height, components;
    int sampling[4]; /* H << 4 | V per component */
} sof_info;

static int is_sof(int m) {
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

static sof_info parse_sof(const uint8_t *p, size_t n) {
    sof_info s;
    memset(&s, 0, sizeof s);
    ck_assert(n >= 4 && p[0] == 0xFF && p[1] == 0xD8);
    size_t at = 2;
    while (at + 4 <= n) {
        ck_assert_int_eq(p[at], 0xFF);
        int m = p[at + 1];
        size_t len = (size_t)p[at + 2] << 8 | p[at + 3];
        if (is_sof(m)) {
            ck_assert(at + 2 + len <= n);
            const uint8_t *f = p + at + 4;
            s.marker = m;
            s.height = f[1] << 8 | f[2];
            s.width = f[3] << 8 | f[4];
            s.components = f[5];
            for (int c = 0; c < s.components && c < 4; c++)
                s.sampling[c] = f[6 + 3 * c + 1];
            return s;
        }
        at += 2 + len;
    }
    ck_abort_msg("no SOF marker");
    return s;
}

static void encode_ok(thumb_ctx *ctx, const image *img, const encode_options *o,
                      buffer *out) {
    thumb_status st = jpeg_encode(ctx, img, o, out);
    ck_assert_msg(st == THUMB_OK, "%s", thumb_ctx_error(ctx));
}

START_TEST(round_trip_at_q90_keeps_psnr_above_30db) {
    const struct {
        int progressive;
        thumb_subsampling sampling;
    } modes[] = {{0, THUMB_SUBSAMPLING_420},
                 {0, THUMB_SUBSAMPLING_444},
                 {1, THUMB_SUBSAMPLING_420},
                 {1, THUMB_SUBSAMPLING_444}};
    image src;
    decode_corpus("jpeg/testorig.jpg", 227, 149, &src);
    for (size_t i = 0; i < 4; i++) {
        thumb_ctx *ctx = new_ctx();
        buffer out;
        buffer_init(&out, ctx);
        encode_options o = options(90, modes[i].progressive, modes[i].sampling);
        encode_ok(ctx, &src, &o, &out);
        image back;
        thumb_status st =
            decode(ctx, out.data, out.size, 227, 149, &back, NULL);
        ck_assert_msg(st == THUMB_OK, "%s", thumb_ctx_error(ctx));
        ck_assert_uint_eq(back.width, 227);
        ck_assert_uint_eq(back.height, 149);
        ck_assert_int_eq(back.channels, 3);
        double psnr = psnr_u8(src.px, back.px, src.stride * src.height);
        ck_assert_msg(psnr > 30, "mode %zu: PSNR %.2f dB", i, psnr);
        free(back.px);
        buffer_release(&out);
        thumb_ctx_free(ctx);
    }
    free(src.px);
}
END_TEST

START_TEST(progressive_output_has_sof2_and_baseline_sof0) {
    image src;
    decode_corpus("jpeg/testorig.jpg", 227, 149, &src);
    thumb_ctx *ctx = new_ctx();
    buffer out;
    buffer_init(&out, ctx);
    encode_options o = options(80, 1, THUMB_SUBSAMPLING_420);
    encode_ok(ctx, &src, &o, &out);
    sof_info s = parse_sof(out.data, out.size);
    ck_assert_int_eq(s.marker, 0xC2);
    ck_assert_int_eq(s.width, 227);
    ck_assert_int_eq(s.height, 149);
    buffer_clear(&out);
    o.jpeg_progressive = 0;
    encode_ok(ctx, &src, &o, &out);
    ck_assert_int_eq(parse_sof(out.data, out.size).marker, 0xC0);
    buffer_release(&out);
    thumb_ctx_free(ctx);
    free(src.px);
}
END_TEST

/* Huffman optimisation is lossless: only the tables and the entropy-coded
 * bits change. Through the public option too, on a photo thumbnail. */
START_TEST(optimized_coding_gives_the_same_pixels_in_fewer_bytes) {
    image src;
    decode_corpus("jpeg/testorig.jpg", 227, 149, &src);
    thumb_ctx *ctx = new_ctx();
    buffer plain, optimized;
    buffer_init(&plain, ctx);
    buffer_init(&optimized, ctx);
    encode_options o = options(80, 0, THUMB_SUBSAMPLING_420);
    encode_ok(ctx, &src, &o, &plain);
    o.jpeg_optimize = 1;
    encode_ok(ctx, &src, &o, &optimized);
    ck_assert_msg(optimized.size < plain.size, "%zu bytes, standard %zu",
                  optimized.size, plain.size);
    image a, b;
    ck_assert_int_eq(decode(ctx, plain.data, plain.size, 227, 149, &a, NULL),
                     THUMB_OK);
    ck_assert_int_eq(
        decode(ctx, optimized.data, optimized.size, 227, 149, &b, NULL),
        THUMB_OK);
    ck_assert_mem_eq(a.px, b.px, a.stride * a.height);
    free(a.px);
    free(b.px);
    buffer_release(&plain);
    buffer_release(&optimized);

    size_t in_len;
    uint8_t *in = read_corpus("jpeg/2569067123_aca715a2ee_o.jpg", &in_len);
    size_t bytes[2];
    for (int opt = 0; opt <= 1; opt++) {
        ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 360), THUMB_OK);
        ck_assert_int_eq(
            thumb_ctx_set(ctx, THUMB_OPT_JPEG_OPTIMIZE_CODING, opt), THUMB_OK);
        const unsigned char *out;
        ck_assert_int_eq(thumb_run(ctx, in, in_len, &out, &bytes[opt]),
                         THUMB_OK);
    }
    ck_assert_msg(bytes[1] < bytes[0], "%zu bytes, standard %zu", bytes[1],
                  bytes[0]);
    free(in);
    thumb_ctx_free(ctx);
    free(src.px);
}
END_TEST

START_TEST(subsampling_option_sets_the_sof_sampling_factors) {
    image src;
    decode_corpus("jpeg/testorig.jpg", 227, 149, &src);
    thumb_ctx *ctx = new_ctx();
    for (int progressive = 0; progressive <= 1; progressive++) {
        buffer out;
        buffer_init(&out, ctx);
        encode_options o = options(85, progressive, THUMB_SUBSAMPLING_420);
        encode_ok(ctx, &src, &o, &out);
        sof_info s = parse_sof(out.data, out.size);
        ck_assert_int_eq(s.components, 3);
        ck_assert_int_eq(s.sampling[0], 0x22);
        ck_assert_int_eq(s.sampling[1], 0x11);
        ck_assert_int_eq(s.sampling[2], 0x11);
        buffer_clear(&out);
        o.jpeg_subsampling = THUMB_SUBSAMPLING_444;
        encode_ok(ctx, &src, &o, &out);
        s = parse_sof(out.data, out.size);
        ck_assert_int_eq(s.sampling[0], 0x11);
        ck_assert_int_eq(s.sampling[1], 0x11);
        ck_assert_int_eq(s.sampling[2], 0x11);
        buffer_release(&out);
    }
    thumb_ctx_free(ctx);
    free(src.px);
}
END_TEST

START_TEST(grey_input_stays_grey) {
    image src;
    decode_corpus("jpeg/concert.jpg", 400, 267, &src);
    ck_assert_int_eq(src.channels, 1);
    thumb_ctx *ctx = new_ctx();
    for (int progressive = 0; progressive <= 1; progressive++) {
        buffer out;
        buffer_init(&out, ctx);
        encode_options o = options(90, progressive, THUMB_SUBSAMPLING_420);
        encode_ok(ctx, &src, &o, &out);
        sof_info s = parse_sof(out.data, out.size);
        ck_assert_int_eq(s.components, 1);
        ck_assert_int_eq(s.sampling[0], 0x11);
        image back;
        ck_assert_int_eq(
            decode(ctx, out.data, out.size, 1 << 16, 1 << 16, &back, NULL),
            THUMB_OK);
        ck_assert_int_eq(back.channels, 1);
        double psnr = psnr_u8(src.px, back.px, src.stride * src.height);
        ck_assert_msg(psnr > 30, "PSNR %.2f dB", psnr);
        free(back.px);
        buffer_release(&out);
    }
    thumb_ctx_free(ctx);
    free(src.px);
}
END_TEST

START_TEST(output_is_appended_after_existing_content) {
    image src;
    decode_corpus("jpeg/testorig.jpg", 1, 1, &src);
    thumb_ctx *ctx = new_ctx();
    buffer out;
    buffer_init(&out, ctx);
    ck_assert_int_eq(buffer_append(&out, "head", 4), THUMB_OK);
    encode_options o = options(75, 0, THUMB_SUBSAMPLING_420);
    encode_ok(ctx, &src, &o, &out);
    ck_assert_mem_eq(out.data, "head", 4);
    ck_assert_uint_eq(out.data[4], 0xFF);
    ck_assert_uint_eq(out.data[5], 0xD8);
    ck_assert_uint_eq(out.data[out.size - 2], 0xFF);
    ck_assert_uint_eq(out.data[out.size - 1], 0xD9);
    image back;
    ck_assert_int_eq(
        decode(ctx, out.data + 4, out.size - 4, 1 << 16, 1 << 16, &back, NULL),
        THUMB_OK);
    ck_assert_uint_eq(back.width, src.width);
    free(back.px);
    buffer_release(&out);
    thumb_ctx_free(ctx);
    free(src.px);
}
END_TEST

START_TEST(encoder_rejects_alpha_channels) {
    uint8_t px[4 * 4 * 4] = {0};
    image img = {4, 4, 4, 16, px, 8};
    thumb_ctx *ctx = new_ctx();
    buffer out;
    buffer_init(&out, ctx);
    encode_options o = options(80, 0, THUMB_SUBSAMPLING_420);
    ck_assert_int_eq(jpeg_encode(ctx, &img, &o, &out), THUMB_ERR_INTERNAL);
    ck_assert_uint_eq(out.size, 0);
    buffer_release(&out);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(encoder_error_is_reported_with_libjpeg_message) {
    /* 70000 pixels wide exceeds JPEG_MAX_DIMENSION (65500). */
    enum { WIDE = 70000 };
    uint8_t *px = calloc(WIDE, 1);
    image img = {WIDE, 1, 1, WIDE, px, 8};
    thumb_ctx *ctx = new_ctx();
    buffer out;
    buffer_init(&out, ctx);
    ck_assert_int_eq(buffer_append(&out, "x", 1), THUMB_OK);
    encode_options o = options(80, 0, THUMB_SUBSAMPLING_420);
    ck_assert_int_eq(jpeg_encode(ctx, &img, &o, &out), THUMB_ERR_ENCODE);
    ck_assert_str_eq(thumb_ctx_error(ctx),
                     "JPEG: Maximum supported image dimension is 65500 pixels");
    ck_assert_uint_eq(out.size, 1);
    buffer_release(&out);
    thumb_ctx_free(ctx);
    free(px);
}
END_TEST

START_TEST(allocation_failure_while_encoding_leaves_nothing_behind) {
    /* Noise compresses badly, so the output outgrows the buffer several
     * times; let the k-th growth fail for each k until one succeeds. LSan
     * (in the sanitizer build) checks that libjpeg's memory is freed. */
    enum { SIDE = 256 };
    uint8_t *px = malloc(SIDE * SIDE * 3);
    uint32_t seed = 1;
    for (size_t i = 0; i < SIDE * SIDE * 3; i++) {
        seed = seed * 1664525u + 1013904223u;
        px[i] = (uint8_t)(seed >> 24);
    }
    image img = {SIDE, SIDE, 3, SIDE * 3, px, 8};
    encode_options o = options(95, 1, THUMB_SUBSAMPLING_444);
    int failures = 0;
    for (long allowed = 0;; allowed++) {
        failing_allocator f;
        thumb_ctx *ctx = failing_ctx(&f);
        f.left = allowed;
        buffer out;
        buffer_init(&out, ctx);
        thumb_status st = jpeg_encode(ctx, &img, &o, &out);
        if (st == THUMB_OK) {
            ck_assert_uint_gt(out.size, 4096 * 4);
            buffer_release(&out);
            thumb_ctx_free(ctx);
            break;
        }
        ck_assert_int_eq(st, THUMB_ERR_NOMEM);
        ck_assert_uint_eq(out.size, 0);
        failures++;
        buffer_release(&out);
        thumb_ctx_free(ctx);
    }
    ck_assert_int_ge(failures, 3);
    free(px);
}
END_TEST

static Suite *jpeg_suite(void) {
    Suite *s = suite_create("jpeg");
    TCase *tc = tcase_create("decode");
    /* The corpus holds two 33 MP files; sanitizers slow everything. */
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, every_good_file_decodes_at_its_size_or_is_unsupported);
    tcase_add_test(tc, twelve_bit_file_is_an_unsupported_feature);
    tcase_add_test(tc, lossless_file_is_an_unsupported_feature);
    tcase_add_test(tc, greyscale_files_give_one_channel);
    tcase_add_test(tc, arithmetic_coded_file_decodes_like_huffman_one);
    suite_add_tcase(s, tc);

    tc = tcase_create("cmyk");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, cmyk_files_give_rgb_like_pillow, 0,
                        sizeof PILLOW_CMYK_MEANS / sizeof PILLOW_CMYK_MEANS[0]);
    tcase_add_test(tc, plain_cmyk_is_converted_as_ink_amounts);
    tcase_add_test(tc, adobe_cmyk_is_converted_as_inverted_ink);
    tcase_add_test(tc, two_component_file_is_an_unsupported_feature);
    suite_add_tcase(s, tc);

    tc = tcase_create("shrink_on_load");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, shrink_on_load_gives_libjpeg_scaled_sizes);
    tcase_add_test(tc, shrink_on_load_never_goes_below_the_minimum);
    tcase_add_test(tc, every_scale_decodes_all_rows_close_to_the_full_image);
    tcase_add_test(tc, cmyk_and_grey_files_shrink_on_load);
    suite_add_tcase(s, tc);

    tc = tcase_create("damaged");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, truncated_files_are_corrupt);
    tcase_add_test(tc, every_cut_of_a_file_is_corrupt_not_grey);
    tcase_add_test(tc, junk_between_markers_is_tolerated);
    tcase_add_test(tc, bad_files_decode_or_fail_cleanly);
    tcase_add_test(tc, fuzz_corpus_decodes_or_fails_cleanly);
    tcase_add_test(tc, more_than_500_scans_are_refused);
    tcase_add_test(tc, up_to_500_scans_decode);
    tcase_add_test(tc, rows_past_the_end_are_refused);
    tcase_add_test(tc, decoder_after_a_failure_refuses_to_continue);
    tcase_add_test(tc, allocation_failures_in_the_decoder_are_nomem);
    suite_add_tcase(s, tc);

    tc = tcase_create("encode");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, round_trip_at_q90_keeps_psnr_above_30db);
    tcase_add_test(tc, progressive_output_has_sof2_and_baseline_sof0);
    tcase_add_test(tc, optimized_coding_gives_the_same_pixels_in_fewer_bytes);
    tcase_add_test(tc, subsampling_option_sets_the_sof_sampling_factors);
    tcase_add_test(tc, grey_input_stays_grey);
    tcase_add_test(tc, output_is_appended_after_existing_content);
    tcase_add_test(tc, encoder_rejects_alpha_channels);
    tcase_add_test(tc, encoder_error_is_reported_with_libjpeg_message);
    tcase_add_test(tc, allocation_failure_while_encoding_leaves_nothing_behind);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(jpeg_suite)
