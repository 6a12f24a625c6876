/* libpng's callbacks for errors, warnings and memory, shared by the PNG
 * decoder and encoder.
 *
 * libpng reports an error by calling a function that must not return:
 * pngglue_error() records the message on the context and longjmps to
 * glue->jump, which the caller sets with setjmp() before every libpng
 * call, in its own file. All libpng (and zlib) memory comes from the
 * context's allocator; a failed allocation turns the error that follows
 * into THUMB_ERR_NOMEM. */
#ifndef THUMB_CODEC_PNG_GLUE_H
#define THUMB_CODEC_PNG_GLUE_H

#include "../ctx.h"

#include <png.h>
#include <setjmp.h>

typedef struct png_glue {
    thumb_ctx *ctx;
    jmp_buf jump;
    /* THUMB_OK until libpng reports an error; then the status it maps to. */
    thumb_status error;
    /* What a libpng error means here: THUMB_ERR_CORRUPT when reading,
     * THUMB_ERR_ENCODE when writing. */
    thumb_status error_kind;
    int alloc_failed; /* an allocation for libpng failed */
} png_glue;

static inline void pngglue_init(png_glue *g, thumb_ctx *ctx,
                                thumb_status error_kind) {
    g->ctx = ctx;
    g->error = THUMB_OK;
    g->error_kind = error_kind;
    g->alloc_failed = 0;
}

/* 16-bit samples are big-endian in the file and native-endian in the
 * library's rows: asks libpng to swap them on a little-endian host. Call
 * with the glue's jump set. */
static inline void pngglue_native_16(png_structp png) {
    const uint16_t one = 1;
    if (*(const unsigned char *)&one == 1)
        png_set_swap(png);
}

/* Pass these with the glue as both error and memory pointer to
 * png_create_read_struct_2() / png_create_write_struct_2(). */
void PNGCBAPI pngglue_error(png_structp png, png_const_charp message);
void PNGCBAPI pngglue_warning(png_structp png, png_const_charp message);
png_voidp PNGCBAPI pngglue_malloc(png_structp png, png_alloc_size_t size);
void PNGCBAPI pngglue_free(png_structp png, png_voidp ptr);

#endif
