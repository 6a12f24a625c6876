#include "crop.h"

#include "ctx.h"

#include <math.h>
#include <string.h>

/* BT.601 luma in 1/256ths, the weights JPEG's YCbCr uses: the entropy
 * strategy measures luminance alone, as a grey histogram. */
#define LUMA_R 77
#define LUMA_G 150
#define LUMA_B 29
#define LUMA_SHIFT 8
#define HISTOGRAM_BINS 256

/* The entropy strategy trims the overflow in about this many strips on
 * the axis with the most to trim (libvips's choice): fewer strips decide
 * more coarsely, more cost a histogram each. */
#define ENTROPY_STEPS 8

/* Attention, after libvips: the image is averaged down to a grid of at
 * most this many cells per axis and scored there, so that the score
 * follows the shapes of the picture rather than its fine texture
 * (libvips shrinks to 32x32 too). Windows are still placed to the pixel,
 * by interpolating inside cells. */
#define ATTENTION_GRID 32
/* Edges: |Laplacian| of the cells' luminance Y (0..100), times libvips's
 * gain of 5, so that a clear edge outweighs a skin or saturated cell. */
#define EDGE_GAIN 5.0
/* Skin: how close a cell's colour, as a unit RGB vector, is to this skin
 * tone (smartcrop.js's, which libvips uses), on a 0..100 scale. */
#define SKIN_R 0.78
#define SKIN_G 0.57
#define SKIN_B 0.44
#define SKIN_SCALE 100.0
/* Skin and saturation are not looked for in cells darker than this Y
 * (0..100): noise there has no meaningful colour. */
#define DARK_Y 5.0
/* Windows scoring within this fraction of the best are taken as equally
 * good; of those, the one centred nearest the salient mass of the best
 * wins, so a subject smaller than the window ends up in its middle, as
 * libvips centres its window on the peak. */
#define ATTENTION_TIE_FRACTION 0.02

/* sRGB to CIELAB: the D65 white point and the CIE constants. */
#define WHITE_X 0.95047
#define WHITE_Z 1.08883
#define LAB_EPSILON (216.0 / 24389.0) /* (6/29)^3 */
#define LAB_KAPPA (24389.0 / 27.0)

/* Luminance of one pixel, premultiplied by its alpha: a transparent
 * pixel's colour is never seen, so it counts as black. */
static inline uint32_t pixel_luma(const uint8_t *p, int channels) {
    uint32_t y = p[0];
    if (channels >= 3)
        y = (LUMA_R * p[0] + LUMA_G * p[1] + LUMA_B * p[2] +
             (1u << (LUMA_SHIFT - 1))) >>
            LUMA_SHIFT;
    if (channels_have_alpha(channels))
        y = (y * p[channels - 1] + 127) / 255;
    return y;
}

/* Shannon entropy in bits of the luminance histogram of a region. */
static double region_entropy(const image *img, uint32_t x0, uint32_t y0,
                             uint32_t width, uint32_t height) {
    uint64_t hist[HISTOGRAM_BINS] = {0};
    int n = img->channels;
    for (uint32_t y = y0; y < y0 + height; y++) {
        const uint8_t *p = image_row(img, y) + (size_t)x0 * n;
        for (uint32_t x = 0; x < width; x++, p += n)
            hist[pixel_luma(p, n)]++;
    }
    double total = (double)width * height, bits = 0;
    for (int i = 0; i < HISTOGRAM_BINS; i++) {
        if (hist[i]) {
            double p = hist[i] / total;
            bits -= p * log2(p);
        }
    }
    return bits;
}

/* libvips's entropy crop: take a strip off each axis that still
 * overflows, from the side whose strip has the lower entropy (the
 * far side when they tie), until the window is left. */
