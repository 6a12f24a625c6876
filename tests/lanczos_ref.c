/* The exact float64 Lanczos3 the fixed-point resizer is measured against:
 * written from the definition, sharing nothing with src/resize/. */
#include "lanczos_ref.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define REF_PI 3.14159265358979323846

/* A test helper: running out of memory here ends the test program. */
static void *ref_calloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) {
        fprintf(stderr, "lanczos_ref: out of memory (%zu x %zu bytes)\n", count,
                size);
        abort();
    }
    return p;
}

static void *ref_malloc(size_t size) {
    return ref_calloc(size, 1);
}

static double ref_sinc(double x) {
    return x == 0.0 ? 1.0 : sin(REF_PI * x) / (REF_PI * x);
}

static double ref_lanczos3(double x) {
    return fabs(x) < 3.0 ? ref_sinc(x) * ref_sinc(x / 3.0) : 0.0;
}

/* Normalised float64 tap sets of one axis, edges clamped. */
typedef struct ref_axis {
    uint32_t out;
    uint32_t *first, *count;
    size_t *offset;
    double *w;
} ref_axis;

static ref_axis ref_axis_plan(uint32_t src, uint32_t scaled, uint32_t crop,
                              uint32_t out) {
    ref_axis ax = {out, ref_malloc(out * sizeof(uint32_t)),
                   ref_malloc(out * sizeof(uint32_t)),
                   ref_malloc(out * sizeof(size_t)), NULL};
    double scale = (double)src / scaled;
    double widen = scale > 1 ? scale : 1;
    double support = 3.0 * widen;
    size_t total = 0;
    for (uint32_t pass = 0; pass < 2; pass++) {
        if (pass == 1)
            ax.w = ref_calloc(total, sizeof(double));
        total = 0;
        for (uint32_t i = 0; i < out; i++) {
            double centre = (crop + i + 0.5) * scale - 0.5;
            int64_t lo = (int64_t)ceil(centre - support);
            int64_t hi = (int64_t)floor(centre + support);
            int64_t first = lo < 0 ? 0 : lo;
            int64_t last = hi > (int64_t)src - 1 ? (int64_t)src - 1 : hi;
            uint32_t n = (uint32_t)(last - first + 1);
            if (pass == 1) {
                ax.first[i] = (uint32_t)first;
                ax.count[i] = n;
                ax.offset[i] = total;
                double *w = ax.w + total, sum = 0;
                for (int64_t j = lo; j <= hi; j++) {
                    int64_t s = j < first ? first : j > last ? last : j;
                    double v = ref_lanczos3((j - centre) / widen);
                    w[s - first] += v;
                    sum += v;
                }
                for (uint32_t k = 0; k < n; k++)
                    w[k] /= sum;
            }
            total += n;
        }
    }
    return ax;
}

static void ref_axis_free(ref_axis *ax) {
    free(ax->first);
    free(ax->count);
    free(ax->offset);
    free(ax->w);
}

static uint8_t ref_round(double v) {
    return v <= 0 ? 0 : v >= 255 ? 255 : (uint8_t)floor(v + 0.5);
}

/* The whole resize in doubles: premultiplied, separable, unpremultiplied,
 * never rounded. */
double *lanczos_ref_resize_f(const double *src, const lanczos_ref_geometry *g,
                             double max) {
    int ch = g->channels;
    int alpha = ch == 2 || ch == 4;
    ref_axis h = ref_axis_plan(g->src_w, g->scaled_w, g->crop_x, g->dst_w);
    ref_axis v = ref_axis_plan(g->src_h, g->scaled_h, g->crop_y, g->dst_h);
    size_t row_samples = (size_t)g->dst_w * ch;
    double *inter = ref_malloc((size_t)g->src_h * row_samples * sizeof(double));
    double *line = ref_malloc((size_t)g->src_w * ch * sizeof(double));
    uint32_t lo = v.first[0], hi = 0;
    for (uint32_t y = 0; y < v.out; y++) {
        if (v.first[y] < lo)
            lo = v.first[y];
        if (v.first[y] + v.count[y] - 1 > hi)
            hi = v.first[y] + v.count[y] - 1;
    }
    for (uint32_t y = lo; y <= hi; y++) {
        const double *s = src + (size_t)y * g->src_w * ch;
        for (uint32_t x = 0; x < g->src_w; x++) {
            double a = alpha ? s[x * ch + ch - 1] : max;
            for (int c = 0; c < ch; c++) {
                double val = s[x * ch + c];
                line[x * ch + c] = alpha && c < ch - 1 ? val * a / max : val;
            }
        }
        double *out = inter + (size_t)y * row_samples;
        for (uint32_t i = 0; i < h.out; i++) {
            const double *w = h.w + h.offset[i];
            for (int c = 0; c < ch; c++) {
                double acc = 0;
                for (uint32_t k = 0; k < h.count[i]; k++)
                    acc += w[k] * line[(h.first[i] + k) * ch + c];
                out[i * ch + c] = acc;
            }
        }
    }
    double *dst = ref_malloc((size_t)g->dst_w * g->dst_h * ch * sizeof(double));
    double acc[4];
    for (uint32_t y = 0; y < v.out; y++) {
        const double *w = v.w + v.offset[y];
        double *d = dst + (size_t)y * g->dst_w * ch;
        for (uint32_t x = 0; x < g->dst_w; x++) {
            for (int c = 0; c < ch; c++) {
                acc[c] = 0;
                for (uint32_t k = 0; k < v.count[y]; k++)
                    acc[c] +=
                        w[k] * inter[(size_t)(v.first[y] + k) * row_samples +
                                     x * ch + c];
            }
            if (!alpha) {
                for (int c = 0; c < ch; c++)
                    d[x * ch + c] = acc[c];
                continue;
            }
            double a = acc[ch - 1];
            d[x * ch + ch - 1] = a;
            /* What an 8-bit alpha of 0 leaves: no colour. */
            for (int c = 0; c < ch - 1; c++)
                d[x * ch + c] = a < max / 510.0 ? 0 : acc[c] / a * max;
        }
    }
    free(line);
    free(inter);
    ref_axis_free(&h);
    ref_axis_free(&v);
    return dst;
}

uint8_t *lanczos_ref_resize(const uint8_t *src, const lanczos_ref_geometry *g) {
    size_t in = (size_t)g->src_w * g->src_h * g->channels;
    size_t out = (size_t)g->dst_w * g->dst_h * g->channels;
    double *s = ref_malloc(in * sizeof(double));
    for (size_t i = 0; i < in; i++)
        s[i] = src[i];
    double *d = lanczos_ref_resize_f(s, g, 255.0);
    uint8_t *dst = ref_malloc(out);
    for (size_t i = 0; i < out; i++)
        dst[i] = ref_round(d[i]);
    free(s);
    free(d);
    return dst;
}
