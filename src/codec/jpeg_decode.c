/* JPEG input through libjpeg's scanline API: rows stream out one call at a
 * time and the IDCT scales by 1/2, 1/4 or 1/8 on load. On request a YCbCr
 * file gives its planes instead (libjpeg's raw data output), a group of
 * rows per call.
 *
 * libjpeg reports errors by calling error_exit, which must not return. Ours
 * records the failure on the context and longjmps back into the decoder
 * function that called libjpeg; each of probe, start and read_rows sets its
 * own jump point in a small guard function, so a longjmp never crosses a
 * function of ours that has live state of its own. */
#include "decoder.h"

#include "../ctx.h"
#include "../exif.h"

#include <setjmp.h>
#include <stdio.h> /* jpeglib.h needs FILE and size_t */
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

/* The scan limit libjpeg-turbo's TurboJPEG API applies on request
 * (TJFLAG_LIMITSCANS in 2.1; a TJPARAM_SCANLIMIT value in 3.x) through a
 * progress monitor, as here. Each scan walks every block of its
 * components even when it carries almost no data, so a small file of
 * thousands of scans could take unbounded time. jpeg_simple_progression
 * writes 10 scans; real encoders stay far below the limit. */
#define JPEG_MAX_SCANS 500

/* Marker segments are at most 65533 bytes of payload; keep any APP1 whole
 * so that the EXIF block is not cut. */
#define JPEG_MAX_MARKER_LENGTH 0xFFFF
#define JPEG_APP1 (JPEG_APP0 + 1)
static const uint8_t EXIF_HEADER[] = {'E', 'x', 'i', 'f', 0, 0};

/* An ICC profile is split over APP2 segments, each starting with this
 * signature, then its 1-based sequence number and the segment count (ICC
 * specification, annex B.4). */
#define JPEG_APP2 (JPEG_APP0 + 2)
static const uint8_t ICC_HEADER[] = {'I', 'C', 'C', '_', 'P', 'R',
                                     'O', 'F', 'I', 'L', 'E', 0};
#define ICC_OVERHEAD (sizeof ICC_HEADER + 2)
/* The sequence number is one byte. */
#define ICC_MAX_SEGMENTS 255

/* The scale factors libjpeg 6b's API offers: 1/8, 1/4, 1/2, 1/1. */
static const unsigned SCALE_DENOMS[] = {8, 4, 2, 1};

/* CMYK output has four samples per pixel. */
#define CMYK_CHANNELS 4

typedef struct jpeg_decoder_state {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr err;
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    thumb_ctx *ctx;
    thumb_status status; /* the failure that longjmp'd */
    int failed;          /* libjpeg's state is unusable after a longjmp */
    int started;
    int cmyk;          /* rows come as CMYK and are converted to RGB */
    int cmyk_inverted; /* Adobe files store 255 - ink */
    uint8_t *scratch;  /* one CMYK row */
    uint8_t *icc;      /* a split ICC profile, reassembled */
} jpeg_decoder_state;

static jpeg_decoder_state *state_of(j_common_ptr cinfo) {
    return (jpeg_decoder_state *)cinfo->client_data;
}

/* Records the failure and jumps back to the guard that called libjpeg. */
static void fail_jump(jpeg_decoder_state *s, thumb_status status,
                      const char *text) {
    ctx_fail(s->ctx, status, "JPEG: %s", text);
    s->status = status;
    s->failed = 1;
    longjmp(s->jump, 1);
}

static thumb_status status_for_error(int code) {
    switch (code) {
    /* Valid JPEG that this libjpeg (2.1.x) cannot decode: 12-bit samples,
     * and the lossless and hierarchical processes (SOF3, SOF5...). */
    case JERR_BAD_PRECISION:
    case JERR_SOF_UNSUPPORTED:
    case JERR_ARITH_NOTIMPL:
        return THUMB_ERR_UNSUPPORTED_FEATURE;
    case JERR_OUT_OF_MEMORY:
        return THUMB_ERR_NOMEM;
    default:
        return THUMB_ERR_CORRUPT;
    }
}

static void on_error_exit(j_common_ptr cinfo) {
    char text[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, text);
    fail_jump(state_of(cinfo), status_for_error(cinfo->err->msg_code), text);
}

/* 1 for a warning that still leaves a correct image behind. The others
 * mean that pixels would be made up, and a thumbnail of a grey-filled or
 * smeared half image is worse than an error. */