static void find_entropy(const image *img, uint32_t width, uint32_t height,
                         uint32_t *left, uint32_t *top) {
    uint32_t w = img->width, h = img->height;
    uint32_t dx = w - width, dy = h - height;
    uint32_t slice = (dx > dy ? dx : dy) / ENTROPY_STEPS +
                     ((dx > dy ? dx : dy) % ENTROPY_STEPS != 0);
    *left = *top = 0;
    while (w > width || h > height) {
        uint32_t sw = w - width < slice ? w - width : slice;
        uint32_t sh = h - height < slice ? h - height : slice;
        if (sw) {
            double l = region_entropy(img, *left, *top, sw, h);
            double r = region_entropy(img, *left + w - sw, *top, sw, h);
            w -= sw;
            if (l < r)
                *left += sw;
        }
        if (sh) {
            double t = region_entropy(img, *left, *top, w, sh);
            double b = region_entropy(img, *left, *top + h - sh, w, sh);
            h -= sh;
            if (t < b)
                *top += sh;
        }
    }
}

/* The first pixel of cell i of n on an axis of size pixels: pixel p is
 * in cell p * n / size. */
static uint32_t cell_start(uint32_t i, uint32_t n, uint32_t size) {
    return (uint32_t)(((uint64_t)i * size + n - 1) / n);
}

/* The interest of the image summed over a gw x gh grid of cells, as a
 * summed-area table of (gw + 1) x (gh + 1) entries. */
typedef struct interest_grid {
    uint32_t gw, gh;
    uint32_t width, height; /* of the image */
    double *sums;
} interest_grid;

typedef struct cell_colour {
    double r, g, b; /* sum of the cell's sRGB samples, then their mean */
    double y;       /* luminance 0..100 */
    uint32_t count; /* pixels */
} cell_colour;

static double srgb_to_linear(double v) {
    v /= 255;
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static double lab_f(double t) {
    return t > LAB_EPSILON ? cbrt(t) : (LAB_KAPPA * t + 16) / 116;
}

/* Skin and saturation of one cell (edges need its neighbours). */
static double cell_colour_interest(const cell_colour *c) {
    if (c->y <= DARK_Y)
        return 0;
    double norm = sqrt(c->r * c->r + c->g * c->g + c->b * c->b);
    double dr = c->r / norm - SKIN_R, dg = c->g / norm - SKIN_G,
           db = c->b / norm - SKIN_B;
    double skin = SKIN_SCALE * (1 - sqrt(dr * dr + dg * dg + db * db));
    double r = srgb_to_linear(c->r), g = srgb_to_linear(c->g),
           b = srgb_to_linear(c->b);
    double fx = lab_f((0.4124 * r + 0.3576 * g + 0.1805 * b) / WHITE_X);
    double fy = lab_f(0.2126 * r + 0.7152 * g + 0.0722 * b);
    double fz = lab_f((0.0193 * r + 0.1192 * g + 0.9505 * b) / WHITE_Z);
    double a = 500 * (fx - fy), bb = 200 * (fy - fz);
    return (skin > 0 ? skin : 0) + sqrt(a * a + bb * bb);
}

static thumb_status grid_fill(thumb_ctx *ctx, const image *img,
                              interest_grid *g) {
    uint32_t w = img->width, h = img->height;
    g->gw = w < ATTENTION_GRID ? w : ATTENTION_GRID;
    g->gh = h < ATTENTION_GRID ? h : ATTENTION_GRID;
    g->width = w;
    g->height = h;
    size_t stride = (size_t)g->gw + 1;
    g->sums = ctx_calloc(ctx, stride * (g->gh + 1), sizeof *g->sums);
    cell_colour *cells = ctx_calloc(ctx, (size_t)g->gw * g->gh, sizeof *cells);
    if (!g->sums || !cells) {
        ctx_free(ctx, cells);
        return THUMB_ERR_NOMEM;
    }
    /* Mean colour per cell, premultiplied by alpha (composited on black:
     * a transparent pixel's colour is never seen). */
    int n = img->channels;
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *p = image_row(img, y);
        cell_colour *row = cells + (size_t)((uint64_t)y * g->gh / h) * g->gw;
        for (uint32_t x = 0; x < w; x++, p += n) {
            cell_colour *c = row + (uint64_t)x * g->gw / w;
            double alpha = channels_have_alpha(n) ? p[n - 1] / 255.0 : 1;
            c->r += p[0] * alpha;
            c->g += p[n >= 3 ? 1 : 0] * alpha;
            c->b += p[n >= 3 ? 2 : 0] * alpha;
            c->count++;
        }
    }
    for (size_t i = 0; i < (size_t)g->gw * g->gh; i++) {
        cell_colour *c = &cells[i];
        c->r /= c->count, c->g /= c->count, c->b /= c->count;
        c->y = 100 *
               (0.2126 * srgb_to_linear(c->r) + 0.7152 * srgb_to_linear(c->g) +
                0.0722 * srgb_to_linear(c->b));
    }
    /* Each cell's interest times its pixel count, in table entry
     * (cy + 1, cx + 1), then summed into the table. */
    for (uint32_t cy = 0; cy < g->gh; cy++) {
        const cell_colour *row = cells + (size_t)cy * g->gw;
        const cell_colour *up = cy ? row - g->gw : row;
        const cell_colour *down = cy + 1 < g->gh ? row + g->gw : row;
        for (uint32_t cx = 0; cx < g->gw; cx++) {
            uint32_t l = cx ? cx - 1 : cx, r = cx + 1 < g->gw ? cx + 1 : cx;
            double edge = EDGE_GAIN * fabs(4 * row[cx].y - row[l].y - row[r].y -
                                           up[cx].y - down[cx].y);
            g->sums[(cy + 1) * stride + cx + 1] =
                (edge + cell_colour_interest(&row[cx])) * row[cx].count;
        }
    }
    ctx_free(ctx, cells);
    for (uint32_t cy = 1; cy <= g->gh; cy++)
        for (uint32_t cx = 1; cx <= g->gw; cx++)
            g->sums[cy * stride + cx] += g->sums[cy * stride + cx - 1] +
                                         g->sums[(cy - 1) * stride + cx] -
                                         g->sums[(cy - 1) * stride + cx - 1];
    return THUMB_OK;
}

