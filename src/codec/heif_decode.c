/* HEIF (HEIC) and AVIF input through libheif 1.15, which reads the
 * container and hands the coded images to libde265 (HEVC) or its AV1
 * decoder plugin (dav1d or libaom). libheif is loaded at the first probe
 * (codec_lib.h), and its functions called through that table.
 *
 * The probe parses the container only (no pixel is decoded), so the
 * pipeline checks its size limits against the primary image's size
 * before start, which decodes the whole primary image (grid tiles
 * assembled, alpha from the auxiliary image attached), or the smallest
 * embedded thumbnail that is large enough, into libheif's own memory;
 * read_rows then copies rows out.
 *
 * Geometry: libheif 1.15 applies clap, irot and imir in an order of its
 * own and reports the size before them when a file lists them before
 * ispe (heif_boxes.h), and cannot mirror images of more than 8 bits. So
 * the image is decoded untransformed; the clap window is cut out while
 * reading rows, and irot/imir become the reported EXIF orientation, which
 * the pipeline applies once to the small output. An Exif orientation in
 * the file (iPhones write 6 beside irot 270) describes the same turn and
 * is not used: its tag is reset in the kept Exif block, as libvips's
 * heifload does.
 *
 * Colour: an ICC profile is handed on as the other codecs hand theirs; an
 * nclx description other than sRGB becomes a profile made by the colour
 * module (Display P3, BT.2020, PQ and HLG tone-mapped), so both reach
 * sRGB through the same lcms2 path. libheif converts YCbCr to RGB with
 * the nclx matrix coefficients and range. */
#include "decoder.h"

#include "../color.h"
#include "../ctx.h"
#include "../exif.h"
#include "codec_lib.h"
#include "heif_boxes.h"
#include "heif_plugins.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#define HEIFDEC_RGB_CHANNELS 3
#define HEIFDEC_RGBA_CHANNELS 4
/* libheif's "Exif" metadata item starts with a 4-byte big-endian offset
 * from its end to the TIFF header (ISO/IEC 23008-12, A.2.1). */
#define HEIFDEC_EXIF_OFFSET_BYTES 4
/* H.273 colour primaries 1 (BT.709) and 2 (unspecified): sRGB's. */
#define CICP_PRIMARIES_BT709 1
#define CICP_PRIMARIES_UNSPECIFIED 2
#define BITS_8 8
#define BITS_16 16
#define ALPHA_MAX_8 255u

typedef struct heifdec_state {
    const heif_functions *lib; /* libheif, loaded at first use */
    struct heif_context *heif;
    struct heif_image_handle *handle;
    struct heif_image *image; /* after start */
    /* image's planes, R G B and A: libheif's YCbCr to RGB conversion to
     * planes skips the pass that interleaves them (a grid image is always
     * assembled as planes), and read_rows interleaves only the rows used:
     * 3.77G -> 3.41G instructions for a 12 MP iPhone HEIC. */
    const uint8_t *planes[HEIFDEC_RGBA_CHANNELS];
    int strides[HEIFDEC_RGBA_CHANNELS];
    int bits; /* significant bits of each decoded sample (> 8: stored in
               * 16) */
    uint16_t *narrow_row; /* ctx memory: one wide row, on its way to 8 bits */
    int premultiplied;    /* the alpha image multiplies the colour */
    uint8_t *icc;         /* ctx memory: profile, ours or the file's */
    uint8_t *exif;        /* ctx memory: the TIFF structure */
    uint32_t primary;     /* item id */
    uint32_t left, top;   /* the clap window's corner in the decoded image */
    uint32_t next_row;
} heifdec_state;

static const char *heifdec_name(const decoder *d) {
    return d->info.format == THUMB_FORMAT_AVIF ? "AVIF" : "HEIF";
}

/* A libheif error as a thumb_status: what the library cannot do (codecs,
 * features, brands it does not know) is unsupported, a security limit is
 * a limit, and anything wrong with the bytes is corrupt. */
