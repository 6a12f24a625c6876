/* PNG output written directly with zlib, without libpng: signature, IHDR,
 * iCCP, eXIf, IDAT, IEND; 1 to 4 channels, 8 or 16 bits per sample.
 *
 * Why not libpng: a thumbnail's encode time is mostly deflate, and the
 * best trade for filtered image rows is zlib's run-length strategy
 * (Z_RLE, as fpng and fpnge do with their own coders): 3 to 5 times faster
 * than zlib's level 6 search, within a few per cent of its size, and
 * often smaller. Owning the writer also makes the per-row filter choice
 * cheap (png_filter.h) and streams deflate's output straight into the
 * caller's buffer.
 *
 * Compression levels (THUMB_OPT_PNG_COMPRESSION, 0..9):
 *   0      stored: no compression, every row unfiltered;
 *   1..6   every row filtered (png_filter.h), then deflate with Z_RLE;
 *   7..9   every row filtered, then zlib's full search at that level
 *          with Z_FILTERED (what libpng does): slower, a little smaller.
 *
 * The file is built in the caller's buffer: each chunk's length is
 * patched in and its CRC appended once its data is there, and deflate
 * writes IDAT data in place, so no compressed copy is ever held twice.
 * Rows are filtered and compressed one at a time: memory is a few rows
 * plus zlib's state, whatever the height. */
#include "encoder.h"

#include "../ctx.h"
#include "png_filter.h"

#include <limits.h>
#include <string.h>
#include <zlib.h>

static const uint8_t PNG_SIGNATURE[] = {0x89, 'P',  'N',  'G',
                                        '\r', '\n', 0x1A, '\n'};
/* Chunk lengths, widths and heights are at most 2^31 - 1 (clause 5.3). */
#define PNG_UINT31_MAX 0x7FFFFFFFu
/* A chunk is its length, its type, its data and a CRC of type and data. */
#define CHUNK_LENGTH_SIZE 4
#define CHUNK_TYPE_SIZE 4
#define CHUNK_HEADER_SIZE (CHUNK_LENGTH_SIZE + CHUNK_TYPE_SIZE)
#define CHUNK_CRC_SIZE 4
#define IHDR_SIZE 13

/* IHDR colour types (clause 11.2.2), by channel count. */
#define COLOUR_TYPE_GREY 0
#define COLOUR_TYPE_RGB 2
#define COLOUR_TYPE_GREY_ALPHA 4
#define COLOUR_TYPE_RGB_ALPHA 6

/* THUMB_OPT_PNG_COMPRESSION's range, and the highest level that takes the
 * run-length strategy (above): the default, 6, is among them. */
#define LEVEL_MIN 0
#define LEVEL_MAX 9
#define LEVEL_RLE_MAX 6

/* zlib's defaults: a 32 KiB window, and memLevel 8 (a 64 KiB hash table,
 * Huffman blocks of up to 16 Ki symbols). Z_RLE only looks one byte back,
 * but a smaller window slides, walking the whole hash table each time, far
 * more often; a smaller memLevel makes short blocks; memLevel 9 measured
 * no better on the corpus. */
#define ZLIB_WINDOW_BITS 15
#define ZLIB_MEM_LEVEL 8

/* IDAT data is cut into chunks of this size: big enough that the 12 bytes
 * each costs are nothing, small enough for decoders that hold a whole
 * chunk before inflating it. Also the most deflate is given to write into
 * at a time. */
#define IDAT_CHUNK_MAX ((size_t)1 << 16)

/* iCCP: a profile name (1 to 79 Latin-1 bytes; no reader uses it), its
 * NUL, the compression method (0, zlib), then the zlib stream. */
static const char ICC_NAME[] = "icc";
#define ICC_COMPRESSION_METHOD 0
/* The ICC.1 header: 128 bytes, then the tag count and 12-byte entries of
 * signature, offset and size. Fields used here: the profile size at 0,
 * the data colour space at 16, the connection space at 20, the file
 * signature at 36. */
