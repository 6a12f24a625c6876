/* AVIF output through libavif 0.11 and its libaom encoder: a still,
 * 8-bit AV1 image, 4:2:0 or 4:4:4 as THUMB_OPT_JPEG_SUBSAMPLING says,
 * monochrome (4:0:0) for grey, alpha as an auxiliary image.
 *
 * libavif 0.11 has no allocator hook: its planes and the encoded bytes
 * are its own memory, freed on every path; the file is then copied into
 * our output buffer. */
#include "encoder.h"

#include "../ctx.h"
#include "codec_lib.h"

#include <avif/avif.h>
#include <string.h>

/* THUMB_OPT_QUALITY is on JPEG's scale, where 80 (its default) is a
 * good photo. sharp's AVIF quality scale is libheif's, and sharp chose
 * its default 50 to look like its JPEG 80: our quality is mapped
 * piecewise-linearly onto that scale, 1..80 onto 1..50 and 80..100 onto
 * 50..100, so the defaults agree and 100 stays the best. */
#define AVIFENC_QUALITY_MIN 1
#define AVIFENC_QUALITY_MAX 100
#define AVIFENC_JPEG_DEFAULT 80
#define AVIFENC_SHARP_DEFAULT 50

/* libheif's AOM plugin (which sharp uses) turns its quality into the
 * constant-quality level cq = ((100 - q) * 63 + 50) / 100; we do the
 * same so that equal qualities give equal quantizers. */
#define AVIFENC_CQ_ROUND 50
#define AVIFENC_PERCENT 100

/* libaom's cpu-used for still images (libavif uses its all-intra
 * usage). Measured on sharp's benchmark photo at 720x588, 4:2:0, against
 * sharp 0.35 at its defaults (quality 50, effort 4, 4:4:4: 2.6 s of CPU,
 * 25.9 kB, 34.2 dB against an exact Lanczos3): 5 takes 5 s; 6 about
 * 0.4 s for 24.5 kB at 34.8 dB; 7 half that for 23.0 kB at 34.0 dB, the
 * quality lost costing more bytes than 6 spends; 8 and 9 lose more. */
#define AVIFENC_SPEED 6

/* Our quality on sharp's AVIF scale (see AVIFENC_QUALITY_MIN). */
static int avifenc_sharp_quality(int quality) {
    if (quality < AVIFENC_QUALITY_MIN)
        quality = AVIFENC_QUALITY_MIN;
    if (quality > AVIFENC_QUALITY_MAX)
        quality = AVIFENC_QUALITY_MAX;
    if (quality <= AVIFENC_JPEG_DEFAULT)
        return AVIFENC_QUALITY_MIN +
               (quality - AVIFENC_QUALITY_MIN) *
                   (AVIFENC_SHARP_DEFAULT - AVIFENC_QUALITY_MIN) /
                   (AVIFENC_JPEG_DEFAULT - AVIFENC_QUALITY_MIN);
    return AVIFENC_SHARP_DEFAULT +
           (quality - AVIFENC_JPEG_DEFAULT) *
               (AVIFENC_QUALITY_MAX - AVIFENC_SHARP_DEFAULT) /
               (AVIFENC_QUALITY_MAX - AVIFENC_JPEG_DEFAULT);
}

static int avifenc_cq_level(int quality) {
    int q = avifenc_sharp_quality(quality);
    return ((AVIFENC_PERCENT - q) * AVIF_QUANTIZER_WORST_QUALITY +
            AVIFENC_CQ_ROUND) /
           AVIFENC_PERCENT;
}

static thumb_status avifenc_fail(thumb_ctx *ctx, const avif_functions *lib,
                                 avifResult res, const char *while_doing) {
    return ctx_fail(
        ctx,
        res == AVIF_RESULT_OUT_OF_MEMORY ? THUMB_ERR_NOMEM : THUMB_ERR_ENCODE,
        "AVIF: %s while %s", lib->avifResultToString(res), while_doing);
}

/* Grey (and grey+alpha) samples are the luma (and alpha) planes as they
 * are: with full range, Y = Kr R + Kg G + Kb B is the grey value itself
 * when R = G = B. */
static thumb_status avifenc_fill_grey(thumb_ctx *ctx, const avif_functions *lib,
                                      const image *img, avifImage *av) {
    avifPlanesFlags planes = AVIF_PLANES_YUV;
    if (img->channels == 2)
        planes |= AVIF_PLANES_A;
    lib->avifImageAllocatePlanes(av, planes);
    if (!av->yuvPlanes[AVIF_CHAN_Y] || (img->channels == 2 && !av->alphaPlane))
        return ctx_fail(ctx, THUMB_ERR_NOMEM,
                        "AVIF: out of memory for the %ux%u planes", img->width,
                        img->height);
    for (uint32_t y = 0; y < img->height; y++) {
        const uint8_t *src = image_row(img, y);
        uint8_t *luma = av->yuvPlanes[AVIF_CHAN_Y] +
                        (size_t)y * av->yuvRowBytes[AVIF_CHAN_Y];
        uint8_t *alpha = av->alphaPlane
                             ? av->alphaPlane + (size_t)y * av->alphaRowBytes
                             : NULL;
        for (uint32_t x = 0; x < img->width; x++) {
            luma[x] = src[0];
            if (alpha)
                alpha[x] = src[1];
            src += img->channels;
        }
    }
    return THUMB_OK;
}