static thumb_status heifdec_status(struct heif_error e) {
    if (e.subcode == heif_suberror_Security_limit_exceeded)
        return THUMB_ERR_LIMIT;
    switch (e.code) {
    case heif_error_Ok:
        return THUMB_OK;
    case heif_error_Unsupported_filetype:
    case heif_error_Unsupported_feature:
    case heif_error_Plugin_loading_error:
        return THUMB_ERR_UNSUPPORTED_FEATURE;
    case heif_error_Memory_allocation_error:
        return THUMB_ERR_NOMEM;
    case heif_error_Input_does_not_exist:
    case heif_error_Usage_error:
    case heif_error_Encoder_plugin_error:
    case heif_error_Encoding_error:
        return THUMB_ERR_INTERNAL;
    default: /* invalid input, decoder plugin errors: damaged data */
        return THUMB_ERR_CORRUPT;
    }
}

/* ---- naming what libheif 1.15 cannot read ---------------------------- */

/* libheif 1.15 drops items of a type it does not know, and then says
 * "'pitm' box references a non-existing image" or "No 'meta' box": for a
 * valid file in a format it does not support, the words of a damaged
 * one. These look in the bytes for what the file is, to say so. */
typedef struct heifdec_codec_name {
    const char *type, *name;
} heifdec_codec_name;

/* Coded item types libheif 1.15 has no decoder for. */
static const heifdec_codec_name heifdec_unsupported_codecs[] = {
    {"avc1", "H.264"},        {"jpeg", "JPEG"},      {"vvc1", "H.266/VVC"},
    {"unci", "uncompressed"}, {"j2k1", "JPEG 2000"}, {"mski", "mask"},
    {"evc1", "MPEG-5 EVC"},
};

#define MAJOR_BRAND_OFFSET 8

/* THUMB_OK when nothing says the file is valid but unsupported. */
static thumb_status heifdec_unsupported(decoder *d) {
    const uint8_t *p = d->data;
    size_t n = d->size;
    const char *name = d->info.format == THUMB_FORMAT_AVIF ? "AVIF" : "HEIF";
    if (n >= MAJOR_BRAND_OFFSET + HEIF_FOURCC_BYTES &&
        memcmp(p + MAJOR_BRAND_OFFSET, "mif3", HEIF_FOURCC_BYTES) == 0)
        return ctx_fail(d->ctx, THUMB_ERR_UNSUPPORTED_FEATURE,
                        "%s: the low-overhead 'mini' container (brand mif3) "
                        "is not supported by libheif 1.15",
                        name);
    heif_item_props props;
    heif_boxes_item(p, n, heif_boxes_primary(p, n), &props);
    const char *type = props.type;
    {
        size_t count = sizeof heifdec_unsupported_codecs /
                       sizeof heifdec_unsupported_codecs[0];
        for (size_t i = 0; i < count; i++)
            if (memcmp(type, heifdec_unsupported_codecs[i].type,
                       HEIF_FOURCC_BYTES) == 0)
                return ctx_fail(d->ctx, THUMB_ERR_UNSUPPORTED_FEATURE,
                                "%s: the primary image is coded as '%.4s' "
                                "(%s), which libheif 1.15 cannot decode",
                                name, type, heifdec_unsupported_codecs[i].name);
    }
    if (n >= MAJOR_BRAND_OFFSET + HEIF_FOURCC_BYTES &&
        (memcmp(p + MAJOR_BRAND_OFFSET, "avis", HEIF_FOURCC_BYTES) == 0 ||
         memcmp(p + MAJOR_BRAND_OFFSET, "msf1", HEIF_FOURCC_BYTES) == 0) &&
        heif_boxes_has_top_level(p, n, "moov"))
        return ctx_fail(d->ctx, THUMB_ERR_UNSUPPORTED_FEATURE,
                        "%s: an image sequence (track) without a readable "
                        "still image, which libheif 1.15 cannot decode",
                        name);
    return THUMB_OK;
}

