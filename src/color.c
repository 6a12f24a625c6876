/* Colour management with lcms2 (2.8 or later for cmsFLAGS_COPY_ALPHA).
 *
 * Every transform gets its own lcms2 context, created with a memory
 * plugin that sends lcms2's allocations to the thumb_ctx allocator, so no
 * state is shared between threads and the caller's allocator sees the
 * profile parsing and the transform's tables. One exception, which
 * lcms2's design forces: cmsCreateContext() and cmsDeleteContext()
 * allocate and free the context struct itself (about 1 KiB) through a
 * temporary context that cmsGetContextUserData() cannot see, so the
 * plugin finds no heap for that one block and uses the C library's
 * malloc and free for it, symmetrically. */
#include "color.h"

#include "ctx.h"

#include <lcms2.h>
#include <lcms2_plugin.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ICC header (ICC.1:2010, 7.2): the data colour space signature sits at
 * bytes 16..19; a profile is at least its 128-byte header. */
#define ICC_HEADER_SIZE 128
#define ICC_COLOR_SPACE_OFFSET 16
/* The creation date and time: six big-endian 16-bit numbers from byte
 * 24. lcms2 stamps the current time there; a fixed one keeps outputs
 * identical byte for byte from run to run (caches, ETags, tests that
 * compare files). Any fixed date would do: this one is that of the
 * original sRGB IEC61966-2.1 profile, 1998-02-09 06:49:00. */
#define ICC_DATE_OFFSET 24
static const uint8_t SRGB_PROFILE_DATE[] = {0x07, 0xCE, 0, 2,  0, 9,
                                            0,    6,    0, 49, 0, 0};

/* Black point compensation maps a CMYK profile's black to sRGB's, as
 * Photoshop's default conversion does. Without it the profile's black
 * (its darkest ink mix) lands on a washed-out grey under the relative
 * colorimetric intent. RGB and grey profiles' black is 0 already, and
 * their transforms skip the cost of detecting it. */
#define COLOR_CMYK_FLAGS cmsFLAGS_BLACKPOINTCOMPENSATION

/* lcms2's memory and mutex plugin interfaces appeared in 2.6 (2060). */
#define LCMS_PLUGIN_VERSION 2060

/* sRGB's tone curve (IEC 61966-2-1) as lcms2's parametric type 4:
 * Y = (aX + b)^g for X >= d, Y = cX below. */
#define SRGB_CURVE_TYPE 4
static const cmsFloat64Number SRGB_CURVE[5] = {2.4, 1.0 / 1.055, 0.055 / 1.055,
                                               1.0 / 12.92, 0.04045};

/* ---- memory: lcms2 allocates through the thumb_ctx ---------------------- */

/* lcms2 2.14 is not reliable when an allocation fails: some paths leak
 * what they had allocated, and some build a transform with a stage whose
 * data is missing (MatrixElemDup does not check _cmsDupMem), which fails
 * later or crashes. So every block lcms2 takes is on a list of its
 * context's heap, freed when the context goes, and a context that ever
 * saw an allocation fail is not trusted: whatever it built is thrown away
 * and the run fails with THUMB_ERR_NOMEM. What remains is that lcms2 may
 * dereference a NULL inside cmsCreateTransform itself on such a failure;
 * only an lcms2 fix can close that. */
typedef union heap_block {
    struct {
        union heap_block *prev, *next;
    } link;
    /* Only its size counts: the user's block that follows is aligned. */
    /* cppcheck-suppress unusedStructMember */
    max_align_t align;
} heap_block;

typedef struct color_heap {
    thumb_ctx *ctx;
    heap_block head; /* circular list of live blocks */
    int failed;      /* an allocation was refused */
} color_heap;

static void heap_init(color_heap *h, thumb_ctx *ctx) {
    h->ctx = ctx;
    h->head.link.prev = h->head.link.next = &h->head;
    h->failed = 0;
}

static void heap_link(color_heap *h, heap_block *b) {
    b->link.next = h->head.link.next;
    b->link.prev = &h->head;
    h->head.link.next->link.prev = b;
    h->head.link.next = b;
}