static int warning_is_harmless(int code) {
    switch (code) {
    /* Junk between marker segments (or before a marker in the entropy
     * data) that libjpeg skips; the segments themselves are intact.
     * Common in files from odd writers; libvips tolerates it too. */
    case JWRN_EXTRANEOUS_DATA:
    /* Ancillary metadata: an unknown JFIF version, an unknown Adobe
     * transform code (libjpeg then guesses the colour space from the
     * component IDs, as every decoder does), a bad ICC segment. */
    case JWRN_JFIF_MAJOR:
    case JWRN_ADOBE_XFORM:
    case JWRN_BOGUS_ICC:
    /* Ss/Se/Ah/Al of a sequential scan are meaningless and libjpeg
     * decodes the scan correctly without them. */
    case JWRN_NOT_SEQUENTIAL:
        return 1;
    /* Fatal, as they mean missing or corrupt entropy-coded data:
     * JWRN_JPEG_EOF (the file ends early; libjpeg would fill the rest
     * grey), JWRN_HIT_MARKER (a scan ends before its data), JWRN_HUFF_
     * BAD_CODE and JWRN_ARITH_BAD_CODE (undecodable symbols),
     * JWRN_MUST_RESYNC (restart markers out of sequence: data lost),
     * JWRN_BOGUS_PROGRESSION (scans refine coefficients never sent).
     * JWRN_TOO_MUCH_DATA cannot happen (read_rows never reads past the
     * last row). Any warning newer libjpegs add is fatal until judged. */
    default:
        return 0;
    }
}

static void on_emit_message(j_common_ptr cinfo, int msg_level) {
    /* Levels 0 and above are trace messages, which we never print. */
    if (msg_level >= 0)
        return;
    cinfo->err->num_warnings++;
    if (warning_is_harmless(cinfo->err->msg_code))
        return;
    char text[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, text);
    fail_jump(state_of(cinfo), THUMB_ERR_CORRUPT, text);
}

/* The library never prints. */
static void on_output_message(j_common_ptr cinfo) {
    (void)cinfo;
}

/* Called by libjpeg per iMCU row of every scan it reads in
 * jpeg_start_decompress (where a progressive file is decoded whole) and
 * per jpeg_read_scanlines call: the place to stop a run that is past its
 * deadline, whose message ctx_check_deadline has already written. */
static void on_progress(j_common_ptr cinfo) {
    if (!cinfo->is_decompressor)
        return;
    jpeg_decoder_state *s = state_of(cinfo);
    if (ctx_check_deadline(s->ctx, "decoding JPEG") != THUMB_OK)
        fail_jump(s, THUMB_ERR_TIMEOUT, "deadline passed");
    j_decompress_ptr dinfo = (j_decompress_ptr)cinfo;
    if (dinfo->input_scan_number > JPEG_MAX_SCANS) {
        char text[JMSG_LENGTH_MAX];
        snprintf(text, sizeof text, "more than %d scans", JPEG_MAX_SCANS);
        fail_jump(state_of(cinfo), THUMB_ERR_CORRUPT, text);
    }
}

/* The orientation from the first APP1 segment holding EXIF, or 1. */
static int saved_orientation(j_decompress_ptr cinfo) {
    for (jpeg_saved_marker_ptr m = cinfo->marker_list; m; m = m->next) {
        if (m->marker != JPEG_APP1 || m->data_length < sizeof EXIF_HEADER ||
            memcmp(m->data, EXIF_HEADER, sizeof EXIF_HEADER) != 0)
            continue;
        return exif_orientation(m->data, m->data_length);
    }
    return 1;
}

/* The first APP1 EXIF block, without its "Exif\0\0", in d->exif. */
static void find_exif(decoder *d, j_decompress_ptr cinfo) {
    for (jpeg_saved_marker_ptr m = cinfo->marker_list; m; m = m->next) {
        if (m->marker != JPEG_APP1 || m->data_length < sizeof EXIF_HEADER ||
            memcmp(m->data, EXIF_HEADER, sizeof EXIF_HEADER) != 0)
            continue;
        d->exif = m->data + sizeof EXIF_HEADER;
        d->exif_size = m->data_length - sizeof EXIF_HEADER;
        return;
    }
}

/* 1 when m is an ICC segment; *seq and *count from its header. */
static int icc_segment(jpeg_saved_marker_ptr m, unsigned *seq,
                       unsigned *count) {
    if (m->marker != JPEG_APP2 || m->data_length < ICC_OVERHEAD ||
        memcmp(m->data, ICC_HEADER, sizeof ICC_HEADER) != 0)
        return 0;
    *seq = m->data[sizeof ICC_HEADER];
    *count = m->data[sizeof ICC_HEADER + 1];
    return 1;
}