static thumb_status heifdec_fail(decoder *d, struct heif_error e,
                                 const char *while_doing) {
    if (e.code == heif_error_Invalid_input) {
        thumb_status st = heifdec_unsupported(d);
        if (st != THUMB_OK)
            return st;
    }
    thumb_status st = heifdec_status(e);
    const char *text = e.message ? e.message : "unknown libheif error";
    /* Some of libheif's messages end in a line break. */
    int len = (int)strcspn(text, "\n");
    return ctx_fail(d->ctx, st == THUMB_OK ? THUMB_ERR_INTERNAL : st,
                    "%s: %.*s while %s", heifdec_name(d), len, text,
                    while_doing);
}

/* The ICC profile, or for an nclx description that is not sRGB, one the
 * colour module builds. A profile that cannot be read is left out: the
 * pixels are then taken as sRGB, as for the other formats. */
static thumb_status heifdec_colour(decoder *d, heifdec_state *s) {
    struct heif_image_handle *h = s->handle;
    size_t size = s->lib->heif_image_handle_get_raw_color_profile_size(h);
    if (size > 0) {
        s->icc = ctx_malloc(d->ctx, size);
        if (!s->icc)
            return THUMB_ERR_NOMEM;
        struct heif_error e =
            s->lib->heif_image_handle_get_raw_color_profile(h, s->icc);
        if (e.code == heif_error_Ok) {
            d->icc = s->icc;
            d->icc_size = size;
        }
        return THUMB_OK;
    }
    struct heif_color_profile_nclx *nclx = NULL;
    struct heif_error e =
        s->lib->heif_image_handle_get_nclx_color_profile(h, &nclx);
    /* libheif 1.15 allocates the profile before it finds values it does
     * not know (primaries, matrix), and then returns it with the error. */
    if (e.code != heif_error_Ok || !nclx) {
        if (nclx)
            s->lib->heif_nclx_color_profile_free(nclx);
        return THUMB_OK;
    }
    color_cicp cicp = {
        .xy = {nclx->color_primary_red_x, nclx->color_primary_red_y,
               nclx->color_primary_green_x, nclx->color_primary_green_y,
               nclx->color_primary_blue_x, nclx->color_primary_blue_y,
               nclx->color_primary_white_x, nclx->color_primary_white_y},
        .srgb_primaries = nclx->color_primaries == CICP_PRIMARIES_BT709 ||
                          nclx->color_primaries == CICP_PRIMARIES_UNSPECIFIED,
        .transfer = (int)nclx->transfer_characteristics,
    };
    s->lib->heif_nclx_color_profile_free(nclx);
    if (color_cicp_is_srgb(&cicp))
        return THUMB_OK;
    thumb_status st = color_cicp_profile(d->ctx, &cicp, &s->icc, &size);
    if (st == THUMB_OK) {
        d->icc = s->icc;
        d->icc_size = size;
    }
    return st;
}

/* The first Exif item of the primary image, as the bare TIFF structure,
 * its orientation tag reset: libheif has turned the pixels already. */
static thumb_status heifdec_exif(decoder *d, heifdec_state *s) {
    heif_item_id id;
    if (s->lib->heif_image_handle_get_list_of_metadata_block_IDs(
            s->handle, "Exif", &id, 1) < 1)
        return THUMB_OK;
    size_t size = s->lib->heif_image_handle_get_metadata_size(s->handle, id);
    if (size <= HEIFDEC_EXIF_OFFSET_BYTES)
        return THUMB_OK;
    uint8_t *block = ctx_malloc(d->ctx, size);
    if (!block)
        return THUMB_ERR_NOMEM;
    struct heif_error e =
        s->lib->heif_image_handle_get_metadata(s->handle, id, block);
    uint32_t skip = (uint32_t)block[0] << 24 | (uint32_t)block[1] << 16 |
                    (uint32_t)block[2] << 8 | block[3];
    if (e.code != heif_error_Ok ||
        skip > size - HEIFDEC_EXIF_OFFSET_BYTES - 1) {
        ctx_free(d->ctx, block); /* damaged metadata: the pixels may be fine */
        return THUMB_OK;
    }
    s->exif = block;
    d->exif = block + HEIFDEC_EXIF_OFFSET_BYTES + skip;
    d->exif_size = size - HEIFDEC_EXIF_OFFSET_BYTES - skip;
    exif_reset_orientation((uint8_t *)d->exif, d->exif_size);
    return THUMB_OK;
}