static void heap_unlink(heap_block *b) {
    b->link.prev->link.next = b->link.next;
    b->link.next->link.prev = b->link.prev;
}

/* Frees what lcms2 left behind. */
static void heap_release(color_heap *h) {
    while (h->head.link.next != &h->head) {
        heap_block *b = h->head.link.next;
        heap_unlink(b);
        ctx_free(h->ctx, b);
    }
}

static void *lcms_malloc(cmsContext id, cmsUInt32Number size) {
    color_heap *h = cmsGetContextUserData(id);
    if (!h) /* the context struct itself: see the top of the file */
        return malloc(size);
    heap_block *b = ctx_malloc(h->ctx, sizeof *b + size);
    if (!b) {
        h->failed = 1;
        return NULL;
    }
    heap_link(h, b);
    return b + 1;
}

static void lcms_free(cmsContext id, void *ptr) {
    color_heap *h = cmsGetContextUserData(id);
    if (!h) {
        free(ptr);
        return;
    }
    if (!ptr)
        return;
    heap_block *b = (heap_block *)ptr - 1;
    heap_unlink(b);
    ctx_free(h->ctx, b);
}

static void *lcms_realloc(cmsContext id, void *ptr, cmsUInt32Number size) {
    color_heap *h = cmsGetContextUserData(id);
    if (!h)
        return realloc(ptr, size);
    if (!ptr)
        return lcms_malloc(id, size);
    heap_block *old = (heap_block *)ptr - 1;
    heap_unlink(old);
    heap_block *b = ctx_realloc(h->ctx, old, sizeof *b + size);
    if (!b) {
        h->failed = 1;
        heap_link(h, old); /* still lcms2's */
        return NULL;
    }
    heap_link(h, b);
    return b + 1;
}

/* ---- mutexes: none needed ------------------------------------------- */

/* Each lcms2 context here belongs to one transform of one thumb_ctx, used
 * by one thread, so the locks lcms2 takes around a profile's I/O guard
 * nothing. No-op mutexes also avoid lcms2 2.14's default ones, which call
 * pthread_mutex_init() on a failed allocation and crash. */
static const char color_no_mutex = 0;

static void *mutex_create(cmsContext id) {
    (void)id;
    return (void *)&color_no_mutex; /* never written through */
}

static void mutex_destroy(cmsContext id, void *mutex) {
    (void)id;
    (void)mutex;
}

static cmsBool mutex_lock(cmsContext id, void *mutex) {
    (void)id;
    (void)mutex;
    return TRUE;
}

static void mutex_unlock(cmsContext id, void *mutex) {
    (void)id;
    (void)mutex;
}

static const cmsPluginMutex color_mutex_plugin = {
    .base = {.Magic = cmsPluginMagicNumber,
             .ExpectedVersion = LCMS_PLUGIN_VERSION,
             .Type = cmsPluginMutexSig,
             .Next = NULL},
    .CreateMutexPtr = mutex_create,
    .DestroyMutexPtr = mutex_destroy,
    .LockMutexPtr = mutex_lock,
    .UnlockMutexPtr = mutex_unlock,
};

/* Read-only: lcms2 copies the function pointers into each context. */
static const cmsPluginMemHandler color_mem_plugin = {
    .base = {.Magic = cmsPluginMagicNumber,
             .ExpectedVersion = LCMS_PLUGIN_VERSION,
             .Type = cmsPluginMemHandlerSig,
             .Next = (cmsPluginBase *)&color_mutex_plugin.base},
    .MallocPtr = lcms_malloc,
    .FreePtr = lcms_free,
    .ReallocPtr = lcms_realloc,
};

/* A context allocating from h, which heap_init() has prepared. */
static cmsContext color_context(color_heap *h) {
    /* lcms2's prototype takes the plugin as void *, and only reads it. */
    cmsContext c = cmsCreateContext((void *)&color_mem_plugin, h);
    if (c && !h->failed)
        return c;
    if (c)
        cmsDeleteContext(c);
    heap_release(h);
    ctx_fail(h->ctx, THUMB_ERR_NOMEM,
             "colour: out of memory creating an lcms2 context");
    return NULL;
}

