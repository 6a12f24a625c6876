/* libheif's libde265 plugin with zeroed pictures (heif_plugins.h). It runs
 * inside libheif, which it reaches, like libde265, through the tables
 * codec_lib.c loaded before the context was made. */
#include "heif_plugins.h"

#include "codec_lib.h"

#include <stdlib.h>
#include <string.h>

/* Each NAL unit of an HEVC item is preceded by its length, 4 bytes big
 * endian (libheif writes the hvcC's NAL units the same way). */
#define HEVC_LENGTH_BYTES 4
/* What libde265's own allocator reserves: its SIMD reads past the rows,
 * on 16-byte aligned planes. */
#define HEVC_PLANE_PADDING 16
#define HEVC_PLANE_ALIGNMENT 16
#define HEVC_PLANES 3

typedef struct hevc_decoder {
    const heif_functions *lib;
    de265_decoder_context *ctx;
} hevc_decoder;

static struct heif_error hevc_error(enum heif_error_code code,
                                    enum heif_suberror_code subcode,
                                    const char *message) {
    struct heif_error e = {code, subcode, message};
    return e;
}

static struct heif_error hevc_ok(void) {
    return hevc_error(heif_error_Ok, heif_suberror_Unspecified, "Success");
}

static const char *hevc_name(void) {
    return "libde265 HEVC decoder, pictures cleared (libthumbnail)";
}

static int hevc_supports(enum heif_compression_format format) {
    return format == heif_compression_HEVC ? HEIF_PLUGINS_PRIORITY : 0;
}

/* de265_image_allocation.get_buffer: libde265's own allocation (image.cc,
 * de265_image_get_buffer), zeroed. The allocation is each plane's user
 * data, for release. */
static int hevc_get_buffer(de265_decoder_context *ctx,
                           struct de265_image_spec *spec,
                           struct de265_image *img, void *userdata) {
    (void)ctx;
    const hevc_decoder *h = userdata;
    int planes = HEVC_PLANES, sub_w = 1, sub_h = 1;
    if (spec->format == de265_image_format_mono8)
        planes = 1;
    else if (spec->format == de265_image_format_YUV420P8)
        sub_w = sub_h = 2;
    else if (spec->format == de265_image_format_YUV422P8)
        sub_w = 2;
    uint8_t *mem[HEVC_PLANES] = {0};
    int stride[HEVC_PLANES] = {0};
    for (int c = 0; c < planes; c++) {
        int w = c ? spec->width / sub_w : spec->width;
        int rows = c ? spec->height / sub_h : spec->height;
        int bytes = (h->lib->de265_get_bits_per_pixel(img, c) + 7) / 8;
        if (w <= 0 || rows <= 0 || spec->alignment <= 0 || bytes <= 0)
            goto fail;
        stride[c] = (w + spec->alignment - 1) / spec->alignment *
                    spec->alignment * bytes;
        size_t size =
            (size_t)stride[c] * (size_t)rows + (size_t)HEVC_PLANE_PADDING;
        void *p = NULL;
        if (posix_memalign(&p, HEVC_PLANE_ALIGNMENT, size) != 0)
            goto fail;
        memset(p, 0, size);
        mem[c] = p;
    }
    for (int c = 0; c < HEVC_PLANES; c++)
        h->lib->de265_set_image_plane(img, c, mem[c], stride[c], mem[c]);
    return 1;
fail:
    for (int c = 0; c < HEVC_PLANES; c++)
        free(mem[c]);
    return 0;
}

static void hevc_release_buffer(de265_decoder_context *ctx,
                                struct de265_image *img, void *userdata) {
    (void)ctx;
    const hevc_decoder *h = userdata;
    for (int c = 0; c < HEVC_PLANES; c++)
        free(h->lib->de265_get_image_plane_user_data(img, c));
}

static struct de265_image_allocation hevc_allocation = {hevc_get_buffer,
                                                        hevc_release_buffer};

static struct heif_error hevc_new_decoder(void **out) {
    const heif_functions *lib = codec_lib_heif(NULL);
    hevc_decoder *h = calloc(1, sizeof *h);
    if (!lib || !h) {
        free(h);
        return hevc_error(heif_error_Memory_allocation_error,
                          heif_suberror_Unspecified, "out of memory");
    }
    h->lib = lib;
    h->ctx = lib->de265_new_decoder();
    if (!h->ctx) {
        free(h);
        return hevc_error(heif_error_Memory_allocation_error,
                          heif_suberror_Unspecified, "out of memory");
    }
    lib->de265_set_image_allocation_functions(h->ctx, &hevc_allocation, h);
    /* With SAO on, libde265 1.0.11 decodes into a picture of its own
     * allocator (decctx.cc: only an output picture gets ours) and filters
     * that into ours: the unset bytes would pass through the filter. */
    lib->de265_set_parameter_bool(h->ctx, DE265_DECODER_PARAM_DISABLE_SAO, 1);
    /* As libheif's plugin does. */
    lib->de265_start_worker_threads(h->ctx, 1);
    *out = h;
    return hevc_ok();
}

static void hevc_free_decoder(void *decoder) {
    hevc_decoder *h = decoder;
    h->lib->de265_free_decoder(h->ctx);
    free(h);
}