/* A pixel coordinate (0..size) in cells, fractional inside a cell. */
static double to_cells(uint32_t px, uint32_t n, uint32_t size) {
    if (px >= size)
        return n;
    uint32_t i = (uint32_t)((uint64_t)px * n / size);
    uint32_t start = cell_start(i, n, size), end = cell_start(i + 1, n, size);
    return i + (double)(px - start) / (end - start);
}

/* The summed-area table at pixel (x, y), interpolated bilinearly: exact
 * when the interest is spread evenly inside each cell. */
static double grid_sum_to(const interest_grid *g, uint32_t x, uint32_t y) {
    double cx = to_cells(x, g->gw, g->width);
    double cy = to_cells(y, g->gh, g->height);
    uint32_t i = (uint32_t)cx, j = (uint32_t)cy;
    if (i == g->gw)
        i--;
    if (j == g->gh)
        j--;
    double fx = cx - i, fy = cy - j;
    const double *r0 = g->sums + (size_t)j * (g->gw + 1);
    const double *r1 = r0 + g->gw + 1;
    double top = r0[i] + (r0[i + 1] - r0[i]) * fx;
    double bottom = r1[i] + (r1[i + 1] - r1[i]) * fx;
    return top + (bottom - top) * fy;
}

static double window_sum(const interest_grid *g, uint32_t x, uint32_t y,
                         uint32_t width, uint32_t height) {
    return grid_sum_to(g, x + width, y + height) -
           grid_sum_to(g, x, y + height) - grid_sum_to(g, x + width, y) +
           grid_sum_to(g, x, y);
}

/* The interest-weighted centre of the cells whose centres fall inside the
 * window, in pixels; the window's own centre when it has none. */