/* The stored size (ispe, then the clap window) and the orientation from
 * irot and imir, read from the boxes: see heif_boxes.h for why. */
static thumb_status heifdec_geometry(decoder *d, heifdec_state *s) {
    int w = s->lib->heif_image_handle_get_ispe_width(s->handle);
    int h = s->lib->heif_image_handle_get_ispe_height(s->handle);
    if (w <= 0 || h <= 0)
        return ctx_fail(d->ctx, THUMB_ERR_CORRUPT, "%s: primary image is %dx%d",
                        heifdec_name(d), w, h);
    d->info.width = (uint32_t)w;
    d->info.height = (uint32_t)h;
    s->primary = heif_boxes_primary(d->data, d->size);
    heif_item_props props;
    heif_boxes_item(d->data, d->size, s->primary, &props);
    d->info.orientation = props.orientation;
    if (!props.has_clap)
        return THUMB_OK;
    if (props.clap_after_turn)
        return ctx_fail(d->ctx, THUMB_ERR_UNSUPPORTED_FEATURE,
                        "%s: a crop (clap) listed after a rotation or mirror",
                        heifdec_name(d));
    if (!heif_clap_window(&props.clap, (uint32_t)w, (uint32_t)h, &s->left,
                          &s->top, &d->info.width, &d->info.height))
        return ctx_fail(d->ctx, THUMB_ERR_CORRUPT,
                        "%s: the crop window (clap) is empty or outside the "
                        "%dx%d image",
                        heifdec_name(d), w, h);
    return THUMB_OK;
}

static thumb_status heifdec_probe(decoder *d) {
    heifdec_state *s = ctx_calloc(d->ctx, 1, sizeof *s);
    if (!s)
        return THUMB_ERR_NOMEM;
    d->state = s;
    const char *why = NULL;
    s->lib = codec_lib_heif(&why);
    if (!s->lib)
        return ctx_fail(d->ctx, THUMB_ERR_UNSUPPORTED_FORMAT, "%s: %s",
                        heifdec_name(d), why);
    if (d->size > INT_MAX) /* libheif's ranges are ints */
        return ctx_fail(d->ctx, THUMB_ERR_LIMIT, "%s: input of %zu bytes",
                        heifdec_name(d), d->size);
    s->heif = s->lib->heif_context_alloc();
    if (!s->heif)
        return THUMB_ERR_NOMEM;
    /* HEVC through our plugin, whose pictures start zeroed, and AV1
     * through libheif's own wrapped: both check the deadline before each
     * tile (heif_plugins.h). */
    const struct heif_decoder_plugin *av1 = heif_av1_plugin();
    struct heif_error e =
        s->lib->heif_register_decoder(s->heif, heif_hevc_plugin());
    if (e.code == heif_error_Ok && av1)
        e = s->lib->heif_register_decoder(s->heif, av1);
    if (e.code != heif_error_Ok)
        return heifdec_fail(d, e, "registering the decoders");
    /* Tiles one after another in this thread, as every other format
     * decodes (one thread per run; the CLI's -j and the caller's threads
     * are the parallelism), and so that the plugins can check the
     * deadline between them (heif_plugins_set_run). libheif 1.15 would
     * otherwise start a thread per tile, up to four at a time. */
    s->lib->heif_context_set_max_decoding_threads(s->heif, 0);
    /* libheif 1.15 refuses images (tiles included) wider or higher than
     * this while parsing; the caller's pixel limits are checked against
     * the primary image's size before start. */
    s->lib->heif_context_set_maximum_image_size_limit(s->heif,
                                                      THUMB_MAX_DIMENSION);
    e = s->lib->heif_context_read_from_memory_without_copy(s->heif, d->data,
                                                           d->size, NULL);
    if (e.code != heif_error_Ok)
        return heifdec_fail(d, e, "reading the container");
    e = s->lib->heif_context_get_primary_image_handle(s->heif, &s->handle);
    if (e.code != heif_error_Ok)
        return heifdec_fail(d, e, "finding the primary image");
    thumb_status st = heifdec_geometry(d, s);
    if (st != THUMB_OK)
        return st;
    d->info.has_alpha =
        s->lib->heif_image_handle_has_alpha_channel(s->handle) != 0;
    s->premultiplied =
        d->info.has_alpha &&
        s->lib->heif_image_handle_is_premultiplied_alpha(s->handle) != 0;
    int bits = s->lib->heif_image_handle_get_luma_bits_per_pixel(s->handle);
    d->info.bit_depth = bits > 0 ? bits : BITS_8;
    st = heifdec_colour(d, s);
    if (st == THUMB_OK)
        st = heifdec_exif(d, s);
    return st;
}

