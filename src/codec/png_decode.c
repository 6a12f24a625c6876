/* PNG input through libpng 1.6.
 *
 * libpng's error callback (png_glue.h) longjmps back to the setjmp at the
 * top of whichever of probe/start/read_rows is running, so no jump ever
 * leaves this file. All libpng (and zlib) memory comes from the context's
 * allocator.
 *
 * Colour: the iCCP profile goes to d->icc for the pipeline to convert
 * with; gAMA, cHRM and cICP are ignored, as by libvips. */
#include "decoder.h"

#include "../ctx.h"
#include "../exif.h"
#include "png_glue.h"

#include <png.h>
#include <setjmp.h>
#include <string.h>

/* libpng's own ceiling for width and height (PNG_UINT_31_MAX). Its default
 * user limit of 1 000 000 would turn a large but valid header into a
 * decode error at probe time; the pipeline applies the caller's limits to
 * the probed size instead, with a THUMB_ERR_LIMIT that names them. */
#define PNGDEC_DIMENSION_MAX 0x7fffffffu

/* Largest ancillary chunk libpng accepts, and the most a compressed one
 * (iCCP, zTXt) may inflate to. 8 MiB holds any real ICC profile or EXIF
 * block and keeps a decompression bomb (bad/bomb/png_decompression_dos.png)
 * cheap. libpng 1.6.39 enforces it on inflation but only warns on a
 * chunk's declared length, hence the eXIf check in scan_chunks(). */
#define PNGDEC_CHUNK_MALLOC_MAX ((png_alloc_size_t)8 << 20)

/* Most ancillary chunks libpng may keep in memory (sPLT and unknown
 * chunks). A real file has a handful; thousands are an attack. */
#define PNGDEC_CHUNK_CACHE_MAX 128

/* Chunks we never use. libpng skips them outright (no inflating, no
 * allocation) instead of parsing them into the info struct, which also
 * makes zTXt bombs free. Each name is four letters and a NUL, as
 * png_set_keep_unknown_chunks() wants. */
static const png_byte pngdec_skipped_chunks[] = "tEXt\0zTXt\0iTXt\0sPLT\0hIST\0"
                                                "pCAL\0sCAL\0tIME";
#define PNGDEC_SKIPPED_CHUNK_COUNT 8
/* Skipped too when scan_chunks() finds it implausible. */
static const png_byte pngdec_exif_chunk[] = "eXIf";

/* Chunk framing: 4-byte length, 4-byte type, data, 4-byte CRC. */
#define PNGDEC_SIGNATURE_SIZE 8
#define PNGDEC_CHUNK_HEADER_SIZE 8
#define PNGDEC_CHUNK_CRC_SIZE 4
/* acTL data starts with num_frames (then num_plays). */
#define PNGDEC_ACTL_NUM_FRAMES_SIZE 4

typedef struct pngdec_state {
    thumb_ctx *ctx;
    png_structp png;
    png_infop info;
    png_glue glue; /* jump target set by every entry point */

    const uint8_t *data;
    size_t size;
    size_t offset; /* next byte libpng will read */

    int interlaced;
    size_t row_bytes;
    uint8_t *pixels; /* the whole image, interlaced files only */
    uint32_t next_row;
} pngdec_state;

static void PNGCBAPI on_read(png_structp png, png_bytep out, size_t len) {
    pngdec_state *s = png_get_io_ptr(png);
    if (len > s->size - s->offset) {
        ctx_fail(s->ctx, THUMB_ERR_CORRUPT,
                 "PNG: data ends early: %zu bytes needed at byte %zu of %zu",
                 len, s->offset, s->size);
        png_error(png, "data ends early");
    }
    memcpy(out, s->data + s->offset, len);
    s->offset += len;
}

static uint32_t read_be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

/* What the chunk headers before the first IDAT say, read in place (never
 * outside data[0..size)) before libpng sees them. */
typedef struct chunk_scan {
    /* num_frames of an acTL chunk before the first IDAT (the APNG rule; a
     * later acTL is not an animation), else 1. libpng here knows nothing
     * of APNG and decodes the default image, the frame a thumbnail shows. */
    uint32_t frames;
    /* An eXIf chunk declares more bytes than the file holds or than
     * PNGDEC_CHUNK_MALLOC_MAX. libpng 1.6.39 allocates an eXIf chunk's
     * declared length before reading it, and its chunk size limit is only
     * a warning there: a 57-byte file (libpng-crashers/huge_eXIf_chunk.png)
     * would cost a 1 GiB allocation. Such a chunk is skipped instead. */
    int bad_exif;
} chunk_scan;

