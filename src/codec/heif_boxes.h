/* What the HEIF decoder needs from the ISO base media boxes that libheif
 * 1.15 does not give through its API: an item's type and its transform
 * properties (clap, irot, imir) in their listed order. libheif 1.15
 * applies those in an order of its own and reports the size before them
 * when a file lists them before ispe, so the decoder decodes untransformed
 * and applies them itself: the crop while reading rows, the turn as an
 * EXIF orientation that the pipeline applies to the small output. */
#ifndef THUMB_HEIF_BOXES_H
#define THUMB_HEIF_BOXES_H

#include <stddef.h>
#include <stdint.h>

#define HEIF_FOURCC_BYTES 4

/* A clean aperture (clap) as stored: numerator/denominator pairs. */
typedef struct heif_clap {
    int64_t width_n, width_d, height_n, height_d;
    int64_t hoff_n, hoff_d, voff_n, voff_d;
} heif_clap;

typedef struct heif_item_props {
    char type[HEIF_FOURCC_BYTES]; /* "hvc1", "av01", "grid"...; 0s unknown */
    int orientation;              /* EXIF 1..8 from irot and imir */
    int has_clap;
    heif_clap clap;
    int clap_after_turn; /* a clap listed after an irot or imir */
} heif_item_props;

/* The primary item's id from pitm; 0 when there is none. */
uint32_t heif_boxes_primary(const uint8_t *data, size_t size);

/* The type and transform properties of the item (its ipma associations,
 * the first ipma entry that names it). 0 when the meta box or the item's
 * associations cannot be read; *props then says orientation 1, no clap. */
int heif_boxes_item(const uint8_t *data, size_t size, uint32_t item,
                    heif_item_props *props);

/* 1 when a top-level box of this type exists. */
int heif_boxes_has_top_level(const uint8_t *data, size_t size,
                             const char *type);

/* The clean aperture's window within a width x height image: left, top,
 * and its size, as libheif rounds them (window edges rounded down). 0
 * when the window is empty, not finite or outside the image. */
int heif_clap_window(const heif_clap *c, uint32_t width, uint32_t height,
                     uint32_t *left, uint32_t *top, uint32_t *crop_width,
                     uint32_t *crop_height);

#endif