/* How much larger than its ispe size a coded image may be: HEVC codes
 * whole blocks of up to 64x64 (cat.hif's 1616x1080 thumbnail comes as
 * 1664x1088), and the cut to ispe follows. */
#define HEIFDEC_CODED_PADDING 128
/* Thumbnails considered: phones embed one or two. */
#define HEIFDEC_MAX_THUMBNAILS 8
/* A thumbnail is the same picture when its aspect ratio is within this
 * fraction of the primary image's (sizes are rounded to whole pixels). */
#define HEIFDEC_ASPECT_TOLERANCE 0.01

/* 1 when the thumbnail shows the primary image at w x h, as far as its
 * size and alpha can tell. */
static int heifdec_thumbnail_fits(const decoder *d, heif_item_id id,
                                  const struct heif_image_handle *t, int w,
                                  int h) {
    const heifdec_state *s = d->state;
    if (w <= 0 || h <= 0 || (uint32_t)w >= d->info.width ||
        (s->lib->heif_image_handle_has_alpha_channel(t) != 0) !=
            d->info.has_alpha)
        return 0;
    /* Turned as the primary image is, and not cropped. */
    heif_item_props props;
    heif_boxes_item(d->data, d->size, id, &props);
    if (props.has_clap || props.orientation != d->info.orientation)
        return 0;
    double aspect = (double)d->info.width / d->info.height;
    double ratio = (double)w / h / aspect;
    return ratio > 1.0 - HEIFDEC_ASPECT_TOLERANCE &&
           ratio < 1.0 + HEIFDEC_ASPECT_TOLERANCE;
}

/* Shrink-on-load, as libvips does: the smallest embedded thumbnail of at
 * least min_width x min_height, or NULL for the primary image (always
 * when THUMB_OPT_ACCURATE asks for the full size). */
static struct heif_image_handle *
heifdec_thumbnail(decoder *d, uint32_t min_width, uint32_t min_height) {
    heifdec_state *s = d->state;
    heif_item_id ids[HEIFDEC_MAX_THUMBNAILS];
    int n = s->lib->heif_image_handle_get_list_of_thumbnail_IDs(
        s->handle, ids, HEIFDEC_MAX_THUMBNAILS);
    struct heif_image_handle *best = NULL;
    for (int i = 0; i < n; i++) {
        struct heif_image_handle *t = NULL;
        if (s->lib->heif_image_handle_get_thumbnail(s->handle, ids[i], &t)
                .code != heif_error_Ok)
            continue;
        int w = s->lib->heif_image_handle_get_ispe_width(t);
        int h = s->lib->heif_image_handle_get_ispe_height(t);
        if ((uint32_t)w >= min_width && (uint32_t)h >= min_height &&
            heifdec_thumbnail_fits(d, ids[i], t, w, h) &&
            (!best || w < s->lib->heif_image_handle_get_ispe_width(best))) {
            if (best)
                s->lib->heif_image_handle_release(best);
            best = t;
        } else {
            s->lib->heif_image_handle_release(t);
        }
    }
    return best;
}

/* Decodes one item (the primary image, or a thumbnail) into s->image and
 * sets the rows' layout; `thumb` says which. */