static void window_centroid(const interest_grid *g, uint32_t x, uint32_t y,
                            uint32_t width, uint32_t height, double *mx,
                            double *my) {
    size_t stride = (size_t)g->gw + 1;
    double mass = 0, sx = 0, sy = 0;
    for (uint32_t cy = 0; cy < g->gh; cy++) {
        double py = (cell_start(cy, g->gh, g->height) +
                     cell_start(cy + 1, g->gh, g->height)) /
                    2.0;
        if (py < y || py >= (double)y + height)
            continue;
        for (uint32_t cx = 0; cx < g->gw; cx++) {
            double px = (cell_start(cx, g->gw, g->width) +
                         cell_start(cx + 1, g->gw, g->width)) /
                        2.0;
            if (px < x || px >= (double)x + width)
                continue;
            const double *s = g->sums + cy * stride + cx;
            double v = s[stride + 1] - s[stride] - s[1] + s[0];
            mass += v, sx += v * px, sy += v * py;
        }
    }
    *mx = mass > 0 ? sx / mass : x + width / 2.0;
    *my = mass > 0 ? sy / mass : y + height / 2.0;
}

static thumb_status find_attention(thumb_ctx *ctx, const image *img,
                                   uint32_t width, uint32_t height,
                                   uint32_t *left, uint32_t *top) {
    interest_grid g;
    thumb_status st = grid_fill(ctx, img, &g);
    if (st != THUMB_OK) {
        ctx_free(ctx, g.sums);
        return st;
    }
    uint32_t max_x = img->width - width, max_y = img->height - height;
    uint32_t bx = max_x / 2, by = max_y / 2;
    double best = -1;
    for (uint32_t y = 0; y <= max_y; y++)
        for (uint32_t x = 0; x <= max_x; x++) {
            double s = window_sum(&g, x, y, width, height);
            if (s > best)
                best = s, bx = x, by = y;
        }
    double mx, my;
    window_centroid(&g, bx, by, width, height, &mx, &my);
    double good = best * (1 - ATTENTION_TIE_FRACTION), nearest = INFINITY;
    for (uint32_t y = 0; y <= max_y; y++)
        for (uint32_t x = 0; x <= max_x; x++) {
            if (window_sum(&g, x, y, width, height) < good)
                continue;
            double dx = x + width / 2.0 - mx, dy = y + height / 2.0 - my;
            if (dx * dx + dy * dy < nearest)
                nearest = dx * dx + dy * dy, *left = x, *top = y;
        }
    ctx_free(ctx, g.sums);
    return THUMB_OK;
}

thumb_status crop_find(thumb_ctx *ctx, thumb_crop strategy, const image *img,
                       uint32_t width, uint32_t height, uint32_t *x,
                       uint32_t *y) {
    /* Centre, rounding down like vips_smartcrop's centre mode. */
    *x = (img->width - width) / 2;
    *y = (img->height - height) / 2;
    if (width == img->width && height == img->height)
        return THUMB_OK;
    switch (strategy) {
    case THUMB_CROP_ENTROPY:
        find_entropy(img, width, height, x, y);
        return THUMB_OK;
    case THUMB_CROP_ATTENTION:
        return find_attention(ctx, img, width, height, x, y);
    default:
        return THUMB_OK;
    }
}

void crop_extract(image *img, uint32_t x, uint32_t y, uint32_t width,
                  uint32_t height) {
    size_t pixel = image_pixel_bytes(img);
    size_t row_bytes = (size_t)width * pixel;
    /* Each window row starts at or after where it goes: memmove top to
     * bottom never overwrites a row not yet moved. */
    for (uint32_t r = 0; r < height; r++)
        memmove(img->px + r * row_bytes,
                image_row(img, y + r) + (size_t)x * pixel, row_bytes);
    img->width = width;
    img->height = height;
    img->stride = row_bytes;
}