static thumb_status avifenc_fill_rgb(thumb_ctx *ctx, const avif_functions *lib,
                                     const image *img, avifImage *av) {
    avifRGBImage rgb;
    lib->avifRGBImageSetDefaults(&rgb, av);
    rgb.format =
        img->channels == 4 ? AVIF_RGB_FORMAT_RGBA : AVIF_RGB_FORMAT_RGB;
    rgb.depth = (uint32_t)img->depth;
    rgb.pixels = img->px;
    rgb.rowBytes = (uint32_t)img->stride;
    avifResult res = lib->avifImageRGBToYUV(av, &rgb);
    return res == AVIF_RESULT_OK
               ? THUMB_OK
               : avifenc_fail(ctx, lib, res, "converting to YUV");
}

thumb_status avif_encode(thumb_ctx *ctx, const image *img,
                         const encode_options *opt, buffer *out) {
    if (img->channels < 1 || img->channels > 4 || img->width == 0 ||
        img->height == 0 || img->stride > UINT32_MAX)
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "AVIF: cannot encode a %ux%u image with %d channels",
                        img->width, img->height, img->channels);
    const char *why = NULL;
    const avif_functions *lib = codec_lib_avif(&why);
    if (!lib)
        return ctx_fail(ctx, THUMB_ERR_UNSUPPORTED_FEATURE, "AVIF: %s", why);
    int grey = img->channels <= 2;
    avifPixelFormat layout = grey ? AVIF_PIXEL_FORMAT_YUV400
                             : opt->jpeg_subsampling == THUMB_SUBSAMPLING_444
                                 ? AVIF_PIXEL_FORMAT_YUV444
                                 : AVIF_PIXEL_FORMAT_YUV420;
    avifImage *av = lib->avifImageCreate(img->width, img->height, 8, layout);
    avifEncoder *enc = lib->avifEncoderCreate();
    avifRWData file = AVIF_DATA_EMPTY;
    thumb_status st = THUMB_OK;
    if (!av || !enc) {
        st = ctx_fail(ctx, THUMB_ERR_NOMEM,
                      "AVIF: out of memory creating the encoder");
        goto done;
    }
    av->yuvRange = AVIF_RANGE_FULL;
    av->matrixCoefficients = AVIF_MATRIX_COEFFICIENTS_BT601;
    if (opt->icc && opt->icc_size > 0) {
        /* The profile says what the colours are; the nclx, which a
         * reader would use instead, is left unspecified. */
        lib->avifImageSetProfileICC(av, opt->icc, opt->icc_size);
        av->colorPrimaries = AVIF_COLOR_PRIMARIES_UNSPECIFIED;
        av->transferCharacteristics = AVIF_TRANSFER_CHARACTERISTICS_UNSPECIFIED;
    } else {
        av->colorPrimaries = AVIF_COLOR_PRIMARIES_BT709;
        av->transferCharacteristics = AVIF_TRANSFER_CHARACTERISTICS_SRGB;
    }
    if (opt->exif && opt->exif_size > 0)
        lib->avifImageSetMetadataExif(av, opt->exif, opt->exif_size);

    st = grey ? avifenc_fill_grey(ctx, lib, img, av)
              : avifenc_fill_rgb(ctx, lib, img, av);
    if (st != THUMB_OK)
        goto done;

    int cq = avifenc_cq_level(opt->quality);
    enc->codecChoice = AVIF_CODEC_CHOICE_AOM;
    enc->maxThreads = 1;
    enc->speed = AVIFENC_SPEED;
    /* Constant quality, as libheif's plugin sets it: libavif's aom glue
     * takes cq-level as (min + max) / 2 when both are equal to it. */
    enc->minQuantizer = cq;
    enc->maxQuantizer = cq;
    enc->minQuantizerAlpha = cq;
    enc->maxQuantizerAlpha = cq;
    avifResult res = lib->avifEncoderWrite(enc, av, &file);
    if (res != AVIF_RESULT_OK) {
        st = avifenc_fail(ctx, lib, res, "encoding");
        goto done;
    }
    st = buffer_append(out, file.data, file.size);

done:
    lib->avifRWDataFree(&file);
    if (enc)
        lib->avifEncoderDestroy(enc);
    if (av)
        lib->avifImageDestroy(av);
    return st;
}