/* Deletes the context, then frees whatever lcms2 did not. */
static void color_context_free(cmsContext c, color_heap *h) {
    if (c)
        cmsDeleteContext(c);
    heap_release(h);
}

/* ---- profiles ------------------------------------------------------- */

color_space color_profile_space(const uint8_t *icc, size_t size) {
    if (!icc || size < ICC_HEADER_SIZE)
        return COLOR_SPACE_OTHER;
    const uint8_t *sig = icc + ICC_COLOR_SPACE_OFFSET;
    if (memcmp(sig, "RGB ", 4) == 0)
        return COLOR_SPACE_RGB;
    if (memcmp(sig, "GRAY", 4) == 0)
        return COLOR_SPACE_GREY;
    if (memcmp(sig, "CMYK", 4) == 0)
        return COLOR_SPACE_CMYK;
    return COLOR_SPACE_OTHER;
}

int color_space_fits(color_space space, int channels, int cmyk) {
    switch (space) {
    case COLOR_SPACE_RGB:
        return !cmyk && (channels == 3 || channels == 4);
    case COLOR_SPACE_GREY:
        return !cmyk && (channels == 1 || channels == 2);
    case COLOR_SPACE_CMYK:
        return cmyk && channels == 4;
    default:
        return 0;
    }
}

/* sRGB, or grey with sRGB's curve and D50 white, in context c. */
static cmsHPROFILE srgb_profile(cmsContext c, int grey) {
    if (!grey)
        return cmsCreate_sRGBProfileTHR(c);
    cmsToneCurve *curve =
        cmsBuildParametricToneCurve(c, SRGB_CURVE_TYPE, SRGB_CURVE);
    if (!curve)
        return NULL;
    cmsHPROFILE p = cmsCreateGrayProfileTHR(c, cmsD50_xyY(), curve);
    cmsFreeToneCurve(curve);
    return p;
}

/* Within these, a profile is sRGB in all but bytes: colorants a thousandth
 * apart in XYZ and curves half a level apart on 8 bits are the spread
 * between the sRGB profiles cameras and editors embed. */
#define SRGB_COLORANT_TOLERANCE 0.001
#define SRGB_CURVE_TOLERANCE (0.5 / 255.0)
#define SRGB_CURVE_SAMPLES 64

static int same_xyz(cmsHPROFILE a, cmsHPROFILE b, cmsTagSignature tag) {
    const cmsCIEXYZ *x = cmsReadTag(a, tag);
    const cmsCIEXYZ *y = cmsReadTag(b, tag);
    return x && y && fabs(x->X - y->X) <= SRGB_COLORANT_TOLERANCE &&
           fabs(x->Y - y->Y) <= SRGB_COLORANT_TOLERANCE &&
           fabs(x->Z - y->Z) <= SRGB_COLORANT_TOLERANCE;
}

static int same_curve(cmsHPROFILE a, cmsHPROFILE b, cmsTagSignature tag) {
    const cmsToneCurve *x = cmsReadTag(a, tag);
    const cmsToneCurve *y = cmsReadTag(b, tag);
    if (!x || !y)
        return 0;
    for (int i = 0; i <= SRGB_CURVE_SAMPLES; i++) {
        cmsFloat32Number v = (cmsFloat32Number)i / SRGB_CURVE_SAMPLES;
        if (fabsf(cmsEvalToneCurveFloat(x, v) - cmsEvalToneCurveFloat(y, v)) >
            SRGB_CURVE_TOLERANCE)
            return 0;
    }
    return 1;
}

/* 1 when an RGB matrix/shaper profile is sRGB by its numbers. Most
 * photos carry such a profile; converting them would change nothing and
 * cost a transform per row (a fifth of a small thumbnail's time). */
static int profile_is_srgb(cmsHPROFILE in, cmsHPROFILE srgb) {
    return cmsGetColorSpace(in) == cmsSigRgbData && cmsIsMatrixShaper(in) &&
           same_xyz(in, srgb, cmsSigRedColorantTag) &&
           same_xyz(in, srgb, cmsSigGreenColorantTag) &&
           same_xyz(in, srgb, cmsSigBlueColorantTag) &&
           same_curve(in, srgb, cmsSigRedTRCTag) &&
           same_curve(in, srgb, cmsSigGreenTRCTag) &&
           same_curve(in, srgb, cmsSigBlueTRCTag);
}

