/* JPEG output through libjpeg. The compressed bytes go straight into the
 * caller's buffer (not jpeg_mem_dest, whose memory would bypass the
 * context's allocator). libjpeg errors longjmp back to the jpeg_rows_
 * function that called libjpeg (see struct jpeg_rows). */
#include "encoder.h"

#include "../ctx.h"

#include <limits.h>
#include <setjmp.h>
#include <stdio.h> /* jpeglib.h needs FILE and size_t */
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

/* How much room to ask the buffer for each time libjpeg fills it: libjpeg
 * writes in bursts of about 4 KiB, and the buffer doubles its capacity
 * anyway, so this only bounds the number of small reallocations. */
#define JPEG_OUTPUT_CHUNK 16384

/* Chroma subsampling 4:2:0 halves chroma both ways: luma is sampled 2x2
 * times as often. 4:4:4 samples all components alike. */
#define LUMA_SAMPLING_420 2
#define LUMA_SAMPLING_444 1

/* EXIF goes in one APP1 segment: "Exif\0\0", then the TIFF structure, in
 * at most the 65533 bytes a marker segment holds. A larger block (rare:
 * a huge maker note) is not written. */
#define JPEG_APP1 (JPEG_APP0 + 1)
#define JPEG_MAX_SEGMENT_DATA 65533
static const uint8_t EXIF_HEADER[] = {'E', 'x', 'i', 'f', 0, 0};

typedef struct jpeg_encoder {
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr err;
    struct jpeg_destination_mgr dest;
    jmp_buf jump;
    thumb_ctx *ctx;
    thumb_status status; /* the failure that longjmp'd */
    buffer *out;
    size_t granted; /* bytes handed to libjpeg at out->data + out->size */
} jpeg_encoder;

static jpeg_encoder *encoder_of(j_common_ptr cinfo) {
    return (jpeg_encoder *)cinfo->client_data;
}

static void on_error_exit(j_common_ptr cinfo) {
    jpeg_encoder *e = encoder_of(cinfo);
    char text[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, text);
    e->status = cinfo->err->msg_code == JERR_OUT_OF_MEMORY ? THUMB_ERR_NOMEM
                                                           : THUMB_ERR_ENCODE;
    ctx_fail(e->ctx, e->status, "JPEG: %s", text);
    longjmp(e->jump, 1);
}

/* Warnings and traces are dropped: the compressor warns only about
 * application misuse (JWRN_TOO_MUCH_DATA), which the row loop excludes. */
static void on_emit_message(j_common_ptr cinfo, int msg_level) {
    (void)cinfo;
    (void)msg_level;
}

static void on_output_message(j_common_ptr cinfo) {
    (void)cinfo;
}

/* ---- destination: append to the buffer -------------------------------- */

/* Hands libjpeg the buffer's free space after its content, or fails. */
static void grant_space(j_compress_ptr cinfo) {
    jpeg_encoder *e = encoder_of((j_common_ptr)cinfo);
    if (buffer_reserve(e->out, JPEG_OUTPUT_CHUNK) != THUMB_OK) {
        /* buffer_reserve has recorded the cause on the context. */
        e->status = THUMB_ERR_NOMEM;
        longjmp(e->jump, 1);
    }
    e->granted = e->out->capacity - e->out->size;
    cinfo->dest->next_output_byte = e->out->data + e->out->size;
    cinfo->dest->free_in_buffer = e->granted;
}

static void dest_init(j_compress_ptr cinfo) {
    grant_space(cinfo);
}

/* Called when the whole granted space is full. */
static boolean dest_empty(j_compress_ptr cinfo) {
    jpeg_encoder *e = encoder_of((j_common_ptr)cinfo);
    e->out->size += e->granted;
    e->granted = 0;
    grant_space(cinfo);
    return TRUE;
}

static void dest_term(j_compress_ptr cinfo) {
    jpeg_encoder *e = encoder_of((j_common_ptr)cinfo);
    e->out->size += e->granted - cinfo->dest->free_in_buffer;
    e->granted = 0;
}

/* ---- encoding --------------------------------------------------------- */

/* EXIF (APP1) and ICC (APP2, split as the ICC specification says, by
 * libjpeg-turbo) after the JFIF header. */
static void write_metadata(j_compress_ptr cinfo, const encode_options *opt) {
    if (opt->exif && opt->exif_size > 0 &&
        opt->exif_size <= JPEG_MAX_SEGMENT_DATA - sizeof EXIF_HEADER) {
        jpeg_write_m_header(
            cinfo, JPEG_APP1,
            (unsigned int)(sizeof EXIF_HEADER + opt->exif_size));
        for (size_t i = 0; i < sizeof EXIF_HEADER; i++)
            jpeg_write_m_byte(cinfo, EXIF_HEADER[i]);
        for (size_t i = 0; i < opt->exif_size; i++)
            jpeg_write_m_byte(cinfo, opt->exif[i]);
    }
    if (opt->icc && opt->icc_size > 0 && opt->icc_size <= UINT_MAX)
        jpeg_write_icc_profile(cinfo, opt->icc, (unsigned int)opt->icc_size);
}

