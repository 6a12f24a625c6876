#include "sniff.h"

#include <string.h>

static int starts_with(const uint8_t *data, size_t size, const void *magic,
                       size_t len) {
    return size >= len && memcmp(data, magic, len) == 0;
}

/* ISO base media files (HEIF, AVIF) say what they are in the ftyp box:
 * a major brand and compatible brands, 4 bytes each. */
#define FTYP_MAJOR_BRAND_OFFSET 8
#define FTYP_COMPATIBLE_OFFSET 16
#define BRAND_BYTES 4

static const char *const avif_brands[] = {"avif", "avis", NULL};
/* HEVC brands (ISO/IEC 23008-12, B.4), then the generic image (mif1) and
 * image sequence (msf1) brands, which say nothing of the codec: libheif
 * finds it from the items; mif3 is the low-overhead 'mini' container,
 * which the decoder names as unsupported. */
static const char *const heif_brands[] = {"heic", "heix", "hevc", "hevx",
                                          "heim", "heis", "hevm", "hevs",
                                          "mif1", "msf1", "mif3", NULL};

static int brand_in(const uint8_t *brand, const char *const *list) {
    for (; *list; list++)
        if (memcmp(brand, *list, BRAND_BYTES) == 0)
            return 1;
    return 0;
}

/* HEIF or AVIF from the ftyp box, THUMB_FORMAT_AUTO when it is none. An
 * AVIF brand anywhere makes it AVIF (AVIF files often carry mif1 as their
 * major brand); otherwise a HEIF brand, major or compatible, makes it
 * HEIF. */
static thumb_format sniff_ftyp_format(const uint8_t *data, size_t size) {
    if (size < FTYP_COMPATIBLE_OFFSET || memcmp(data + 4, "ftyp", 4) != 0)
        return THUMB_FORMAT_AUTO;
    size_t box = (size_t)data[0] << 24 | (size_t)data[1] << 16 |
                 (size_t)data[2] << 8 | data[3];
    if (box > size)
        box = size;
    const uint8_t *major = data + FTYP_MAJOR_BRAND_OFFSET;
    int avif = brand_in(major, avif_brands),
        heif = brand_in(major, heif_brands);
    for (size_t at = FTYP_COMPATIBLE_OFFSET; at + BRAND_BYTES <= box;
         at += BRAND_BYTES) {
        avif |= brand_in(data + at, avif_brands);
        heif |= brand_in(data + at, heif_brands);
    }
    return avif   ? THUMB_FORMAT_AVIF
           : heif ? THUMB_FORMAT_HEIF
                  : THUMB_FORMAT_AUTO;
}

/* The JPEG XL container's signature box (ISO/IEC 18181-2). */
static const uint8_t jxl_container[] = {0,   0,   0,    0x0C, 'J',  'X',
                                        'L', ' ', 0x0D, 0x0A, 0x87, 0x0A};

thumb_format sniff_format(const uint8_t *data, size_t size) {
    /* SOI followed by the first marker's 0xFF. */
    if (starts_with(data, size, "\xFF\xD8\xFF", 3))
        return THUMB_FORMAT_JPEG;
    if (starts_with(data, size, "\x89PNG\r\n\x1A\n", 8))
        return THUMB_FORMAT_PNG;
    if (size >= 12 && memcmp(data, "RIFF", 4) == 0 &&
        memcmp(data + 8, "WEBP", 4) == 0)
        return THUMB_FORMAT_WEBP;
    if (starts_with(data, size, "GIF87a", 6) ||
        starts_with(data, size, "GIF89a", 6))
        return THUMB_FORMAT_GIF;
    /* A bare JPEG XL codestream starts with its SOI marker. */
    if (starts_with(data, size, "\xFF\x0A", 2) ||
        starts_with(data, size, jxl_container, sizeof jxl_container))
        return THUMB_FORMAT_JXL;
    return sniff_ftyp_format(data, size);
}

/* Other ISO base media files (MP4, QuickTime, JPEG 2000 part 2...). */
static const char *sniff_ftyp(const uint8_t *data, size_t size) {
    if (size < 12 || memcmp(data + 4, "ftyp", 4) != 0)
        return NULL;
    return "ISO media";
}

static int looks_like_svg(const uint8_t *data, size_t size) {
    /* Skip a byte-order mark and leading white space. */
    size_t i = 0;
    if (starts_with(data, size, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < size && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' ||
                        data[i] == '\n'))
        i++;
    return starts_with(data + i, size - i, "<svg", 4) ||
           starts_with(data + i, size - i, "<?xml", 5);
}

const char *sniff_other_format(const uint8_t *data, size_t size) {
    if (starts_with(data, size, "II*\0", 4) ||
        starts_with(data, size, "MM\0*", 4))
        return "TIFF";
    if (starts_with(data, size, "\0\0\0\x0CjP  ", 8) ||
        starts_with(data, size, "\xFF\x4F\xFF\x51", 4))
        return "JPEG 2000";
    const char *iso = sniff_ftyp(data, size);
    if (iso)
        return iso;
    if (starts_with(data, size, "BM", 2))
        return "BMP";
    if (starts_with(data, size, "%PDF", 4))
        return "PDF";
    if (looks_like_svg(data, size))
        return "SVG";
    return NULL;
}
