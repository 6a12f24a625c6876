/* The portable kernels: the definition the SIMD kernels must reproduce,
 * and the fallback on a CPU without any of them. */
#include "resize_kernels.h"

static void premultiply_scalar(const uint8_t *src, int16_t *dst, uint32_t width,
                               int channels) {
    const int colours = channels - 1;
    for (uint32_t x = 0; x < width; x++) {
        uint32_t a = src[colours];
        for (int c = 0; c < colours; c++)
            dst[c] = resize_premul(src[c], a);
        dst[colours] = (int16_t)(a << INTER_BITS);
        src += channels;
        dst += channels;
    }
}

static void vertical_u8_scalar(const uint8_t *const *rows, const int16_t *w,
                               uint32_t taps, size_t len, int16_t *out) {
    for (size_t i = 0; i < len; i++) {
        int32_t acc = 1 << (V_SHIFT_U8 - 1);
        for (uint32_t k = 0; k < taps; k++)
            acc += w[k] * rows[k][i];
        out[i] = resize_sat16(resize_floor_shift(acc, V_SHIFT_U8));
    }
}

static void vertical_q6_scalar(const int16_t *const *rows, const int16_t *w,
                               uint32_t taps, size_t len, int16_t *out) {
    for (size_t i = 0; i < len; i++) {
        int32_t acc = 1 << (V_SHIFT_Q6 - 1);
        for (uint32_t k = 0; k < taps; k++)
            acc += w[k] * rows[k][i];
        out[i] = resize_sat16(resize_floor_shift(acc, V_SHIFT_Q6));
    }
}

/* `channels` is a constant at every call site, so the loops unroll. */
static inline void horizontal_n(const resize_axis *ax, const int16_t *src,
                                uint8_t *dst, const int channels,
                                const int alpha) {
    for (uint32_t i = 0; i < ax->out_count; i++) {
        const int16_t *w = ax->weights + (size_t)i * ax->tap_stride;
        const int16_t *s = src + (size_t)ax->first[i] * channels;
        uint32_t n = ax->count[i];
        int32_t acc[4] = {0, 0, 0, 0};
        for (uint32_t k = 0; k < n; k++)
            for (int c = 0; c < channels; c++)
                acc[c] += w[k] * s[k * channels + c];
        if (alpha) {
            resize_unpremultiply(acc, dst, channels);
        } else {
            for (int c = 0; c < channels; c++)
                dst[c] = resize_sat8(
                    resize_floor_shift(acc[c] + (1 << (H_SHIFT - 1)), H_SHIFT));
        }
        dst += channels;
    }
}

static void horizontal_scalar(const resize_axis *ax, const int16_t *src,
                              uint8_t *dst, int channels) {
    switch (channels) {
    case 1:
        horizontal_n(ax, src, dst, 1, 0);
        break;
    case 2:
        horizontal_n(ax, src, dst, 2, 1);
        break;
    case 3:
        horizontal_n(ax, src, dst, 3, 0);
        break;
    default:
        horizontal_n(ax, src, dst, 4, 1);
        break;
    }
}

static void horizontal_q6_scalar(const resize_axis *ax, const int16_t *src,
                                 int16_t *dst, int channels) {
    for (uint32_t i = 0; i < ax->out_count; i++) {
        const int16_t *w = ax->weights + (size_t)i * ax->tap_stride;
        const int16_t *s = src + (size_t)ax->first[i] * channels;
        uint32_t n = ax->count[i];
        for (int c = 0; c < channels; c++) {
            int32_t acc = 1 << (V_SHIFT_Q6 - 1);
            for (uint32_t k = 0; k < n; k++)
                acc += w[k] * s[k * channels + c];
            dst[c] = resize_sat16(resize_floor_shift(acc, V_SHIFT_Q6));
        }
        dst += channels;
    }
}

const resize_kernels resize_kernels_scalar = {
    "scalar",
    premultiply_scalar,
    vertical_u8_scalar,
    vertical_q6_scalar,
    horizontal_scalar,
    horizontal_q6_scalar,
    /* The definitions: resize.c runs premultiply and horizontal_q6, and
     * resize_unpremultiply_q6() per pixel. */
    NULL,
    NULL,
    NULL,
    0,
};
