/* A reader of the few HEIF boxes heif_boxes.h names (ISO/IEC 14496-12
 * box syntax, ISO/IEC 23008-12 items and properties). Every read is
 * bounded by the box that holds it; a malformed box ends the walk of its
 * parent, and the caller gets "not found". */
#include "heif_boxes.h"

#include <math.h>
#include <string.h>

#define BOX_HEADER 8
#define BOX_LARGE_HEADER 16
#define FULLBOX_FIELDS 4 /* version and 24 bits of flags */
/* ipma: a 16-bit association (with flags bit 0) or an 8-bit one, the top
 * bit of each saying "essential". */
#define IPMA_WIDE_FLAG 1
#define IPMA_INDEX_MASK_WIDE 0x7FFF
#define IPMA_INDEX_MASK_NARROW 0x7F
/* irot: the low two bits count anticlockwise quarter turns; imir: bit 0
 * is the axis, 0 flipping top and bottom, 1 left and right (as libheif and
 * libavif read it; ISO/IEC 23008-12's wording was changed over this). */
#define IROT_ANGLE_MASK 3
#define IMIR_AXIS_MASK 1
#define CLAP_FIELDS 8
#define EXIF_ORIENTATIONS 8

typedef struct box {
    char type[HEIF_FOURCC_BYTES];
    const uint8_t *body;
    size_t size; /* of the body */
} box;