/* The ICC profile in d->icc, checked as libjpeg-turbo's
 * jpeg_read_icc_profile() checks it (one count for all, every sequence
 * number once). A profile in one segment is used in place; a split one is
 * reassembled in s->icc, in ctx memory. A damaged set is ignored, as
 * libvips and Pillow do: the pixels are still good, shown as sRGB. */
static thumb_status find_icc(decoder *d, jpeg_decoder_state *s,
                             j_decompress_ptr cinfo) {
    size_t sizes[ICC_MAX_SEGMENTS + 1] = {0};
    const uint8_t *parts[ICC_MAX_SEGMENTS + 1] = {0};
    unsigned total_count = 0;
    size_t total = 0;
    for (jpeg_saved_marker_ptr m = cinfo->marker_list; m; m = m->next) {
        unsigned seq, count;
        if (!icc_segment(m, &seq, &count))
            continue;
        if (count == 0 || (total_count && count != total_count) || seq == 0 ||
            seq > count || parts[seq])
            return THUMB_OK;
        total_count = count;
        parts[seq] = m->data + ICC_OVERHEAD;
        sizes[seq] = m->data_length - ICC_OVERHEAD;
        total += sizes[seq];
    }
    if (total_count == 0 || total == 0)
        return THUMB_OK;
    for (unsigned i = 1; i <= total_count; i++)
        if (!parts[i])
            return THUMB_OK;
    if (total_count == 1) {
        d->icc = parts[1];
        d->icc_size = total;
        return THUMB_OK;
    }
    s->icc = ctx_malloc(d->ctx, total);
    if (!s->icc)
        return THUMB_ERR_NOMEM;
    size_t at = 0;
    for (unsigned i = 1; i <= total_count; i++) {
        memcpy(s->icc + at, parts[i], sizes[i]);
        at += sizes[i];
    }
    d->icc = s->icc;
    d->icc_size = total;
    return THUMB_OK;
}

/* ---- probe ------------------------------------------------------------ */

static thumb_status probe_body(decoder *d, jpeg_decoder_state *s) {
    j_decompress_ptr cinfo = &s->cinfo;
    jpeg_create_decompress(cinfo);
    /* Set after creation, which clears every field but err and
     * client_data. */
    s->progress.progress_monitor = on_progress;
    cinfo->progress = &s->progress;
    jpeg_mem_src(cinfo, d->data, (unsigned long)d->size);
    jpeg_save_markers(cinfo, JPEG_APP1, JPEG_MAX_MARKER_LENGTH);
    jpeg_save_markers(cinfo, JPEG_APP2, JPEG_MAX_MARKER_LENGTH);
    jpeg_read_header(cinfo, TRUE);

    d->info.format = THUMB_FORMAT_JPEG;
    d->info.width = cinfo->image_width;
    d->info.height = cinfo->image_height;
    d->info.bit_depth = cinfo->data_precision;
    d->info.frames = 1;
    d->info.has_alpha = 0;
    d->info.grey = cinfo->jpeg_color_space == JCS_GRAYSCALE;
    d->info.cmyk = cinfo->jpeg_color_space == JCS_CMYK ||
                   cinfo->jpeg_color_space == JCS_YCCK;
    d->info.orientation = saved_orientation(cinfo);
    find_exif(d, cinfo);
    return find_icc(d, s, cinfo);
}

static thumb_status probe_guarded(decoder *d, jpeg_decoder_state *s) {
    if (setjmp(s->jump))
        return s->status;
    return probe_body(d, s);
}

static void jpeg_destroy_state(decoder *d);

static thumb_status jpeg_probe(decoder *d) {
    if ((unsigned long)d->size != d->size)
        return ctx_fail(d->ctx, THUMB_ERR_LIMIT,
                        "JPEG: input of %zu bytes is too large for libjpeg",
                        d->size);
    jpeg_decoder_state *s = ctx_calloc(d->ctx, 1, sizeof *s);
    if (!s)
        return THUMB_ERR_NOMEM;
    s->ctx = d->ctx;
    s->cinfo.err = jpeg_std_error(&s->err);
    s->err.error_exit = on_error_exit;
    s->err.emit_message = on_emit_message;
    s->err.output_message = on_output_message;
    s->cinfo.client_data = s;
    d->state = s;

    thumb_status st = probe_guarded(d, s);
    if (st != THUMB_OK)
        jpeg_destroy_state(d);
    return st;
}