static thumb_status heifdec_decode(decoder *d,
                                   const struct heif_image_handle *handle,
                                   int thumb, int depth16) {
    heifdec_state *s = d->state;
    int want_w = s->lib->heif_image_handle_get_ispe_width(handle);
    int want_h = s->lib->heif_image_handle_get_ispe_height(handle);
    int alpha = d->info.has_alpha;
    int wide = depth16 && d->info.bit_depth > BITS_8;
    /* The caller checked this image's ispe size against its limits, but
     * libheif 1.15 allocates what the coded stream declares: a 64x64 item
     * whose HEVC stream says 10751x65501 took 4 GB. Nothing libheif makes
     * while decoding it (tiles, alpha, the coded frame) may be larger
     * than its larger side, plus the coded padding. */
    int side = want_w > want_h ? want_w : want_h;
    s->lib->heif_context_set_maximum_image_size_limit(
        s->heif, side + HEIFDEC_CODED_PADDING);
    struct heif_decoding_options *o = s->lib->heif_decoding_options_alloc();
    struct heif_error e = {heif_error_Memory_allocation_error,
                           heif_suberror_Unspecified, "out of memory"};
    if (o) {
        o->convert_hdr_to_8bit = !wide;
        /* Crop and turn are ours (see the top of this file). */
        o->ignore_transformations = 1;
        heif_plugins_set_run(d->ctx);
        e = s->lib->heif_decode_image(handle, &s->image, heif_colorspace_RGB,
                                      heif_chroma_444, o);
        heif_plugins_set_run(NULL);
        s->lib->heif_decoding_options_free(o);
    }
    if (e.code != heif_error_Ok) {
        thumb_status late = ctx_check_deadline(d->ctx, HEIF_PLUGINS_DOING);
        if (late != THUMB_OK)
            return late;
    }
    if (e.code != heif_error_Ok &&
        e.subcode == heif_suberror_Security_limit_exceeded)
        return ctx_fail(d->ctx, THUMB_ERR_CORRUPT,
                        "%s: the coded image is larger than its declared "
                        "%dx%d (%s)",
                        heifdec_name(d), want_w, want_h, e.message);
    if (e.code != heif_error_Ok)
        return heifdec_fail(d, e, "decoding the image");
    static const enum heif_channel channels[HEIFDEC_RGBA_CHANNELS] = {
        heif_channel_R, heif_channel_G, heif_channel_B, heif_channel_Alpha};
    int w = s->lib->heif_image_get_width(s->image, heif_channel_R);
    int h = s->lib->heif_image_get_height(s->image, heif_channel_R);
    for (int c = 0; c < (alpha ? HEIFDEC_RGBA_CHANNELS : HEIFDEC_RGB_CHANNELS);
         c++) {
        s->planes[c] = s->lib->heif_image_get_plane_readonly(
            s->image, channels[c], &s->strides[c]);
        if (!s->planes[c])
            return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                            "%s: libheif gave no plane %d", heifdec_name(d), c);
        int cw = s->lib->heif_image_get_width(s->image, channels[c]);
        int ch = s->lib->heif_image_get_height(s->image, channels[c]);
        /* An alpha image transformed on its own (abc_color_irot_alpha_irot
         * .avif) is not the colour image's size untransformed. */
        if (cw != w || ch != h)
            return ctx_fail(d->ctx, THUMB_ERR_UNSUPPORTED_FEATURE,
                            "%s: an alpha image of %dx%d for a colour image "
                            "of %dx%d (transformed apart)",
                            heifdec_name(d), cw, ch, w, h);
    }
    /* Untransformed, an HEVC image comes at its coded size, which may
     * pad the ispe size to whole coding blocks: the rows are cut to it. */
    if (w < want_w || h < want_h)
        return ctx_fail(d->ctx, THUMB_ERR_CORRUPT,
                        "%s: decoded image is %dx%d, its ispe says %dx%d",
                        heifdec_name(d), w, h, want_w, want_h);
    w = want_w;
    h = want_h;
    if (thumb) {
        s->left = s->top = 0;
    } else {
        w = (int)d->info.width; /* the clap window */
        h = (int)d->info.height;
    }
    /* Planes keep their coded depth even when 8 bits were asked for
     * (libheif 1.15 narrows only interleaved output): read_rows narrows. */
    s->bits =
        s->lib->heif_image_get_bits_per_pixel_range(s->image, heif_channel_R);
    if (s->bits < BITS_8 || s->bits > BITS_16)
        return ctx_fail(d->ctx, THUMB_ERR_UNSUPPORTED_FEATURE,
                        "%s: %d bits per sample", heifdec_name(d), s->bits);
    d->width = (uint32_t)w;
    d->height = (uint32_t)h;
    d->channels = alpha ? HEIFDEC_RGBA_CHANNELS : HEIFDEC_RGB_CHANNELS;
    /* An 8-bit thumbnail of a 10-bit image stays 8-bit. */
    d->depth = wide && s->bits > BITS_8 ? BITS_16 : BITS_8;
    ctx_free(d->ctx, s->narrow_row); /* a thumbnail's, passed over */
    s->narrow_row = NULL;
    if (s->bits > BITS_8 && d->depth == BITS_8) {
        s->narrow_row =
            ctx_malloc(d->ctx, (size_t)w * d->channels * sizeof *s->narrow_row);
        if (!s->narrow_row)
            return THUMB_ERR_NOMEM;
    }
    return THUMB_OK;
}