static struct heif_error hevc_push_data(void *decoder, const void *data,
                                        size_t size) {
    hevc_decoder *h = decoder;
    const uint8_t *at = data;
    for (size_t i = 0; i < size;) {
        if (size - i < HEVC_LENGTH_BYTES)
            return hevc_error(heif_error_Decoder_plugin_error,
                              heif_suberror_End_of_data, "");
        uint32_t nal = (uint32_t)at[i] << 24 | (uint32_t)at[i + 1] << 16 |
                       (uint32_t)at[i + 2] << 8 | (uint32_t)at[i + 3];
        i += HEVC_LENGTH_BYTES;
        if (nal > size - i)
            return hevc_error(heif_error_Decoder_plugin_error,
                              heif_suberror_End_of_data, "");
        h->lib->de265_push_NAL(h->ctx, at + i, (int)nal, 0, NULL);
        i += nal;
    }
    return hevc_ok();
}

/* A decoded picture as a heif_image of its planes, with the colour its
 * stream signals (libheif prefers the file's nclx box when it has one). */
static struct heif_error hevc_convert(const hevc_decoder *h,
                                      const struct de265_image *pic,
                                      struct heif_image **out) {
    const heif_functions *lib = h->lib;
    enum de265_chroma chroma = lib->de265_get_chroma_format(pic);
    int mono = chroma == de265_chroma_mono;
    /* The two enums share their values, as libheif's plugin assumes. */
    struct heif_error e = lib->heif_image_create(
        lib->de265_get_image_width(pic, 0), lib->de265_get_image_height(pic, 0),
        mono ? heif_colorspace_monochrome : heif_colorspace_YCbCr,
        (enum heif_chroma)chroma, out);
    if (e.code != heif_error_Ok)
        return e;
    static const enum heif_channel channels[HEVC_PLANES] = {
        heif_channel_Y, heif_channel_Cb, heif_channel_Cr};
    int bits = lib->de265_get_bits_per_pixel(pic, 0);
    for (int c = 0; c < (mono ? 1 : HEVC_PLANES); c++) {
        int w = lib->de265_get_image_width(pic, c);
        int rows = lib->de265_get_image_height(pic, c);
        if (lib->de265_get_bits_per_pixel(pic, c) != bits) {
            lib->heif_image_release(*out);
            return hevc_error(heif_error_Unsupported_feature,
                              heif_suberror_Unsupported_color_conversion,
                              "Channels with different number of bits per "
                              "pixel are not supported");
        }
        if (w <= 0 || rows <= 0) {
            lib->heif_image_release(*out);
            return hevc_error(heif_error_Decoder_plugin_error,
                              heif_suberror_Invalid_image_size, "");
        }
        e = lib->heif_image_add_plane(*out, channels[c], w, rows, bits);
        if (e.code != heif_error_Ok) {
            lib->heif_image_release(*out);
            return e;
        }
        int from_stride, to_stride;
        const uint8_t *from = lib->de265_get_image_plane(pic, c, &from_stride);
        uint8_t *to = lib->heif_image_get_plane(*out, channels[c], &to_stride);
        size_t row = (size_t)w * (size_t)((bits + 7) / 8);
        for (int y = 0; y < rows; y++)
            memcpy(to + (size_t)y * (size_t)to_stride,
                   from + (size_t)y * (size_t)from_stride, row);
    }
    struct heif_color_profile_nclx *nclx = lib->heif_nclx_color_profile_alloc();
    if (nclx) {
        /* Values a profile cannot hold keep its defaults, as libheif's
         * plugin does when not strict. */
        lib->heif_nclx_color_profile_set_color_primaries(
            nclx, (uint16_t)lib->de265_get_image_colour_primaries(pic));
        lib->heif_nclx_color_profile_set_transfer_characteristics(
            nclx, (uint16_t)lib->de265_get_image_transfer_characteristics(pic));
        lib->heif_nclx_color_profile_set_matrix_coefficients(
            nclx, (uint16_t)lib->de265_get_image_matrix_coefficients(pic));
        nclx->full_range_flag =
            (uint8_t)lib->de265_get_image_full_range_flag(pic);
        lib->heif_image_set_nclx_color_profile(*out, nclx);
        lib->heif_nclx_color_profile_free(nclx);
    }
    return hevc_ok();
}

/* libheif's plugin (libde265 1.x): decode everything pushed, keep the
 * last picture. */
static struct heif_error hevc_decode_image(void *decoder,
                                           struct heif_image **out) {
    hevc_decoder *h = decoder;
    const heif_functions *lib = h->lib;
    *out = NULL;
    struct heif_error late = heif_plugins_check_deadline();
    if (late.code != heif_error_Ok)
        return late;
    lib->de265_flush_data(h->ctx);
    int more;
    do {
        more = 0;
        if (lib->de265_decode(h->ctx, &more) != DE265_OK)
            break;
        const struct de265_image *pic = lib->de265_get_next_picture(h->ctx);
        if (pic) {
            if (*out)
                lib->heif_image_release(*out);
            *out = NULL;
            struct heif_error e = hevc_convert(h, pic, out);
            lib->de265_release_next_picture(h->ctx);
            if (e.code != heif_error_Ok) {
                *out = NULL;
                return e;
            }
        }
    } while (more);
    return hevc_ok();
}

static void hevc_set_strict(void *decoder, int flag) {
    (void)decoder;
    (void)flag;
}

static const struct heif_decoder_plugin hevc_plugin = {
    .plugin_api_version = 3,
    .get_plugin_name = hevc_name,
    .does_support_format = hevc_supports,
    .new_decoder = hevc_new_decoder,
    .free_decoder = hevc_free_decoder,
    .push_data = hevc_push_data,
    .decode_image = hevc_decode_image,
    .set_strict_decoding = hevc_set_strict,
    .id_name = "libde265-cleared",
};

const struct heif_decoder_plugin *heif_hevc_plugin(void) {
    return &hevc_plugin;
}