/* Sets up the compressor for an image of shape img and writes the
 * headers. */
static void encode_begin(jpeg_encoder *e, const image *img,
                         const encode_options *opt) {
    j_compress_ptr cinfo = &e->cinfo;
    jpeg_create_compress(cinfo);
    cinfo->dest = &e->dest;

    cinfo->image_width = img->width;
    cinfo->image_height = img->height;
    cinfo->input_components = img->channels;
    cinfo->in_color_space = img->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    /* Picks the JPEG colour space from in_color_space: YCbCr for RGB,
     * one component for grey. */
    jpeg_set_defaults(cinfo);
    jpeg_set_quality(cinfo, opt->quality, TRUE);
    /* libjpeg-turbo gathers the statistics in a scalar pass that costs
     * more than the rest of the encode (THUMB_OPT_JPEG_OPTIMIZE_CODING). */
    cinfo->optimize_coding = opt->jpeg_optimize ? TRUE : FALSE;
    cinfo->dct_method = JDCT_ISLOW;
    if (img->channels == 3) {
        int luma = opt->jpeg_subsampling == THUMB_SUBSAMPLING_444
                       ? LUMA_SAMPLING_444
                       : LUMA_SAMPLING_420;
        cinfo->comp_info[0].h_samp_factor = luma;
        cinfo->comp_info[0].v_samp_factor = luma;
        for (int c = 1; c < 3; c++) {
            cinfo->comp_info[c].h_samp_factor = 1;
            cinfo->comp_info[c].v_samp_factor = 1;
        }
    }
    /* After the colour space is final: the scan script depends on it. */
    if (opt->jpeg_progressive)
        jpeg_simple_progression(cinfo);

    jpeg_start_compress(cinfo, TRUE);
    write_metadata(cinfo, opt);
}

/* The encoder of one image, row by row. libjpeg errors longjmp back into
 * the function that called it, each of which sets the jump first and has
 * no locals that change. */
struct jpeg_rows {
    jpeg_encoder e;
    size_t start_size; /* of the buffer, to take a failed file back */
    int finished;
};

static thumb_status begin_guarded(jpeg_rows *r, const image *img,
                                  const encode_options *opt) {
    if (setjmp(r->e.jump))
        return r->e.status;
    encode_begin(&r->e, img, opt);
    return THUMB_OK;
}

thumb_status jpeg_rows_new(thumb_ctx *ctx, const image *shape,
                           const encode_options *opt, buffer *out,
                           jpeg_rows **enc) {
    *enc = NULL;
    if (shape->channels != 1 && shape->channels != 3)
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "JPEG: cannot encode %d channels (1 or 3 expected)",
                        shape->channels);
    jpeg_rows *r = ctx_calloc(ctx, 1, sizeof *r);
    if (!r)
        return THUMB_ERR_NOMEM;
    jpeg_encoder *e = &r->e;
    e->ctx = ctx;
    e->out = out;
    e->cinfo.err = jpeg_std_error(&e->err);
    e->err.error_exit = on_error_exit;
    e->err.emit_message = on_emit_message;
    e->err.output_message = on_output_message;
    e->cinfo.client_data = e;
    e->dest.init_destination = dest_init;
    e->dest.empty_output_buffer = dest_empty;
    e->dest.term_destination = dest_term;
    r->start_size = out->size;
    thumb_status st = begin_guarded(r, shape, opt);
    if (st != THUMB_OK) {
        jpeg_rows_free(r);
        return st;
    }
    *enc = r;
    return THUMB_OK;
}

thumb_status jpeg_rows_add(jpeg_rows *r, const uint8_t *row) {
    if (setjmp(r->e.jump))
        return r->e.status;
    JSAMPROW rows[1] = {(JSAMPROW)row}; /* libjpeg only reads it */
    jpeg_write_scanlines(&r->e.cinfo, rows, 1);
    return THUMB_OK;
}

thumb_status jpeg_rows_finish(jpeg_rows *r) {
    if (setjmp(r->e.jump))
        return r->e.status;
    jpeg_finish_compress(&r->e.cinfo);
    r->finished = 1;
    return THUMB_OK;
}

void jpeg_rows_free(jpeg_rows *r) {
    if (!r)
        return;
    /* Frees everything libjpeg holds, also after a failed create. */
    jpeg_destroy_compress(&r->e.cinfo);
    if (!r->finished)
        r->e.out->size = r->start_size; /* no partial file behind */
    ctx_free(r->e.ctx, r);
}