/* Decodes a thumbnail large enough, or else the whole primary image:
 * libheif 1.15 has no other shrink-on-load and no way to decode part of
 * an image. A thumbnail that does not decode as declared (Microsoft's
 * Tomsk_with_thumbnails.avif codes its 320x180 thumbnail at 1280x720)
 * is passed over for the primary image. */
static thumb_status heifdec_start(decoder *d, const decoder_request *req) {
    heifdec_state *s = d->state;
    struct heif_image_handle *thumb =
        heifdec_thumbnail(d, req->min_width, req->min_height);
    if (thumb) {
        thumb_status st = heifdec_decode(d, thumb, 1, req->depth16);
        s->lib->heif_image_handle_release(thumb);
        if (st == THUMB_OK)
            return THUMB_OK;
        if (s->image)
            s->lib->heif_image_release(s->image);
        s->image = NULL;
        memset(s->planes, 0, sizeof s->planes);
        ctx_clear_error(d->ctx);
    }
    return heifdec_decode(d, s->handle, 0, req->depth16);
}

/* One row of each plane, from sample x0 on, interleaved into `out`. The
 * loops for three and four channels are written out so that the compiler
 * vectorises them. */
static void heifdec_interleave_8(uint8_t *restrict out,
                                 const uint8_t *const *planes, int channels,
                                 size_t x0, uint32_t width) {
    const uint8_t *restrict r = planes[0] + x0;
    const uint8_t *restrict g = planes[1] + x0;
    const uint8_t *restrict b = planes[2] + x0;
    if (channels == HEIFDEC_RGB_CHANNELS) {
        for (uint32_t x = 0; x < width; x++, out += HEIFDEC_RGB_CHANNELS) {
            out[0] = r[x];
            out[1] = g[x];
            out[2] = b[x];
        }
        return;
    }
    const uint8_t *restrict a = planes[3] + x0;
    for (uint32_t x = 0; x < width; x++, out += HEIFDEC_RGBA_CHANNELS) {
        out[0] = r[x];
        out[1] = g[x];
        out[2] = b[x];
        out[3] = a[x];
    }
}

static void heifdec_interleave_16(uint16_t *restrict out,
                                  const uint16_t *const *planes, int channels,
                                  size_t x0, uint32_t width) {
    for (int c = 0; c < channels; c++) {
        const uint16_t *p = planes[c] + x0;
        for (uint32_t x = 0; x < width; x++)
            out[(size_t)x * (size_t)channels + (size_t)c] = p[x];
    }
}

/* Samples of `bits` (> 8) bits to 8, rounded. */
static void heifdec_narrow(uint8_t *out, const uint16_t *in, size_t count,
                           int bits) {
    uint32_t max = (1u << bits) - 1;
    for (size_t i = 0; i < count; i++)
        out[i] = (uint8_t)((in[i] * ALPHA_MAX_8 + max / 2) / max);
}

/* Samples of `bits` bits to the full 16-bit range, by repeating the top
 * bits into the bottom ones (1023 becomes 65535). */