/* ---- start ------------------------------------------------------------ */

/* The IDCT size libjpeg chose for a component (it scales chroma up by
 * IDCT rather than upsample it when the factors allow). */
static int scaled_block(const jpeg_component_info *c) {
#if JPEG_LIB_VERSION >= 70
    return c->DCT_h_scaled_size;
#else
    return c->DCT_scaled_size;
#endif
}

/* Fills planes[] from libjpeg's plan for raw output, after
 * jpeg_calc_output_dimensions(); 0 when the layout is not Y at the full
 * sampling with Cb and Cr alike (every real YCbCr file is), or when the
 * chroma planes come out as large as the luma: 4:4:4, or a shrink on
 * load, where libjpeg scales subsampled chroma up in the IDCT. Planes
 * then save only the colour conversion of a small image, and RGB rows
 * clip each pixel into gamut, which the planes do only after the
 * resize. */
static int plan_planes(j_decompress_ptr cinfo, decoder_plane *planes,
                       int same_size) {
    const jpeg_component_info *c = cinfo->comp_info;
    if (cinfo->num_components != DECODER_PLANES ||
        c[0].h_samp_factor != cinfo->max_h_samp_factor ||
        c[0].v_samp_factor != cinfo->max_v_samp_factor ||
        c[1].h_samp_factor != c[2].h_samp_factor ||
        c[1].v_samp_factor != c[2].v_samp_factor ||
        scaled_block(&c[1]) != scaled_block(&c[2]))
        return 0;
    if (!same_size && c[1].downsampled_width == c[0].downsampled_width &&
        c[1].downsampled_height == c[0].downsampled_height)
        return 0;
    for (int p = 0; p < DECODER_PLANES; p++) {
        int block = scaled_block(&c[p]);
        /* downsampled_width is this, rounded up. */
        planes[p] = (decoder_plane){
            .width = c[p].downsampled_width,
            .height = c[p].downsampled_height,
            .extent_width = (double)cinfo->image_width * c[p].h_samp_factor *
                            block / (cinfo->max_h_samp_factor * DCTSIZE),
            .extent_height = (double)cinfo->image_height * c[p].v_samp_factor *
                             block / (cinfo->max_v_samp_factor * DCTSIZE),
            .group_rows = (uint32_t)(c[p].v_samp_factor * block),
            .row_bytes = (size_t)c[p].width_in_blocks * (size_t)block,
        };
    }
    return 1;
}

/* The largest shrink whose result still covers the minimum; the last
 * factor (1/1) is taken even when the image is smaller. */
static void choose_scale(j_decompress_ptr cinfo, const decoder_request *req) {
    size_t n = sizeof SCALE_DENOMS / sizeof SCALE_DENOMS[0];
    for (size_t i = 0; i < n; i++) {
        cinfo->scale_num = 1;
        cinfo->scale_denom = SCALE_DENOMS[i];
        jpeg_calc_output_dimensions(cinfo);
        if (cinfo->output_width >= req->min_width &&
            cinfo->output_height >= req->min_height)
            break;
    }
}

static thumb_status start_body(decoder *d, jpeg_decoder_state *s,
                               const decoder_request *req) {
    j_decompress_ptr cinfo = &s->cinfo;
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
        cinfo->out_color_space = JCS_GRAYSCALE;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        cinfo->out_color_space = JCS_RGB;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        /* libjpeg turns YCCK into CMYK but has no CMYK->RGB. */
        cinfo->out_color_space = JCS_CMYK;
        s->cmyk = 1;
        /* Photoshop writes inverted CMYK and marks its files with APP14. */
        s->cmyk_inverted = cinfo->saw_Adobe_marker != 0;
        break;
    default:
        return ctx_fail(d->ctx, THUMB_ERR_UNSUPPORTED_FEATURE,
                        "JPEG: unknown colour space with %d components",
                        cinfo->num_components);
    }
    /* Accurate IDCT and smooth chroma upsampling (the defaults, kept on
     * purpose): a thumbnail shows chroma edges that fast modes smear. */
    cinfo->dct_method = JDCT_ISLOW;
    cinfo->do_fancy_upsampling = TRUE;

    choose_scale(cinfo, req);

    if (s->cmyk && !req->cmyk) {
        int ok = 1;
        size_t row = size_mul(cinfo->output_width, CMYK_CHANNELS, &ok);
        if (!ok)
            return ctx_fail(d->ctx, THUMB_ERR_LIMIT,
                            "JPEG: CMYK row of %u pixels overflows",
                            cinfo->output_width);
        s->scratch = ctx_malloc(d->ctx, row);
        if (!s->scratch)
            return THUMB_ERR_NOMEM;
    }

    if (req->planes && cinfo->jpeg_color_space == JCS_YCbCr)
        d->planar = plan_planes(cinfo, d->planes, 0);
    cinfo->raw_data_out = d->planar ? TRUE : FALSE;

    /* Progressive and multi-scan files are read whole here. */
    jpeg_start_decompress(cinfo);
    s->started = 1;
    d->width = cinfo->output_width;
    d->height = cinfo->output_height;
    d->extent_width =
        (double)cinfo->image_width * cinfo->scale_num / cinfo->scale_denom;
    d->extent_height =
        (double)cinfo->image_height * cinfo->scale_num / cinfo->scale_denom;
    d->cmyk = s->cmyk && req->cmyk;
    d->channels = s->cmyk && !d->cmyk ? 3 : cinfo->output_components;
    return THUMB_OK;
}