#define ICC_HEADER_SIZE 128
#define ICC_TAG_COUNT_SIZE 4
#define ICC_TAG_ENTRY_SIZE 12
#define ICC_SPACE_OFFSET 16
#define ICC_PCS_OFFSET 20
#define ICC_MAGIC_OFFSET 36

typedef struct pngwriter {
    thumb_ctx *ctx;
    buffer *out;
    z_stream z;
    int z_live;         /* deflateInit2 succeeded; deflateEnd is due */
    size_t chunk_start; /* where the open chunk's length field is */
} pngwriter;

static void put_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/* ---- chunks ----------------------------------------------------------- */

/* Starts a chunk of the given type; its length is written on closing. */
static thumb_status chunk_open(pngwriter *w, const char *type) {
    thumb_status st = buffer_reserve(w->out, CHUNK_HEADER_SIZE);
    if (st != THUMB_OK)
        return st;
    w->chunk_start = w->out->size;
    memcpy(w->out->data + w->out->size + CHUNK_LENGTH_SIZE, type,
           CHUNK_TYPE_SIZE);
    w->out->size += CHUNK_HEADER_SIZE;
    return THUMB_OK;
}

static thumb_status chunk_close(pngwriter *w) {
    size_t length = w->out->size - w->chunk_start - CHUNK_HEADER_SIZE;
    if (length > PNG_UINT31_MAX)
        return ctx_fail(w->ctx, THUMB_ERR_ENCODE,
                        "PNG: a chunk of %zu bytes is over the format's "
                        "2^31 - 1",
                        length);
    thumb_status st = buffer_reserve(w->out, CHUNK_CRC_SIZE);
    if (st != THUMB_OK)
        return st;
    uint8_t *chunk = w->out->data + w->chunk_start;
    put_be32(chunk, (uint32_t)length);
    uLong crc =
        crc32(0L, chunk + CHUNK_LENGTH_SIZE, (uInt)(CHUNK_TYPE_SIZE + length));
    put_be32(w->out->data + w->out->size, (uint32_t)crc);
    w->out->size += CHUNK_CRC_SIZE;
    return THUMB_OK;
}

static thumb_status chunk_write(pngwriter *w, const char *type,
                                const void *data, size_t size) {
    thumb_status st = chunk_open(w, type);
    if (st == THUMB_OK)
        st = buffer_append(w->out, data, size);
    if (st == THUMB_OK)
        st = chunk_close(w);
    return st;
}

/* ---- zlib ------------------------------------------------------------- */

static voidpf zlib_alloc(voidpf opaque, uInt items, uInt size) {
    int ok = 1;
    size_t total = size_mul(items, size, &ok);
    if (!ok)
        return Z_NULL;
    return ctx_malloc(opaque, total);
}

static void zlib_free(voidpf opaque, voidpf ptr) {
    ctx_free(opaque, ptr);
}

static thumb_status zlib_failed(pngwriter *w, int ret, const char *doing) {
    if (ret == Z_MEM_ERROR)
        return ctx_fail(w->ctx, THUMB_ERR_NOMEM, "PNG: out of memory %s",
                        doing);
    return ctx_fail(w->ctx, THUMB_ERR_ENCODE, "PNG: zlib failed %s (%d: %s)",
                    doing, ret, w->z.msg ? w->z.msg : "no message");
}

static thumb_status zlib_begin(pngwriter *w, int level, int strategy) {
    memset(&w->z, 0, sizeof w->z);
    w->z.zalloc = zlib_alloc;
    w->z.zfree = zlib_free;
    w->z.opaque = w->ctx;
    int ret = deflateInit2(&w->z, level, Z_DEFLATED, ZLIB_WINDOW_BITS,
                           ZLIB_MEM_LEVEL, strategy);
    if (ret != Z_OK)
        return zlib_failed(w, ret, "starting deflate");
    w->z_live = 1;
    return THUMB_OK;
}

