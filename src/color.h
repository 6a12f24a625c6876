/* Colour management: pixels described by an embedded ICC profile turned
 * into sRGB, through lcms2. Only this module knows lcms2. */
#ifndef THUMB_COLOR_H
#define THUMB_COLOR_H

#include "thumbnail.h"

#include <stddef.h>
#include <stdint.h>

/* The colour spaces a profile can declare that the library can use. */
typedef enum color_space {
    COLOR_SPACE_OTHER = 0, /* Lab, XYZ, a device link... or no profile */
    COLOR_SPACE_RGB,
    COLOR_SPACE_GREY,
    COLOR_SPACE_CMYK
} color_space;

/* What a profile's header says it describes; COLOR_SPACE_OTHER when icc
 * is NULL or too short to be a profile. Reads the header only. */
color_space color_profile_space(const uint8_t *icc, size_t size);

/* 1 when a profile of that space describes rows of `channels` samples
 * (CMYK: 4 channels of inks, as decoder.h's cmyk rows). */
int color_space_fits(color_space space, int channels, int cmyk);

typedef struct color_transform color_transform;

/* A transform from the profile to sRGB for rows of `channels` samples of
 * `depth` bits (8, or 16 native-endian; the output keeps the depth): 1
 * grey, 2 grey+alpha, 3 RGB, 4 RGBA, or with cmyk 4 8-bit inks in the
 * Adobe convention (255 = no ink). Grey stays grey (sRGB's tone curve, D50
 * white); CMYK becomes RGB; alpha is copied. Rendering intent: relative
 * colorimetric (libvips's default), with black point compensation for
 * CMYK. On THUMB_OK, *out may be NULL: the
 * profile does not parse or does not fit the rows, and the pixels are
 * then taken as sRGB, as libvips and browsers do. */
thumb_status color_transform_new(thumb_ctx *ctx, const uint8_t *icc,
                                 size_t size, int channels, int depth, int cmyk,
                                 color_transform **out);
/* Samples per pixel of the transform's output rows. */
int color_transform_out_channels(const color_transform *t);
/* Converts `width` pixels from in to out; in == out is allowed when the
 * transform keeps the number of channels. */
void color_transform_row(color_transform *t, const uint8_t *in, uint8_t *out,
                         uint32_t width);
void color_transform_free(color_transform *t);

/* A compact sRGB profile, or with grey a grey profile with sRGB's tone
 * curve, serialised into *icc (ctx memory, the caller frees it). */
thumb_status color_srgb_profile(thumb_ctx *ctx, int grey, uint8_t **icc,
                                size_t *size);

/* An image's colour as an ITU-T H.273 (CICP, nclx) description instead of
 * an ICC profile: the primaries' and white point's chromaticities (red x,
 * y, green, blue, white) and the transfer characteristics' number. */
typedef struct color_cicp {
    double xy[8];
    int srgb_primaries; /* the primaries are BT.709's (sRGB's) */
    int transfer;
} color_cicp;

/* 1 when the pixels are sRGB as they are: BT.709 primaries and an
 * SDR tone curve (taken as sRGB's). */
int color_cicp_is_srgb(const color_cicp *cicp);

/* An RGB profile describing such pixels, serialised into *icc (ctx
 * memory, the caller frees it), to be handed on as an embedded profile
 * is. PQ and HLG curves carry a tone mapping: HDR reference white (203
 * nits) lands near sRGB white and brighter light rolls off smoothly into
 * the remaining headroom instead of clipping. */
thumb_status color_cicp_profile(thumb_ctx *ctx, const color_cicp *cicp,
                                uint8_t **icc, size_t *size);

#endif
