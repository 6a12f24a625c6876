#include "sniff.h"

#include <string.h>

static int starts_with(const uint8_t *data, size_t size, const void *magic,
                       size_t len) {
    return size >= len && memcmp(data, magic, len) == 0;
}

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
    return THUMB_FORMAT_AUTO;
}

/* ISO base media files (AVIF, HEIC) say what they are in the ftyp box. */
static const char *sniff_ftyp(const uint8_t *data, size_t size) {
    if (size < 12 || memcmp(data + 4, "ftyp", 4) != 0)
        return NULL;
    const uint8_t *brand = data + 8;
    if (memcmp(brand, "avif", 4) == 0 || memcmp(brand, "avis", 4) == 0)
        return "AVIF";
    if (memcmp(brand, "heic", 4) == 0 || memcmp(brand, "heix", 4) == 0 ||
        memcmp(brand, "mif1", 4) == 0 || memcmp(brand, "msf1", 4) == 0)
        return "HEIF";
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
    if (starts_with(data, size, "\xFF\x0A", 2))
        return "JPEG XL";
    if (looks_like_svg(data, size))
        return "SVG";
    return NULL;
}