static void zlib_end(pngwriter *w) {
    if (w->z_live)
        deflateEnd(&w->z);
    w->z_live = 0;
}

/* Runs deflate over its pending input into the open chunk, straight into
 * the buffer: until the input is taken (Z_NO_FLUSH) or the stream is
 * complete (Z_FINISH). A chunk that fills up is closed and another of
 * type `split` opened; with split NULL the chunk just grows. */
static thumb_status zlib_pump(pngwriter *w, int flush, const char *split) {
    buffer *out = w->out;
    for (;;) {
        size_t used = out->size - w->chunk_start - CHUNK_HEADER_SIZE;
        if (split && used >= IDAT_CHUNK_MAX) {
            thumb_status st = chunk_close(w);
            if (st == THUMB_OK)
                st = chunk_open(w, split);
            if (st != THUMB_OK)
                return st;
            used = 0;
        }
        size_t room = split ? IDAT_CHUNK_MAX - used : IDAT_CHUNK_MAX;
        thumb_status st = buffer_reserve(out, room);
        if (st != THUMB_OK)
            return st;
        w->z.next_out = out->data + out->size;
        w->z.avail_out = (uInt)room;
        int ret = deflate(&w->z, flush);
        out->size += room - w->z.avail_out;
        if (ret == Z_STREAM_END)
            return THUMB_OK;
        /* Z_BUF_ERROR only says that no progress was possible. */
        if (ret != Z_OK && ret != Z_BUF_ERROR)
            return zlib_failed(w, ret, "compressing");
        if (w->z.avail_out > 0) {
            if (flush == Z_NO_FLUSH && w->z.avail_in == 0)
                return THUMB_OK;
            if (ret == Z_BUF_ERROR)
                return zlib_failed(w, ret, "finishing the stream");
        }
    }
}

/* Feeds `size` bytes to deflate, in pieces zlib's uInt can count. */
static thumb_status zlib_feed(pngwriter *w, const uint8_t *data, size_t size,
                              const char *split) {
    do {
        size_t piece = size < UINT_MAX ? size : UINT_MAX;
        w->z.next_in = (Bytef *)data; /* zlib's API lacks the const */
        w->z.avail_in = (uInt)piece;
        thumb_status st = zlib_pump(w, Z_NO_FLUSH, split);
        if (st != THUMB_OK)
            return st;
        data += piece;
        size -= piece;
    } while (size > 0);
    return THUMB_OK;
}

/* ---- header and metadata ---------------------------------------------- */

static int colour_type_for(int channels) {
    switch (channels) {
    case 1:
        return COLOUR_TYPE_GREY;
    case 2:
        return COLOUR_TYPE_GREY_ALPHA;
    case 3:
        return COLOUR_TYPE_RGB;
    default:
        return COLOUR_TYPE_RGB_ALPHA;
    }
}

static thumb_status write_ihdr(pngwriter *w, const image *img, int depth) {
    uint8_t ihdr[IHDR_SIZE];
    put_be32(ihdr, img->width);
    put_be32(ihdr + 4, img->height);
    ihdr[8] = (uint8_t)depth;
    ihdr[9] = (uint8_t)colour_type_for(img->channels);
    ihdr[10] = 0; /* compression method: zlib */
    ihdr[11] = 0; /* filter method: the five adaptive filters */
    ihdr[12] = 0; /* no interlacing */
    return chunk_write(w, "IHDR", ihdr, sizeof ihdr);
}

/* 1 when the profile is one libpng would write for this image: a
 * complete ICC header whose size field matches, a colour space that fits
 * the channels, an XYZ or Lab connection space, and a tag table inside
 * the profile. libpng drops any other with a warning (png_encode.c kept
 * it so); so does this writer, rather than fail the thumbnail. */