static chunk_scan scan_chunks(const uint8_t *data, size_t size) {
    chunk_scan scan = {1, 0};
    int have_actl = 0;
    size_t off = PNGDEC_SIGNATURE_SIZE;
    while (size >= PNGDEC_CHUNK_HEADER_SIZE &&
           off <= size - PNGDEC_CHUNK_HEADER_SIZE) {
        uint32_t len = read_be32(data + off);
        const uint8_t *type = data + off + 4;
        if (memcmp(type, "IDAT", 4) == 0)
            break;
        size_t body = off + PNGDEC_CHUNK_HEADER_SIZE;
        int present = len <= size - body;
        if (memcmp(type, "eXIf", 4) == 0 &&
            (!present || len > PNGDEC_CHUNK_MALLOC_MAX))
            scan.bad_exif = 1;
        if (!present)
            break;
        if (memcmp(type, "acTL", 4) == 0 && !have_actl &&
            len >= PNGDEC_ACTL_NUM_FRAMES_SIZE) {
            uint32_t frames = read_be32(data + body);
            scan.frames = frames ? frames : 1;
            have_actl = 1;
        }
        if (PNGDEC_CHUNK_CRC_SIZE > size - body - len)
            break;
        off = body + len + PNGDEC_CHUNK_CRC_SIZE;
    }
    return scan;
}

static thumb_status pngdec_probe(decoder *d) {
    pngdec_state *s = ctx_calloc(d->ctx, 1, sizeof *s);
    if (!s)
        return THUMB_ERR_NOMEM;
    d->state = s;
    s->ctx = d->ctx;
    pngglue_init(&s->glue, d->ctx, THUMB_ERR_CORRUPT);
    s->data = d->data;
    s->size = d->size;
    /* libpng may report errors while creating its struct, so the jump
     * target must exist first. */
    if (setjmp(s->glue.jump))
        return s->glue.error;
    s->png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &s->glue,
                                      pngglue_error, pngglue_warning, &s->glue,
                                      pngglue_malloc, pngglue_free);
    if (!s->png)
        return ctx_fail(d->ctx, THUMB_ERR_NOMEM,
                        "PNG: cannot create the libpng read struct");
    s->info = png_create_info_struct(s->png);
    if (!s->info)
        return ctx_fail(d->ctx, THUMB_ERR_NOMEM,
                        "PNG: cannot create the libpng info struct");
    png_set_read_fn(s->png, s, on_read);
    png_set_user_limits(s->png, PNGDEC_DIMENSION_MAX, PNGDEC_DIMENSION_MAX);
    png_set_chunk_malloc_max(s->png, PNGDEC_CHUNK_MALLOC_MAX);
    png_set_chunk_cache_max(s->png, PNGDEC_CHUNK_CACHE_MAX);
    png_set_keep_unknown_chunks(s->png, PNG_HANDLE_CHUNK_NEVER,
                                pngdec_skipped_chunks,
                                PNGDEC_SKIPPED_CHUNK_COUNT);
    chunk_scan scan = scan_chunks(s->data, s->size);
    if (scan.bad_exif)
        png_set_keep_unknown_chunks(s->png, PNG_HANDLE_CHUNK_NEVER,
                                    pngdec_exif_chunk, 1);
    /* CRC errors: libpng's defaults (critical chunk: error; ancillary
     * chunk: warn and drop the chunk) suit us, and no corpus file needs
     * otherwise. */
    png_read_info(s->png, s->info);

    int color_type = png_get_color_type(s->png, s->info);
    d->info.width = png_get_image_width(s->png, s->info);
    d->info.height = png_get_image_height(s->png, s->info);
    d->info.bit_depth = png_get_bit_depth(s->png, s->info);
    d->info.grey = (color_type & PNG_COLOR_MASK_COLOR) == 0;
    d->info.has_alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0 ||
                        png_get_valid(s->png, s->info, PNG_INFO_tRNS) != 0;
    d->info.frames = scan.frames;

    png_uint_32 exif_size = 0;
    png_bytep exif = NULL;
    if (png_get_eXIf_1(s->png, s->info, &exif_size, &exif) && exif) {
        d->info.orientation = exif_orientation(exif, exif_size);
        d->exif = exif;
        d->exif_size = exif_size;
    }
    /* libpng has inflated the profile into its info struct and checked
     * its header against the colour type (a mismatch is dropped with a
     * warning). */
    png_charp icc_name = NULL;
    int icc_compression = 0;
    png_bytep icc = NULL;
    png_uint_32 icc_size = 0;
    if (png_get_iCCP(s->png, s->info, &icc_name, &icc_compression, &icc,
                     &icc_size) &&
        icc) {
        d->icc = icc;
        d->icc_size = icc_size;
    }
    return THUMB_OK;
}

