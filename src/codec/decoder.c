#include "decoder.h"

#include "../ctx.h"
#include "format.h"
#include "sniff.h"

#include <string.h>

static const decoder_ops *ops_for(thumb_format format) {
    switch (format) {
    case THUMB_FORMAT_JPEG:
        return &jpeg_decoder_ops;
    case THUMB_FORMAT_PNG:
        return &png_decoder_ops;
    case THUMB_FORMAT_WEBP:
        return &webp_decoder_ops;
    case THUMB_FORMAT_GIF:
        return &gif_decoder_ops;
#ifdef THUMB_HAVE_HEIF
    case THUMB_FORMAT_HEIF:
    case THUMB_FORMAT_AVIF:
        return &heif_decoder_ops;
#endif
#ifdef THUMB_HAVE_JXL
    case THUMB_FORMAT_JXL:
        return &jxl_decoder_ops;
#endif
    default:
        return NULL;
    }
}

int decoder_can_read(thumb_format format) {
    const decoder_ops *ops = ops_for(format);
    return ops && (!ops->available || ops->available());
}

thumb_status decoder_open(thumb_ctx *ctx, const uint8_t *data, size_t size,
                          decoder *d) {
    memset(d, 0, sizeof *d);
    d->ctx = ctx;
    d->data = data;
    d->size = size;
    if (size == 0)
        return ctx_fail(ctx, THUMB_ERR_UNSUPPORTED_FORMAT, "input is empty");
    thumb_format format = sniff_format(data, size);
    d->ops = ops_for(format);
    if (!d->ops && format != THUMB_FORMAT_AUTO)
        return ctx_fail(ctx, THUMB_ERR_UNSUPPORTED_FORMAT,
                        "unsupported format: %s (this build of libthumbnail "
                        "was configured without it)",
                        format_describe(format)->title);
    if (!d->ops) {
        const char *other = sniff_other_format(data, size);
        if (other)
            return ctx_fail(ctx, THUMB_ERR_UNSUPPORTED_FORMAT,
                            "unsupported format: %s (supported: JPEG, PNG, "
                            "WebP, GIF, HEIF, AVIF, JPEG XL)",
                            other);
        return ctx_fail(ctx, THUMB_ERR_UNSUPPORTED_FORMAT,
                        "unrecognised format: the first bytes match no JPEG, "
                        "PNG, WebP, GIF, HEIF, AVIF or JPEG XL signature");
    }
    d->info.format = format;
    d->info.orientation = 1;
    d->info.frames = 1;
    thumb_status st = d->ops->probe(d);
    if (st != THUMB_OK) {
        d->ops->destroy(d);
        d->ops = NULL;
        return st;
    }
    /* A codec must not hand a degenerate size further down. */
    if (d->info.width == 0 || d->info.height == 0) {
        d->ops->destroy(d);
        d->ops = NULL;
        return ctx_fail(ctx, THUMB_ERR_CORRUPT, "%s: image is %ux%u",
                        format_name(format), d->info.width, d->info.height);
    }
    if (d->info.orientation < 1 || d->info.orientation > 8)
        d->info.orientation = 1;
    return THUMB_OK;
}

/* The number of samples per pixel of RGBA frames. */
#define FRAME_CHANNELS 4

void decoder_rows_layout(const image_info *info, const decoder_request *req,
                         int *channels, int *cmyk, int *depth) {
    *cmyk = 0;
    *depth = 8;
    if (req->frames) {
        *channels = FRAME_CHANNELS;
        return;
    }
    *depth = info->bit_depth > 8 && req->depth16 ? 16 : 8;
    if (info->cmyk) {
        *cmyk = req->cmyk;
        *channels = req->cmyk ? 4 : 3;
        return;
    }
    *channels = (info->grey ? 1 : 3) + (info->has_alpha ? 1 : 0);
}

int decoder_predict_planes(decoder *d, const decoder_request *req,
                           decoder_plane *planes) {
    if (!d->ops->predict_planes)
        return 0;
    decoder_request r = *req;
    r.min_width = r.min_width ? r.min_width : 1;
    r.min_height = r.min_height ? r.min_height : 1;
    r.planes = 1;
    return d->ops->predict_planes(d, &r, planes);
}

thumb_status decoder_start(decoder *d, const decoder_request *req) {
    decoder_request r = *req;
    if (r.min_width < 1)
        r.min_width = 1;
    if (r.min_height < 1)
        r.min_height = 1;
    if (r.frames && !d->ops->next_frame)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "%s decoder cannot give frames",
                        format_name(d->info.format));
    d->depth = 8;
    thumb_status st = d->ops->start(d, &r);
    if (st != THUMB_OK)
        return st;
    int channels, cmyk, depth;
    decoder_rows_layout(&d->info, &r, &channels, &cmyk, &depth);
    if (d->width == 0 || d->height == 0 || d->channels != channels ||
        d->cmyk != cmyk || d->depth != depth || d->frames != r.frames ||
        (d->planar && !r.planes))
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "%s decoder gave %ux%u with %d channels of %d bits "
                        "(cmyk %d, frames %d) where %d of %d (cmyk %d, "
                        "frames %d) were planned",
                        format_name(d->info.format), d->width, d->height,
                        d->channels, d->depth, d->cmyk, d->frames, channels,
                        depth, cmyk, r.frames);
    return THUMB_OK;
}

thumb_status decoder_read_rows(decoder *d, uint8_t *const *rows,
                               uint32_t count) {
    return d->ops->read_rows(d, rows, count);
}

thumb_status decoder_read_planes(decoder *d, uint8_t *const *const *planes) {
    if (!d->planar || !d->ops->read_planes)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "decoder: planes read from a decoder that gives rows");
    return d->ops->read_planes(d, planes);
}

thumb_status decoder_next_frame(decoder *d, int *more, int *delay_ms) {
    *more = 0;
    *delay_ms = 0;
    if (!d->frames)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "decoder: frames read from a decoder that gives one "
                        "image");
    return d->ops->next_frame(d, more, delay_ms);
}

void decoder_close(decoder *d) {
    if (d->ops)
        d->ops->destroy(d);
    d->ops = NULL;
    d->state = NULL;
}