static int icc_fits(const uint8_t *icc, size_t size, int channels) {
    if (size < ICC_HEADER_SIZE + ICC_TAG_COUNT_SIZE || size > PNG_UINT31_MAX ||
        get_be32(icc) != size || memcmp(icc + ICC_MAGIC_OFFSET, "acsp", 4) != 0)
        return 0;
    const char *space = channels <= 2 ? "GRAY" : "RGB ";
    if (memcmp(icc + ICC_SPACE_OFFSET, space, 4) != 0)
        return 0;
    if (memcmp(icc + ICC_PCS_OFFSET, "XYZ ", 4) != 0 &&
        memcmp(icc + ICC_PCS_OFFSET, "Lab ", 4) != 0)
        return 0;
    uint32_t tags = get_be32(icc + ICC_HEADER_SIZE);
    size_t table = ICC_HEADER_SIZE + ICC_TAG_COUNT_SIZE;
    if (tags > (size - table) / ICC_TAG_ENTRY_SIZE)
        return 0;
    for (uint32_t i = 0; i < tags; i++) {
        const uint8_t *entry = icc + table + (size_t)i * ICC_TAG_ENTRY_SIZE;
        uint32_t offset = get_be32(entry + 4), length = get_be32(entry + 8);
        if (offset > size || length > size - offset)
            return 0;
    }
    return 1;
}

static thumb_status write_iccp(pngwriter *w, const uint8_t *icc, size_t size) {
    thumb_status st = chunk_open(w, "iCCP");
    if (st == THUMB_OK)
        st = buffer_append(w->out, ICC_NAME, sizeof ICC_NAME);
    if (st == THUMB_OK)
        st = buffer_append(w->out, &(uint8_t){ICC_COMPRESSION_METHOD}, 1);
    if (st == THUMB_OK)
        st = zlib_begin(w, Z_DEFAULT_COMPRESSION, Z_DEFAULT_STRATEGY);
    if (st == THUMB_OK)
        st = zlib_feed(w, icc, size, NULL);
    if (st == THUMB_OK)
        st = zlib_pump(w, Z_FINISH, NULL);
    zlib_end(w);
    if (st == THUMB_OK)
        st = chunk_close(w);
    return st;
}

/* ---- pixels ----------------------------------------------------------- */

/* A row of native uint16 samples as PNG's big-endian bytes. (memcpy
 * reads each sample whatever the row's alignment; it compiles to a load.)
 */
static void row_to_be16(uint8_t *restrict dst, const uint8_t *restrict src,
                        size_t samples) {
    for (size_t i = 0; i < samples; i++) {
        uint16_t v;
        memcpy(&v, src + 2 * i, sizeof v);
        dst[2 * i] = (uint8_t)(v >> 8);
        dst[2 * i + 1] = (uint8_t)v;
    }
}

/* The encoder of one image, row by row: the file up to the open IDAT
 * stream at the start, a filtered row fed to zlib per row, the stream
 * and IEND at the end. */
struct png_rows {
    pngwriter w;
    pngfilter f;
    int depth, level;
    size_t row_bytes;
    uint8_t *be16;        /* 16-bit rows: this one and the one above */
    const uint8_t *above; /* the last row added (or its be16 copy) */
    uint32_t y;
    size_t start_size; /* of the buffer, to take a failed file back */
    int finished;
};

/* The file's head: signature, IHDR, iCCP, eXIf, then the IDAT stream
 * opened. */