static thumb_status pngdec_start(decoder *d, const decoder_request *req) {
    /* libpng cannot shrink on load. */
    pngdec_state *s = d->state;
    if (s->glue.error != THUMB_OK)
        return s->glue.error; /* libpng's state is unusable after an error */
    if (setjmp(s->glue.jump))
        return s->glue.error;

    int color_type = png_get_color_type(s->png, s->info);
    int bit_depth = png_get_bit_depth(s->png, s->info);
    if (color_type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(s->png);
    if (png_get_valid(s->png, s->info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(s->png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8)
        png_set_expand_gray_1_2_4_to_8(s->png);
    /* 16 bits when the caller takes them; else rounds v * 255 / 65535 to
     * nearest (png_set_strip_16 would truncate and darken every sample by
     * up to one level). */
    int depth = bit_depth == 16 && req->depth16 ? 16 : 8;
    if (depth == 16)
        pngglue_native_16(s->png);
    else if (bit_depth == 16)
        png_set_scale_16(s->png);
    s->interlaced =
        png_get_interlace_type(s->png, s->info) != PNG_INTERLACE_NONE;
    int passes = png_set_interlace_handling(s->png);
    png_read_update_info(s->png, s->info);

    int channels = png_get_channels(s->png, s->info);
    s->row_bytes = png_get_rowbytes(s->png, s->info);
    int ok = 1;
    size_t expected =
        size_mul(d->info.width, (size_t)channels * (size_t)(depth / 8), &ok);
    if (!ok || channels < 1 || channels > 4 ||
        png_get_bit_depth(s->png, s->info) != depth || s->row_bytes != expected)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "PNG: transformations gave %d channels of %d bits, "
                        "%zu bytes per row",
                        channels, png_get_bit_depth(s->png, s->info),
                        s->row_bytes);
    d->width = d->info.width;
    d->height = d->info.height;
    d->channels = channels;
    d->depth = depth;
    if (!s->interlaced)
        return THUMB_OK;

    /* Adam7 delivers every row several times, refined pass by pass, so the
     * whole image is decoded here. The pipeline checked width x height
     * against its pixel limit before calling start. */
    size_t total = size_mul(s->row_bytes, d->height, &ok);
    if (!ok)
        return ctx_fail(d->ctx, THUMB_ERR_LIMIT,
                        "PNG: a %ux%u interlaced image does not fit in memory",
                        d->width, d->height);
    s->pixels = ctx_malloc(d->ctx, total);
    if (!s->pixels)
        return THUMB_ERR_NOMEM;
    for (int pass = 0; pass < passes; pass++)
        for (uint32_t y = 0; y < d->height; y++) {
            /* The deadline, checked here as the pipeline cannot until all
             * passes are read. libpng's state stays consistent between
             * rows, and later calls see s->glue.error. */
            s->glue.error =
                ctx_check_deadline(d->ctx, "decoding interlaced PNG");
            if (s->glue.error != THUMB_OK)
                return s->glue.error;
            png_read_row(s->png, s->pixels + (size_t)y * s->row_bytes, NULL);
        }
    return THUMB_OK;
}

static thumb_status pngdec_read_rows(decoder *d, uint8_t *const *rows,
                                     uint32_t count) {
    pngdec_state *s = d->state;
    if (s->glue.error != THUMB_OK)
        return s->glue.error;
    if (count > d->height - s->next_row)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "PNG: %u rows asked for at row %u of %u", count,
                        s->next_row, d->height);
    if (s->interlaced) {
        for (uint32_t i = 0; i < count; i++, s->next_row++)
            memcpy(rows[i], s->pixels + (size_t)s->next_row * s->row_bytes,
                   s->row_bytes);
        return THUMB_OK;
    }
    if (setjmp(s->glue.jump))
        return s->glue.error;
    /* s->next_row lives in the heap, so its value survives the longjmp. */
    for (uint32_t i = 0; i < count; i++, s->next_row++)
        png_read_row(s->png, rows[i], NULL);
    return THUMB_OK;
}

static void pngdec_destroy(decoder *d) {
    pngdec_state *s = d->state;
    if (!s)
        return;
    if (s->png)
        png_destroy_read_struct(&s->png, s->info ? &s->info : NULL, NULL);
    ctx_free(d->ctx, s->pixels);
    ctx_free(d->ctx, s);
    d->state = NULL;
}

const decoder_ops png_decoder_ops = {
    .probe = pngdec_probe,
    .start = pngdec_start,
    .read_rows = pngdec_read_rows,
    .destroy = pngdec_destroy,
};
