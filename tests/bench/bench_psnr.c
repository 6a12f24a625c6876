/* PSNR of each tool's PNG output against the exact float64 Lanczos3
 * (tests/lanczos_ref.c, the tests' own) of the full-resolution decode of the
 * source: libjpeg-turbo with no DCT scaling, libpng, libwebp. The reference is
 * made at each output's own size, so a tool that rounds a dimension differently
 * is still compared with the right image. With alpha, samples are compared
 * premultiplied (c * a / 255): the colour of a transparent pixel is
 * invisible and tools differ on what they store there.
 *
 *   bench_psnr SOURCE OUTPUT.png...
 *
 * Prints one JSON object: {"OUTPUT.png": {"psnr": dB, "width": w, ...}}. */
#include "bench_util.h"
#include "lanczos_ref.h"

#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <webp/decode.h>

#define MAX_SAMPLE 255.0
/* Distinct output sizes whose reference is kept (one per tool at most). */
#define MAX_CACHED 8

typedef struct pixels {
    uint32_t w, h;
    int ch;
    uint8_t *px;
} pixels;

_Noreturn static void fail(const char *what, const char *why) {
    fprintf(stderr, "bench_psnr: %s: %s\n", what, why);
    exit(1);
}

static pixels decode_jpeg(const char *path, const uint8_t *buf, size_t len) {
    tjhandle tj = tjInitDecompress();
    int w, h, subsamp, colorspace;
    if (!tj || tjDecompressHeader3(tj, buf, (unsigned long)len, &w, &h,
                                   &subsamp, &colorspace) != 0)
        fail(path, tjGetErrorStr2(tj));
    pixels p = {(uint32_t)w, (uint32_t)h, 3, malloc((size_t)w * h * 3)};
    if (!p.px || tjDecompress2(tj, buf, (unsigned long)len, p.px, w, 0, h,
                               TJPF_RGB, 0) != 0)
        fail(path, tjGetErrorStr2(tj));
    tjDestroy(tj);
    return p;
}

/* channels 0: whatever the file has (RGB or RGBA); else 3 or 4. */
static pixels decode_png(const char *path, const uint8_t *buf, size_t len,
                         int channels) {
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, buf, len))
        fail(path, img.message);
    if (channels == 0)
        channels = img.format & PNG_FORMAT_FLAG_ALPHA ? 4 : 3;
    img.format = channels == 4 ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
    pixels p = {img.width, img.height, channels, malloc(PNG_IMAGE_SIZE(img))};
    if (!p.px || !png_image_finish_read(&img, NULL, p.px, 0, NULL))
        fail(path, img.message);
    return p;
}

static pixels decode_webp(const char *path, const uint8_t *buf, size_t len) {
    WebPBitstreamFeatures f;
    if (WebPGetFeatures(buf, len, &f) != VP8_STATUS_OK)
        fail(path, "not a WebP file libwebp reads");
    int w, h;
    uint8_t *px = f.has_alpha ? WebPDecodeRGBA(buf, len, &w, &h)
                              : WebPDecodeRGB(buf, len, &w, &h);
    if (!px)
        fail(path, "WebP decode failed");
    pixels p = {(uint32_t)w, (uint32_t)h, f.has_alpha ? 4 : 3, px};
    return p;
}

static pixels decode_source(const char *path) {
    size_t len;
    uint8_t *buf = bench_read_file(path, &len);
    pixels p;
    if (len > 2 && buf[0] == 0xFF && buf[1] == 0xD8)
        p = decode_jpeg(path, buf, len);
    else if (len > 8 && !memcmp(buf, "\x89PNG", 4))
        p = decode_png(path, buf, len, 0);
    else if (len > 12 && !memcmp(buf, "RIFF", 4) && !memcmp(buf + 8, "WEBP", 4))
        p = decode_webp(path, buf, len);
    else
        fail(path, "not JPEG, PNG or WebP");
    free(buf);
    return p;
}

static double sample(const uint8_t *px, size_t i, int ch) {
    if (ch != 4 && ch != 2)
        return px[i];
    size_t pixel = i - i % (size_t)ch;
    int c = (int)(i % (size_t)ch);
    if (c == ch - 1)
        return px[i];
    return px[i] * (double)px[pixel + ch - 1] / MAX_SAMPLE;
}

static double psnr(const pixels *a, const uint8_t *ref) {
    size_t n = (size_t)a->w * a->h * a->ch;
    double se = 0;
    for (size_t i = 0; i < n; i++) {
        double d = sample(a->px, i, a->ch) - sample(ref, i, a->ch);
        se += d * d;
    }
    if (se == 0)
        return INFINITY;
    return 10.0 * log10(MAX_SAMPLE * MAX_SAMPLE * (double)n / se);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: bench_psnr SOURCE OUTPUT.png...\n");
        return 2;
    }
    pixels src = decode_source(argv[1]);
    struct {
        uint32_t w, h;
        uint8_t *px;
        double ms;
    } cache[MAX_CACHED];
    int cached = 0;
    printf("{");
    for (int i = 2; i < argc; i++) {
        size_t len;
        uint8_t *buf = bench_read_file(argv[i], &len);
        pixels out = decode_png(argv[i], buf, len, src.ch);
        free(buf);
        int k = 0;
        while (k < cached && (cache[k].w != out.w || cache[k].h != out.h))
            k++;
        if (k == cached) {
            if (cached == MAX_CACHED)
                fail(argv[i], "too many distinct output sizes");
            double t0 = bench_now_ms();
            lanczos_ref_geometry g = {src.w, src.h, out.w, out.h, 0,
                                      0,     out.w, out.h, src.ch};
            cache[k].px = lanczos_ref_resize(src.px, &g);
            cache[k].w = out.w;
            cache[k].h = out.h;
            cache[k].ms = bench_now_ms() - t0;
            cached++;
        }
        double db = psnr(&out, cache[k].px);
        printf("%s\"%s\":{\"psnr\":", i > 2 ? "," : "", argv[i]);
        if (isinf(db))
            printf("null,\"identical\":true");
        else
            printf("%.3f", db);
        printf(",\"width\":%u,\"height\":%u,\"reference_ms\":%.0f}", out.w,
               out.h, cache[k].ms);
        free(out.px);
    }
    printf("}\n");
    for (int k = 0; k < cached; k++)
        free(cache[k].px);
    free(src.px);
    return 0;
}