static thumb_status begin_file(png_rows *r, const image *img,
                               const encode_options *opt) {
    pngwriter *w = &r->w;
    int ok = 1;
    size_t bpp = (size_t)img->channels * (size_t)(r->depth / 8);
    r->row_bytes = size_mul(img->width, bpp, &ok);
    if (!ok || r->row_bytes >= SIZE_MAX / 2)
        return ctx_fail(w->ctx, THUMB_ERR_LIMIT,
                        "PNG: a row of %u pixels overflows", img->width);
    thumb_status st =
        buffer_append(w->out, PNG_SIGNATURE, sizeof PNG_SIGNATURE);
    if (st == THUMB_OK)
        st = write_ihdr(w, img, r->depth);
    if (st == THUMB_OK && opt->icc &&
        icc_fits(opt->icc, opt->icc_size, img->channels))
        st = write_iccp(w, opt->icc, opt->icc_size);
    if (st == THUMB_OK && opt->exif && opt->exif_size > 0 &&
        opt->exif_size <= PNG_UINT31_MAX)
        st = chunk_write(w, "eXIf", opt->exif, opt->exif_size);
    if (st == THUMB_OK)
        st = pngfilter_init(w->ctx, &r->f, r->row_bytes, bpp);
    if (st == THUMB_OK && r->depth == 16) {
        r->be16 = ctx_malloc(w->ctx, 2 * r->row_bytes);
        if (!r->be16)
            st = THUMB_ERR_NOMEM;
    }
    if (st == THUMB_OK)
        st = zlib_begin(w, r->level,
                        r->level <= LEVEL_RLE_MAX ? Z_RLE : Z_FILTERED);
    if (st == THUMB_OK)
        st = chunk_open(w, "IDAT");
    return st;
}

thumb_status png_rows_new(thumb_ctx *ctx, const image *shape,
                          const encode_options *opt, buffer *out,
                          png_rows **enc) {
    *enc = NULL;
    if (shape->channels < 1 || shape->channels > 4 || shape->width == 0 ||
        shape->height == 0 || shape->width > PNG_UINT31_MAX ||
        shape->height > PNG_UINT31_MAX)
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "PNG: cannot encode a %ux%u image with %d channels",
                        shape->width, shape->height, shape->channels);
    png_rows *r = ctx_calloc(ctx, 1, sizeof *r);
    if (!r)
        return THUMB_ERR_NOMEM;
    r->w = (pngwriter){.ctx = ctx, .out = out};
    r->depth = shape->depth == 16 ? 16 : 8;
    r->level = opt->png_compression;
    if (r->level < LEVEL_MIN)
        r->level = LEVEL_MIN;
    if (r->level > LEVEL_MAX)
        r->level = LEVEL_MAX;
    r->start_size = out->size;
    thumb_status st = begin_file(r, shape, opt);
    if (st != THUMB_OK) {
        png_rows_free(r);
        return st;
    }
    *enc = r;
    return THUMB_OK;
}

thumb_status png_rows_add(png_rows *r, const uint8_t *row) {
    if (r->depth == 16) {
        uint8_t *dst = r->be16 + (r->y & 1) * r->row_bytes;
        row_to_be16(dst, row, r->row_bytes / 2);
        row = dst;
    }
    const uint8_t *filtered = r->level == LEVEL_MIN
                                  ? pngfilter_none(&r->f, row)
                                  : pngfilter_best(&r->f, row, r->above);
    thumb_status st = zlib_feed(&r->w, filtered, r->row_bytes + 1, "IDAT");
    r->above = row;
    r->y++;
    return st;
}

thumb_status png_rows_finish(png_rows *r) {
    thumb_status st = zlib_pump(&r->w, Z_FINISH, "IDAT");
    zlib_end(&r->w);
    if (st == THUMB_OK)
        st = chunk_close(&r->w);
    if (st == THUMB_OK)
        st = chunk_write(&r->w, "IEND", NULL, 0);
    r->finished = st == THUMB_OK;
    return st;
}

void png_rows_free(png_rows *r) {
    if (!r)
        return;
    thumb_ctx *ctx = r->w.ctx;
    zlib_end(&r->w);
    ctx_free(ctx, r->be16);
    pngfilter_release(ctx, &r->f);
    /* A failed encode leaves no partial file behind. */
    if (!r->finished)
        r->w.out->size = r->start_size;
    ctx_free(ctx, r);
}