static uint32_t rd16(const uint8_t *p) {
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t rd32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/* The box at *at within [start, start + size); advances *at past it. 0 at
 * the end or at a box that does not fit. */
static int next_box(const uint8_t *start, size_t size, size_t *at, box *b) {
    if (*at > size || size - *at < BOX_HEADER)
        return 0;
    const uint8_t *p = start + *at;
    size_t left = size - *at;
    uint64_t total = rd32(p);
    size_t header = BOX_HEADER;
    if (total == 1) {
        if (left < BOX_LARGE_HEADER)
            return 0;
        total = (uint64_t)rd32(p + BOX_HEADER) << 32 | rd32(p + BOX_HEADER + 4);
        header = BOX_LARGE_HEADER;
    } else if (total == 0) {
        total = left; /* to the end of its parent */
    }
    if (total < header || total > left)
        return 0;
    memcpy(b->type, p + 4, HEIF_FOURCC_BYTES);
    b->body = p + header;
    b->size = (size_t)total - header;
    *at += (size_t)total;
    return 1;
}

/* The first child of this type in the body of a box (skipping `skip`
 * bytes of its own fields first). */
static int find_box(const uint8_t *body, size_t size, size_t skip,
                    const char *type, box *out) {
    size_t at = skip;
    box b;
    while (next_box(body, size, &at, &b))
        if (memcmp(b.type, type, HEIF_FOURCC_BYTES) == 0) {
            *out = b;
            return 1;
        }
    return 0;
}

static int find_meta(const uint8_t *data, size_t size, box *meta) {
    return find_box(data, size, 0, "meta", meta) &&
           meta->size >= FULLBOX_FIELDS;
}

int heif_boxes_has_top_level(const uint8_t *data, size_t size,
                             const char *type) {
    box b;
    return find_box(data, size, 0, type, &b);
}

uint32_t heif_boxes_primary(const uint8_t *data, size_t size) {
    box meta, pitm;
    if (!find_meta(data, size, &meta) ||
        !find_box(meta.body, meta.size, FULLBOX_FIELDS, "pitm", &pitm))
        return 0;
    if (pitm.size >= FULLBOX_FIELDS + 2 && pitm.body[0] == 0)
        return rd16(pitm.body + FULLBOX_FIELDS);
    if (pitm.size >= FULLBOX_FIELDS + 4)
        return rd32(pitm.body + FULLBOX_FIELDS);
    return 0;
}

/* The item type from its infe entry (versions 2 and 3 carry one). */
static void item_type(const box *meta, uint32_t item, heif_item_props *p) {
    box iinf;
    if (!find_box(meta->body, meta->size, FULLBOX_FIELDS, "iinf", &iinf) ||
        iinf.size < FULLBOX_FIELDS)
        return;
    size_t skip = FULLBOX_FIELDS + (iinf.body[0] == 0 ? 2 : 4);
    size_t at = skip;
    box infe;
    while (next_box(iinf.body, iinf.size, &at, &infe)) {
        if (memcmp(infe.type, "infe", HEIF_FOURCC_BYTES) != 0 ||
            infe.size < FULLBOX_FIELDS)
            continue;
        int version = infe.body[0];
        size_t id_bytes = version == 2 ? 2 : 4;
        size_t need = FULLBOX_FIELDS + id_bytes + 2 + HEIF_FOURCC_BYTES;
        if ((version != 2 && version != 3) || infe.size < need)
            continue;
        const uint8_t *f = infe.body + FULLBOX_FIELDS;
        uint32_t id = id_bytes == 2 ? rd16(f) : rd32(f);
        if (id == item) {
            memcpy(p->type, f + id_bytes + 2, HEIF_FOURCC_BYTES);
            return;
        }
    }
}

/* Property `index` (1-based) of ipco. */
static int property(const box *ipco, uint32_t index, box *out) {
    size_t at = 0;
    for (uint32_t i = 1; next_box(ipco->body, ipco->size, &at, out); i++)
        if (i == index)
            return 1;
    return 0;
}

/* EXIF orientation after one more anticlockwise quarter turn, or a mirror
 * about the vertical (left-right) or horizontal axis, of an image shown
 * with orientation o (index o - 1). */
static const uint8_t turn_ccw[EXIF_ORIENTATIONS] = {8, 5, 6, 7, 4, 1, 2, 3};
static const uint8_t mirror_lr[EXIF_ORIENTATIONS] = {2, 1, 4, 3, 6, 5, 8, 7};
static const uint8_t mirror_tb[EXIF_ORIENTATIONS] = {4, 3, 2, 1, 8, 7, 6, 5};

static void apply_property(const box *b, heif_item_props *p) {
    if (memcmp(b->type, "irot", HEIF_FOURCC_BYTES) == 0 && b->size >= 1) {
        for (int i = 0; i < (b->body[0] & IROT_ANGLE_MASK); i++)
            p->orientation = turn_ccw[p->orientation - 1];
    } else if (memcmp(b->type, "imir", HEIF_FOURCC_BYTES) == 0 &&
               b->size >= 1) {
        p->orientation = (b->body[0] & IMIR_AXIS_MASK)
                             ? mirror_lr[p->orientation - 1]
                             : mirror_tb[p->orientation - 1];
    } else if (memcmp(b->type, "clap", HEIF_FOURCC_BYTES) == 0 &&
               b->size >= (size_t)CLAP_FIELDS * 4) {
        int64_t v[CLAP_FIELDS];
        for (int i = 0; i < CLAP_FIELDS; i++) {
            uint32_t u = rd32(b->body + (size_t)4 * (size_t)i);
            /* Widths and heights are unsigned, offsets signed. */
            v[i] = (i == 4 || i == 6) ? (int64_t)(int32_t)u : (int64_t)u;
        }
        p->clap = (heif_clap){v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
        p->clap_after_turn |= p->orientation != 1;
        p->has_clap = 1;
    }
}

/* Applies the item's associations of one ipma entry list. 1 when the
 * item was found in it. */
static int apply_ipma(const box *ipma, const box *ipco, uint32_t item,
                      heif_item_props *p) {
    if (ipma->size < FULLBOX_FIELDS + 4)
        return 0;
    const uint8_t *q = ipma->body, *end = ipma->body + ipma->size;
    int version = q[0], wide = q[3] & IPMA_WIDE_FLAG;
    uint32_t entries = rd32(q + FULLBOX_FIELDS);
    q += FULLBOX_FIELDS + 4;
    size_t id_bytes = version < 1 ? 2 : 4, assoc_bytes = wide ? 2 : 1;
    for (uint32_t e = 0; e < entries; e++) {
        if ((size_t)(end - q) < id_bytes + 1)
            return 0;
        uint32_t id = id_bytes == 2 ? rd16(q) : rd32(q);
        unsigned count = q[id_bytes];
        q += id_bytes + 1;
        if ((size_t)(end - q) < count * assoc_bytes)
            return 0;
        if (id != item) {
            q += count * assoc_bytes;
            continue;
        }
        for (unsigned a = 0; a < count; a++, q += assoc_bytes) {
            uint32_t index = wide ? rd16(q) & IPMA_INDEX_MASK_WIDE
                                  : q[0] & IPMA_INDEX_MASK_NARROW;
            box prop;
            if (index && property(ipco, index, &prop))
                apply_property(&prop, p);
        }
        return 1;
    }
    return 0;
}

int heif_boxes_item(const uint8_t *data, size_t size, uint32_t item,
                    heif_item_props *props) {
    memset(props, 0, sizeof *props);
    props->orientation = 1;
    box meta, iprp, ipco, ipma;
    if (!find_meta(data, size, &meta))
        return 0;
    item_type(&meta, item, props);
    if (!find_box(meta.body, meta.size, FULLBOX_FIELDS, "iprp", &iprp) ||
        !find_box(iprp.body, iprp.size, 0, "ipco", &ipco))
        return 0;
    /* The first ipma box that lists the item (libheif reads the first). */
    size_t at = 0;
    while (next_box(iprp.body, iprp.size, &at, &ipma))
        if (memcmp(ipma.type, "ipma", HEIF_FOURCC_BYTES) == 0 &&
            apply_ipma(&ipma, &ipco, item, props))
            return 1;
    return 0;
}

int heif_clap_window(const heif_clap *c, uint32_t width, uint32_t height,
                     uint32_t *left, uint32_t *top, uint32_t *crop_width,
                     uint32_t *crop_height) {
    if (c->width_d <= 0 || c->height_d <= 0 || c->hoff_d <= 0 || c->voff_d <= 0)
        return 0;
    double cw = (double)c->width_n / (double)c->width_d;
    double ch = (double)c->height_n / (double)c->height_d;
    /* The window is centred on the image's centre moved by the offset:
     * its left edge at off + (width - cw) / 2. */
    double l = floor((double)c->hoff_n / (double)c->hoff_d +
                     ((double)width - cw) / 2.0);
    double t = floor((double)c->voff_n / (double)c->voff_d +
                     ((double)height - ch) / 2.0);
    double r = floor((double)c->hoff_n / (double)c->hoff_d +
                     ((double)width + cw) / 2.0 - 1.0);
    double b = floor((double)c->voff_n / (double)c->voff_d +
                     ((double)height + ch) / 2.0 - 1.0);
    if (!isfinite(l) || !isfinite(t) || !isfinite(r) || !isfinite(b) || l < 0 ||
        t < 0 || r < l || b < t || r >= (double)width || b >= (double)height)
        return 0;
    *left = (uint32_t)l;
    *top = (uint32_t)t;
    *crop_width = (uint32_t)(r - l) + 1;
    *crop_height = (uint32_t)(b - t) + 1;
    return 1;
}