/* The verdict costs lcms2 an sRGB profile and six sampled curves, more
 * than a small thumbnail's resize, and a service sees the same camera
 * profile again and again: the context keeps the last profile that
 * passed. */
static int known_srgb(const thumb_ctx *ctx, const uint8_t *icc, size_t size) {
    return ctx->srgb_icc && ctx->srgb_icc_size == size &&
           memcmp(ctx->srgb_icc, icc, size) == 0;
}

static thumb_status remember_srgb(thumb_ctx *ctx, const uint8_t *icc,
                                  size_t size) {
    uint8_t *copy = ctx_realloc(ctx, ctx->srgb_icc, size);
    if (!copy)
        return THUMB_ERR_NOMEM;
    memcpy(copy, icc, size);
    ctx->srgb_icc = copy;
    ctx->srgb_icc_size = size;
    return THUMB_OK;
}

/* ---- transforms ----------------------------------------------------- */

struct color_transform {
    color_heap heap; /* the lcms2 context's user data: must not move */
    cmsContext lcms;
    cmsHTRANSFORM xf;
    int out_channels;
};

void color_transform_free(color_transform *t) {
    if (!t)
        return;
    if (t->xf)
        cmsDeleteTransform(t->xf);
    color_context_free(t->lcms, &t->heap);
    ctx_free(t->heap.ctx, t);
}

/* lcms2's pixel formats for our row layouts (16-bit: native-endian). */
static cmsUInt32Number format_for(int channels, int depth, int cmyk) {
    if (cmyk)
        return TYPE_CMYK_8_REV; /* Adobe: 255 = no ink */
    int wide = depth == 16;
    switch (channels) {
    case 1:
        return wide ? TYPE_GRAY_16 : TYPE_GRAY_8;
    case 2:
        return wide ? TYPE_GRAYA_16 : TYPE_GRAYA_8;
    case 3:
        return wide ? TYPE_RGB_16 : TYPE_RGB_8;
    default:
        return wide ? TYPE_RGBA_16 : TYPE_RGBA_8;
    }
}

thumb_status color_transform_new(thumb_ctx *ctx, const uint8_t *icc,
                                 size_t size, int channels, int depth, int cmyk,
                                 color_transform **out) {
    *out = NULL;
    if (!color_space_fits(color_profile_space(icc, size), channels, cmyk) ||
        size > UINT32_MAX)
        return THUMB_OK;
    int grey = !cmyk && channels <= 2, rgb = !cmyk && !grey;
    if (rgb && known_srgb(ctx, icc, size))
        return THUMB_OK;
    color_transform *t = ctx_calloc(ctx, 1, sizeof *t);
    if (!t)
        return THUMB_ERR_NOMEM;
    heap_init(&t->heap, ctx);
    t->lcms = color_context(&t->heap);
    if (!t->lcms) {
        ctx_free(ctx, t);
        return THUMB_ERR_NOMEM;
    }
    t->out_channels = cmyk ? 3 : channels;
    cmsUInt32Number flags = 0;
    if (cmyk)
        flags |= COLOR_CMYK_FLAGS;
    else if (channels_have_alpha(channels))
        flags |= cmsFLAGS_COPY_ALPHA;
    cmsHPROFILE in =
        cmsOpenProfileFromMemTHR(t->lcms, icc, (cmsUInt32Number)size);
    cmsHPROFILE srgb = srgb_profile(t->lcms, grey);
    int already_srgb = !cmyk && in && srgb && profile_is_srgb(in, srgb);
    if (in && srgb && !already_srgb)
        t->xf = cmsCreateTransformTHR(t->lcms, in,
                                      format_for(channels, depth, cmyk), srgb,
                                      format_for(t->out_channels, depth, 0),
                                      INTENT_RELATIVE_COLORIMETRIC, flags);
    if (in)
        cmsCloseProfile(in);
    if (srgb)
        cmsCloseProfile(srgb);
    if (t->heap.failed) {
        color_transform_free(t);
        return ctx_fail(ctx, THUMB_ERR_NOMEM,
                        "colour: out of memory building the ICC transform");
    }
    if (already_srgb) {
        color_transform_free(t);
        return rgb ? remember_srgb(ctx, icc, size) : THUMB_OK;
    }
    if (!t->xf) {
        /* A profile lcms2 cannot use (damaged, or a kind it cannot
         * invert) is ignored: the pixels are taken as sRGB. */
        color_transform_free(t);
        return THUMB_OK;
    }
    *out = t;
    return THUMB_OK;
}