static void heifdec_widen(uint16_t *row, size_t count, int bits) {
    if (bits == BITS_16)
        return;
    int up = BITS_16 - bits, down = bits - up;
    for (size_t i = 0; i < count; i++)
        row[i] = (uint16_t)(row[i] << up | row[i] >> down);
}

/* Colour divided by alpha, for an image whose alpha was premultiplied. */
static void heifdec_unpremultiply_8(uint8_t *px, uint32_t width) {
    for (uint32_t x = 0; x < width; x++, px += HEIFDEC_RGBA_CHANNELS) {
        unsigned a = px[3];
        for (int c = 0; c < 3; c++) {
            unsigned v = a ? (px[c] * ALPHA_MAX_8 + a / 2) / a : 0;
            px[c] = (uint8_t)(v > ALPHA_MAX_8 ? ALPHA_MAX_8 : v);
        }
    }
}

static void heifdec_unpremultiply_16(uint16_t *px, uint32_t width) {
    for (uint32_t x = 0; x < width; x++, px += HEIFDEC_RGBA_CHANNELS) {
        uint32_t a = px[3];
        for (int c = 0; c < 3; c++) {
            uint32_t v = a ? (px[c] * (uint32_t)UINT16_MAX + a / 2) / a : 0;
            px[c] = (uint16_t)(v > UINT16_MAX ? UINT16_MAX : v);
        }
    }
}

static thumb_status heifdec_read_rows(decoder *d, uint8_t *const *rows,
                                      uint32_t count) {
    heifdec_state *s = d->state;
    if (count > d->height - s->next_row)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "%s: rows read past the end of the image",
                        heifdec_name(d));
    size_t samples = (size_t)d->width * (size_t)d->channels;
    for (uint32_t i = 0; i < count; i++, s->next_row++) {
        size_t y = (size_t)s->next_row + s->top;
        /* R, G and B always (heifdec_decode asked for them), A too. */
        int planes = d->channels == HEIFDEC_RGBA_CHANNELS
                         ? HEIFDEC_RGBA_CHANNELS
                         : HEIFDEC_RGB_CHANNELS;
        const uint8_t *at[HEIFDEC_RGBA_CHANNELS] = {0};
        for (int c = 0; c < planes; c++)
            at[c] = s->planes[c] + y * (size_t)s->strides[c];
        if (s->bits > BITS_8) {
            const uint16_t *at16[HEIFDEC_RGBA_CHANNELS] = {0};
            for (int c = 0; c < planes; c++)
                at16[c] = (const uint16_t *)(const void *)at[c];
            uint16_t *wide = d->depth == BITS_16 ? (uint16_t *)(void *)rows[i]
                                                 : s->narrow_row;
            heifdec_interleave_16(wide, at16, planes, s->left, d->width);
            if (d->depth == BITS_16)
                heifdec_widen(wide, samples, s->bits);
            else
                heifdec_narrow(rows[i], wide, samples, s->bits);
        } else {
            heifdec_interleave_8(rows[i], at, planes, s->left, d->width);
        }
        if (s->premultiplied && d->depth == BITS_16)
            heifdec_unpremultiply_16((uint16_t *)(void *)rows[i], d->width);
        else if (s->premultiplied)
            heifdec_unpremultiply_8(rows[i], d->width);
    }
    return THUMB_OK;
}

/* 1 when libheif can be loaded. */
static int heifdec_available(void) {
    return codec_lib_heif(NULL) != NULL;
}

static void heifdec_destroy(decoder *d) {
    heifdec_state *s = d->state;
    if (!s)
        return;
    if (s->image)
        s->lib->heif_image_release(s->image);
    if (s->handle)
        s->lib->heif_image_handle_release(s->handle);
    if (s->heif)
        s->lib->heif_context_free(s->heif);
    ctx_free(d->ctx, s->narrow_row);
    ctx_free(d->ctx, s->icc);
    ctx_free(d->ctx, s->exif);
    ctx_free(d->ctx, s);
    d->state = NULL;
}

const decoder_ops heif_decoder_ops = {
    .probe = heifdec_probe,
    .start = heifdec_start,
    .read_rows = heifdec_read_rows,
    .destroy = heifdec_destroy,
    .available = heifdec_available,
};
