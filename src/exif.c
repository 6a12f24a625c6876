/* The EXIF orientation tag, read from IFD0 of a TIFF-structured block.
 *
 * Every read is checked against the block's size before it happens, in
 * size_t arithmetic arranged so that no sum can overflow: a hostile block
 * may claim any offset or count. Only IFD0 is examined and no IFD link is
 * followed, so offset loops between IFDs cannot make the parse run long.
 */
#include "exif.h"

#include <string.h>

/* The APP1 payload of a JPEG starts "Exif\0\0" before the TIFF header. */
static const uint8_t EXIF_PREFIX[] = {'E', 'x', 'i', 'f', 0, 0};
#define EXIF_PREFIX_SIZE sizeof EXIF_PREFIX

/* TIFF header: byte order mark (2), the number 42 (2), IFD0 offset (4). */
#define TIFF_HEADER_SIZE 8
#define TIFF_MAGIC 42
/* An IFD: entry count (2), then the entries of 12 bytes each: tag (2),
 * type (2), value count (4), value or offset to it (4). */
#define IFD_COUNT_SIZE 2
#define IFD_ENTRY_SIZE 12
/* A value of up to this many bytes sits in the entry itself. */
#define IFD_INLINE_VALUE_SIZE 4

#define TAG_ORIENTATION 0x0112
#define TYPE_SHORT 3
#define SHORT_SIZE 2

/* Returned for "absent, damaged or out of range": the identity. */
#define ORIENTATION_DEFAULT 1
#define ORIENTATION_MAX 8

typedef struct tiff_reader {
    const uint8_t *data;
    size_t size;
    int big_endian;
} tiff_reader;

/* 1 when [offset, offset + len) lies within the block. */
static int tiff_has(const tiff_reader *r, size_t offset, size_t len) {
    return offset <= r->size && len <= r->size - offset;
}

/* Callers check tiff_has() first. */
static uint16_t tiff_u16(const tiff_reader *r, size_t offset) {
    const uint8_t *p = r->data + offset;
    return r->big_endian ? (uint16_t)(p[0] << 8 | p[1])
                         : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t tiff_u32(const tiff_reader *r, size_t offset) {
    const uint8_t *p = r->data + offset;
    if (r->big_endian)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
               (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 |
           p[0];
}

/* The orientation entry's value, or ORIENTATION_DEFAULT when the entry
 * is not a well-formed SHORT. */
static int orientation_value(const tiff_reader *r, size_t entry) {
    if (tiff_u16(r, entry + 2) != TYPE_SHORT)
        return ORIENTATION_DEFAULT;
    uint32_t count = tiff_u32(r, entry + 4);
    if (count == 0)
        return ORIENTATION_DEFAULT;
    /* The tag holds one value; a writer that gave more than fit inline
     * put them at an offset, where the first one is taken. */
    size_t at = entry + 8;
    if (count > IFD_INLINE_VALUE_SIZE / SHORT_SIZE) {
        at = tiff_u32(r, entry + 8);
        if (!tiff_has(r, at, SHORT_SIZE))
            return ORIENTATION_DEFAULT;
    }
    uint16_t value = tiff_u16(r, at);
    if (value < 1 || value > ORIENTATION_MAX)
        return ORIENTATION_DEFAULT;
    return value;
}

/* Fills r for a block that starts with a valid TIFF header (after any
 * "Exif\0\0"); 0 otherwise. */
static int tiff_open(tiff_reader *r, const uint8_t *data, size_t size) {
    if (size >= EXIF_PREFIX_SIZE &&
        memcmp(data, EXIF_PREFIX, EXIF_PREFIX_SIZE) == 0) {
        data += EXIF_PREFIX_SIZE;
        size -= EXIF_PREFIX_SIZE;
    }
    if (size < TIFF_HEADER_SIZE)
        return 0;
    *r = (tiff_reader){data, size, 0};
    if (data[0] == 'M' && data[1] == 'M')
        r->big_endian = 1;
    else if (!(data[0] == 'I' && data[1] == 'I'))
        return 0;
    return tiff_u16(r, 2) == TIFF_MAGIC;
}

/* The offset of IFD0's orientation entry, or 0 when there is none (0 is
 * never an entry: the header is there). */
static size_t orientation_entry(const tiff_reader *rp) {
    tiff_reader r = *rp;
    /* An IFD inside the header itself is nonsense, not a layout. */
    size_t ifd = tiff_u32(&r, 4);
    if (ifd < TIFF_HEADER_SIZE || !tiff_has(&r, ifd, IFD_COUNT_SIZE))
        return 0;

    /* A count larger than the block can hold is damage at the IFD's end:
     * the entries that are whole are still read, as libexif (which libvips
     * uses) does, and nothing past the block is touched. */
    size_t count = tiff_u16(&r, ifd);
    size_t first = ifd + IFD_COUNT_SIZE;
    size_t fit = (r.size - first) / IFD_ENTRY_SIZE;
    if (count > fit)
        count = fit;
    for (size_t i = 0; i < count; i++) {
        size_t entry = first + i * IFD_ENTRY_SIZE;
        if (tiff_u16(&r, entry) == TAG_ORIENTATION)
            return entry;
    }
    return 0;
}

int exif_orientation(const uint8_t *data, size_t size) {
    if (!data)
        return ORIENTATION_DEFAULT;
    tiff_reader r;
    size_t entry = 0;
    if (tiff_open(&r, data, size))
        entry = orientation_entry(&r);
    return entry ? orientation_value(&r, entry) : ORIENTATION_DEFAULT;
}

void exif_reset_orientation(uint8_t *data, size_t size) {
    tiff_reader r;
    if (!data || !tiff_open(&r, data, size))
        return;
    size_t entry = orientation_entry(&r);
    /* Nothing to do when exif_orientation() reads 1 already. Otherwise
     * the entry becomes the canonical one, one SHORT held inline, wherever
     * the value was read from: a count over 2 puts it at an offset, which
     * a hostile block may even aim into its own header. */
    if (!entry || orientation_value(&r, entry) == ORIENTATION_DEFAULT)
        return;
    uint8_t *e = data + (r.data - data) + entry;
    static const uint8_t count_le[] = {1, 0, 0, 0}, count_be[] = {0, 0, 0, 1};
    static const uint8_t value_le[IFD_INLINE_VALUE_SIZE] = {
        ORIENTATION_DEFAULT};
    static const uint8_t value_be[IFD_INLINE_VALUE_SIZE] = {
        0, ORIENTATION_DEFAULT};
    memcpy(e + 4, r.big_endian ? count_be : count_le, sizeof count_le);
    memcpy(e + 8, r.big_endian ? value_be : value_le, IFD_INLINE_VALUE_SIZE);
}