int color_transform_out_channels(const color_transform *t) {
    return t->out_channels;
}

void color_transform_row(color_transform *t, const uint8_t *in, uint8_t *out,
                         uint32_t width) {
    cmsDoTransform(t->xf, in, out, width);
}

/* Serialises p into *icc (ctx memory) with the fixed creation date; what
 * names the profile goes into the messages. */
static thumb_status save_profile(thumb_ctx *ctx, cmsHPROFILE p,
                                 const color_heap *heap, const char *what,
                                 uint8_t **icc, size_t *size) {
    cmsUInt32Number n = 0;
    if (!p || !cmsSaveProfileToMem(p, NULL, &n) || n == 0 || heap->failed)
        return ctx_fail(ctx, THUMB_ERR_NOMEM,
                        "colour: out of memory building the %s profile", what);
    *icc = ctx_malloc(ctx, n);
    if (!*icc)
        return THUMB_ERR_NOMEM;
    if (!cmsSaveProfileToMem(p, *icc, &n) || heap->failed) {
        ctx_free(ctx, *icc);
        *icc = NULL;
        return ctx_fail(ctx, THUMB_ERR_NOMEM,
                        "colour: out of memory serialising the %s profile",
                        what);
    }
    if (n >= ICC_HEADER_SIZE)
        memcpy(*icc + ICC_DATE_OFFSET, SRGB_PROFILE_DATE,
               sizeof SRGB_PROFILE_DATE);
    *size = n;
    return THUMB_OK;
}

thumb_status color_srgb_profile(thumb_ctx *ctx, int grey, uint8_t **icc,
                                size_t *size) {
    *icc = NULL;
    *size = 0;
    color_heap heap;
    heap_init(&heap, ctx);
    cmsContext c = color_context(&heap);
    if (!c)
        return THUMB_ERR_NOMEM;
    cmsHPROFILE p = srgb_profile(c, grey);
    thumb_status st = save_profile(ctx, p, &heap, "sRGB", icc, size);
    if (p)
        cmsCloseProfile(p);
    color_context_free(c, &heap);
    return st;
}

/* ---- CICP (ITU-T H.273) colour descriptions as profiles --------------- */

/* The transfer characteristics H.273 numbers that need their own curve;
 * every other one is taken as sRGB's, as libvips and browsers do (BT.709,
 * BT.601 and BT.2020's are close to it). */
#define CICP_TRANSFER_LINEAR 8
#define CICP_TRANSFER_PQ 16
#define CICP_TRANSFER_HLG 18

/* Samples of the tabulated curves: PQ rises steeply near black, and 4096
 * steps keep each below a 16-bit level there. */
#define CICP_CURVE_SAMPLES 4096

/* SMPTE ST 2084 (PQ) EOTF constants. */
#define PQ_M1 (2610.0 / 16384.0)
#define PQ_M2 (2523.0 / 4096.0 * 128.0)
#define PQ_C1 (3424.0 / 4096.0)
#define PQ_C2 (2413.0 / 4096.0 * 32.0)
#define PQ_C3 (2392.0 / 4096.0 * 32.0)
#define PQ_PEAK_NITS 10000.0
/* ARIB STD-B67 (HLG) inverse OETF constants, and the system gamma and
 * peak of its reference 1000-nit display (BT.2100). */
#define HLG_A 0.17883277
#define HLG_B (1.0 - 4.0 * HLG_A)
#define HLG_C 0.55991073
#define HLG_SYSTEM_GAMMA 1.2
#define HLG_PEAK_NITS 1000.0
/* HDR graphics white (BT.2408): the level that becomes sRGB's white
 * region. */
