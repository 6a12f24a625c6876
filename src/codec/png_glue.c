/* libpng's error, warning and memory callbacks (see png_glue.h). */
#include "png_glue.h"

void PNGCBAPI pngglue_error(png_structp png, png_const_charp message) {
    png_glue *g = png_get_error_ptr(png);
    g->error = g->alloc_failed ? THUMB_ERR_NOMEM : g->error_kind;
    ctx_fail(g->ctx, g->error, "PNG: %s", message);
    longjmp(g->jump, 1);
}

/* Warnings are about data libpng already worked around (a bad CRC in an
 * ancillary chunk, an invalid tRNS...): nothing for the caller to act on,
 * and the library never prints. */
void PNGCBAPI pngglue_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

png_voidp PNGCBAPI pngglue_malloc(png_structp png, png_alloc_size_t size) {
    png_glue *g = png_get_mem_ptr(png);
    void *p = ctx_malloc(g->ctx, size);
    if (!p)
        g->alloc_failed = 1;
    return p;
}

void PNGCBAPI pngglue_free(png_structp png, png_voidp ptr) {
    png_glue *g = png_get_mem_ptr(png);
    ctx_free(g->ctx, ptr);
}