static thumb_status start_guarded(decoder *d, jpeg_decoder_state *s,
                                  const decoder_request *req) {
    if (setjmp(s->jump))
        return s->status;
    return start_body(d, s, req);
}

/* A failed call leaves libjpeg mid-way; only destroy may follow. */
static thumb_status check_usable(decoder *d, jpeg_decoder_state *s) {
    if (!s || s->failed)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "JPEG: decoder used after a failure");
    return THUMB_OK;
}

/* decoder_ops.predict_planes: the scale start would choose, and the
 * planes libjpeg would give at it (its chroma scaling depends on the
 * scale and the sampling factors: a 4:2:0 image's chroma is as wide at
 * 1/2 as at 1/1), even where start would give rows because the chroma
 * comes at the luma's size. */
static int predict_body(jpeg_decoder_state *s, const decoder_request *req,
                        decoder_plane *planes) {
    j_decompress_ptr cinfo = &s->cinfo;
    if (cinfo->jpeg_color_space != JCS_YCbCr)
        return 0;
    cinfo->out_color_space = JCS_RGB;
    cinfo->dct_method = JDCT_ISLOW;
    cinfo->do_fancy_upsampling = TRUE;
    choose_scale(cinfo, req);
    return plan_planes(cinfo, planes, 1);
}

static int jpeg_predict_planes(decoder *d, const decoder_request *req,
                               decoder_plane *planes) {
    jpeg_decoder_state *s = d->state;
    if (!s || s->failed || s->started)
        return 0;
    if (setjmp(s->jump)) {
        s->failed = 1;
        return 0;
    }
    return predict_body(s, req, planes);
}

static thumb_status jpeg_start(decoder *d, const decoder_request *req) {
    jpeg_decoder_state *s = d->state;
    thumb_status st = check_usable(d, s);
    if (st != THUMB_OK)
        return st;
    if (s->started)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "JPEG: decoder started twice");
    st = start_guarded(d, s, req);
    if (st != THUMB_OK)
        s->failed = 1;
    return st;
}

/* ---- read_rows -------------------------------------------------------- */

/* round(a * b / 255) for a, b in 0..255, exactly, without division. */
static uint8_t mul_div255(unsigned a, unsigned b) {
    unsigned t = a * b + 128;
    return (uint8_t)((t + (t >> 8)) >> 8);
}

/* Naive CMYK -> RGB without a colour profile (as Pillow and libvips do
 * without one): each ink darkens its complement, black darkens all. */
static void cmyk_to_rgb(const uint8_t *cmyk, uint8_t *rgb, uint32_t width,
                        int inverted) {
    for (uint32_t x = 0; x < width; x++, cmyk += 4, rgb += 3) {
        unsigned c = cmyk[0], m = cmyk[1], y = cmyk[2], k = cmyk[3];
        if (!inverted) {
            c = 255 - c;
            m = 255 - m;
            y = 255 - y;
            k = 255 - k;
        }
        rgb[0] = mul_div255(c, k);
        rgb[1] = mul_div255(m, k);
        rgb[2] = mul_div255(y, k);
    }
}

/* Plain CMYK (255 = full ink) to the Adobe convention rows are given in. */
static void invert_row(uint8_t *row, size_t size) {
    for (size_t i = 0; i < size; i++)
        row[i] = (uint8_t)(255 - row[i]);
}