#define HDR_REFERENCE_WHITE_NITS 203.0
/* Below this fraction of sRGB white HDR light passes unchanged; above it
 * highlights roll off smoothly towards white instead of clipping. */
#define HDR_KNEE 0.75

/* BT.709 (sRGB) red, green, blue and D65 white chromaticities. */
static const double BT709_XY[8] = {0.64, 0.33, 0.30,   0.60,
                                   0.15, 0.06, 0.3127, 0.3290};

static double pq_nits(double e) {
    double p = pow(e, 1.0 / PQ_M2);
    double num = p - PQ_C1 > 0 ? p - PQ_C1 : 0;
    return pow(num / (PQ_C2 - PQ_C3 * p), 1.0 / PQ_M1) * PQ_PEAK_NITS;
}

static double hlg_nits(double e) {
    double scene =
        e <= 0.5 ? e * e / 3.0 : (exp((e - HLG_C) / HLG_A) + HLG_B) / 12.0;
    return pow(scene, HLG_SYSTEM_GAMMA) * HLG_PEAK_NITS;
}

/* HDR light (nits) to a relative SDR level in 0..1: reference white near
 * the top, brighter light compressed into what is left (slope 1 at the
 * knee, so no visible seam). */
static double hdr_to_sdr(double nits) {
    double l = nits / HDR_REFERENCE_WHITE_NITS;
    if (l <= HDR_KNEE)
        return l;
    return HDR_KNEE +
           (1.0 - HDR_KNEE) * (1.0 - exp(-(l - HDR_KNEE) / (1.0 - HDR_KNEE)));
}

static cmsToneCurve *cicp_curve(cmsContext c, int transfer) {
    if (transfer == CICP_TRANSFER_LINEAR) {
        cmsFloat64Number gamma = 1.0;
        return cmsBuildParametricToneCurve(c, 1, &gamma);
    }
    if (transfer != CICP_TRANSFER_PQ && transfer != CICP_TRANSFER_HLG)
        return cmsBuildParametricToneCurve(c, SRGB_CURVE_TYPE, SRGB_CURVE);
    cmsFloat32Number v[CICP_CURVE_SAMPLES];
    for (int i = 0; i < CICP_CURVE_SAMPLES; i++) {
        double e = (double)i / (CICP_CURVE_SAMPLES - 1);
        v[i] = (cmsFloat32Number)hdr_to_sdr(
            transfer == CICP_TRANSFER_PQ ? pq_nits(e) : hlg_nits(e));
    }
    return cmsBuildTabulatedToneCurveFloat(c, CICP_CURVE_SAMPLES, v);
}

int color_cicp_is_srgb(const color_cicp *cicp) {
    return cicp->srgb_primaries && cicp->transfer != CICP_TRANSFER_LINEAR &&
           cicp->transfer != CICP_TRANSFER_PQ &&
           cicp->transfer != CICP_TRANSFER_HLG;
}

thumb_status color_cicp_profile(thumb_ctx *ctx, const color_cicp *cicp,
                                uint8_t **icc, size_t *size) {
    *icc = NULL;
    *size = 0;
    color_heap heap;
    heap_init(&heap, ctx);
    cmsContext c = color_context(&heap);
    if (!c)
        return THUMB_ERR_NOMEM;
    /* "Unspecified" primaries come with no chromaticities: BT.709's. */
    const double *xy = cicp->srgb_primaries ? BT709_XY : cicp->xy;
    cmsCIExyY white = {xy[6], xy[7], 1.0};
    cmsCIExyYTRIPLE primaries = {
        {xy[0], xy[1], 1.0}, {xy[2], xy[3], 1.0}, {xy[4], xy[5], 1.0}};
    cmsToneCurve *curve = cicp_curve(c, cicp->transfer);
    cmsToneCurve *curves[3] = {curve, curve, curve};
    cmsHPROFILE p =
        curve ? cmsCreateRGBProfileTHR(c, &white, &primaries, curves) : NULL;
    thumb_status st = save_profile(ctx, p, &heap, "CICP", icc, size);
    if (p)
        cmsCloseProfile(p);
    if (curve)
        cmsFreeToneCurve(curve);
    color_context_free(c, &heap);
    return st;
}