static thumb_status read_body(decoder *d, jpeg_decoder_state *s,
                              uint8_t *const *rows, uint32_t count) {
    j_decompress_ptr cinfo = &s->cinfo;
    if (count > cinfo->output_height - cinfo->output_scanline)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "JPEG: %u rows asked for at row %u of %u", count,
                        cinfo->output_scanline, cinfo->output_height);
    uint32_t done = 0;
    while (done < count) {
        JDIMENSION got;
        if (d->cmyk) {
            JSAMPROW row = rows[done];
            got = jpeg_read_scanlines(cinfo, &row, 1);
            if (got == 1 && !s->cmyk_inverted)
                invert_row(row, (size_t)cinfo->output_width * CMYK_CHANNELS);
        } else if (s->cmyk) {
            JSAMPROW scratch = s->scratch;
            got = jpeg_read_scanlines(cinfo, &scratch, 1);
            if (got == 1)
                cmyk_to_rgb(s->scratch, rows[done], cinfo->output_width,
                            s->cmyk_inverted);
        } else {
            /* libjpeg's prototype lacks the const it honours. */
            got = jpeg_read_scanlines(cinfo, (JSAMPARRAY)(rows + done),
                                      count - done);
        }
        /* The memory source never suspends, so no progress means a bug. */
        if (got == 0)
            return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                            "JPEG: no row decoded at row %u",
                            cinfo->output_scanline);
        done += got;
    }
    /* jpeg_finish_decompress is not called: it would only read on to the
     * EOI marker and fail on trailing damage after a complete image. */
    return THUMB_OK;
}

static thumb_status read_guarded(decoder *d, jpeg_decoder_state *s,
                                 uint8_t *const *rows, uint32_t count) {
    if (setjmp(s->jump))
        return s->status;
    return read_body(d, s, rows, count);
}

static thumb_status jpeg_read_rows(decoder *d, uint8_t *const *rows,
                                   uint32_t count) {
    jpeg_decoder_state *s = d->state;
    thumb_status st = check_usable(d, s);
    if (st != THUMB_OK)
        return st;
    if (!s->started || d->planar)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "JPEG: rows read before start or from planes");
    st = read_guarded(d, s, rows, count);
    if (st != THUMB_OK)
        s->failed = 1;
    return st;
}

/* ---- read_planes ------------------------------------------------------ */

static thumb_status planes_body(decoder *d, jpeg_decoder_state *s,
                                uint8_t *const *const *planes) {
    j_decompress_ptr cinfo = &s->cinfo;
    if (cinfo->output_scanline >= cinfo->output_height)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "JPEG: planes read past the last row");
    /* libjpeg's prototype lacks the consts it honours. */
    JSAMPARRAY groups[DECODER_PLANES];
    for (int p = 0; p < DECODER_PLANES; p++)
        groups[p] = (JSAMPARRAY)planes[p];
    JDIMENSION rows = d->planes[0].group_rows;
    if (jpeg_read_raw_data(cinfo, groups, rows) != rows)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "JPEG: no planes decoded at row %u",
                        cinfo->output_scanline);
    return THUMB_OK;
}

static thumb_status planes_guarded(decoder *d, jpeg_decoder_state *s,
                                   uint8_t *const *const *planes) {
    if (setjmp(s->jump))
        return s->status;
    return planes_body(d, s, planes);
}

static thumb_status jpeg_read_planes(decoder *d,
                                     uint8_t *const *const *planes) {
    jpeg_decoder_state *s = d->state;
    thumb_status st = check_usable(d, s);
    if (st != THUMB_OK)
        return st;
    if (!s->started)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "JPEG: planes read before start");
    st = planes_guarded(d, s, planes);
    if (st != THUMB_OK)
        s->failed = 1;
    return st;
}

/* ---- destroy ---------------------------------------------------------- */

static void jpeg_destroy_state(decoder *d) {
    jpeg_decoder_state *s = d->state;
    if (!s)
        return;
    /* Safe on a struct that jpeg_create_decompress never finished: it
     * frees only what the memory manager holds. */
    jpeg_destroy_decompress(&s->cinfo);
    ctx_free(d->ctx, s->scratch);
    ctx_free(d->ctx, s->icc);
    ctx_free(d->ctx, s);
    d->state = NULL;
}

const decoder_ops jpeg_decoder_ops = {
    .probe = jpeg_probe,
    .start = jpeg_start,
    .read_rows = jpeg_read_rows,
    .destroy = jpeg_destroy_state,
    .read_planes = jpeg_read_planes,
    .predict_planes = jpeg_predict_planes,
};
