/** @file
 * libthumbnail -- one encoded image in, one small encoded image out.
 *
 *     thumb_ctx *ctx = thumb_ctx_new();
 *     thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 256);
 *     thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, 256);
 *     thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_WEBP);
 *     const unsigned char *out;
 *     size_t out_len;
 *     if (thumb_run(ctx, in, in_len, &out, &out_len) != THUMB_OK)
 *         fprintf(stderr, "%s\n", thumb_ctx_error(ctx));
 *     else
 *         fwrite(out, 1, out_len, stdout);
 *     thumb_ctx_free(ctx);
 *
 * Pipeline: sniff the format from magic bytes -> read the header and check
 * limits -> decode (shrinking on load where the codec can) -> Lanczos3
 * resize -> apply EXIF orientation -> flatten alpha if the output format
 * has none -> encode.
 *
 * Threads: a context is used by one thread at a time. Contexts share no
 * state, so any number of threads may each use their own.
 *
 * ABI: every struct that could grow is opaque; options, information and
 * statistics are addressed by enum keys whose values never change. New
 * keys are added at the end of their enum.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMBNAIL_H
#define THUMBNAIL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @cond INTERNAL */
#if defined(THUMB_STATIC)
#define THUMB_API
#elif defined(_WIN32)
#ifdef THUMB_BUILDING
#define THUMB_API __declspec(dllexport)
#else
#define THUMB_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define THUMB_API __attribute__((visibility("default")))
#else
#define THUMB_API
#endif
/** @endcond */

/* ---- Version ----------------------------------------------------------- */

/** Changes when the API or ABI breaks (see the README's version policy). */
#define THUMB_VERSION_MAJOR 0
/** Changes when something is added. */
#define THUMB_VERSION_MINOR 2
/** Changes for fixes only. */
#define THUMB_VERSION_PATCH 0
/** MAJOR * 10000 + MINOR * 100 + PATCH, comparable with thumb_version(). */
#define THUMB_VERSION_NUMBER                                                   \
    (THUMB_VERSION_MAJOR * 10000 + THUMB_VERSION_MINOR * 100 +                 \
     THUMB_VERSION_PATCH)

/** Version of the library actually loaded, as THUMB_VERSION_NUMBER. A
 * program can compare it with the header it was built against. */
THUMB_API unsigned thumb_version(void);
/** "MAJOR.MINOR.PATCH" of the library actually loaded. */
THUMB_API const char *thumb_version_string(void);

/* ---- Status codes ------------------------------------------------------ */

/** Stable numbers: a code keeps its value forever. */
typedef enum thumb_status {
    THUMB_OK = 0,
    /** NULL pointer, unknown option key, value out of range. */
    THUMB_ERR_INVALID_ARGUMENT = 1,
    /** The bytes are not an image format the library reads (TIFF, SVG...). */
    THUMB_ERR_UNSUPPORTED_FORMAT = 2,
    /** A known format using a feature the library does not handle
     * (12-bit or lossless JPEG, for example). */
    THUMB_ERR_UNSUPPORTED_FEATURE = 3,
    /** The data is damaged or ends early. */
    THUMB_ERR_CORRUPT = 4,
    /** The image exceeds a limit set on the context (bytes, pixels,
     * width or height). */
    THUMB_ERR_LIMIT = 5,
    /** An allocation failed. */
    THUMB_ERR_NOMEM = 6,
    /** A caller's read or write callback reported failure. */
    THUMB_ERR_IO = 7,
    /** An encoder failed for a reason other than memory. */
    THUMB_ERR_ENCODE = 8,
    /** A bug in the library: please report it. */
    THUMB_ERR_INTERNAL = 9,
    /** The run took longer than THUMB_OPT_TIMEOUT_MS allows. */
    THUMB_ERR_TIMEOUT = 10
} thumb_status;

/** Generic text for a status code, e.g. "corrupt image data". Never NULL. */
THUMB_API const char *thumb_strerror(thumb_status status);

/* ---- Formats and option values ---------------------------------------- */

/** Image formats, as detected in the input and as chosen for the output. */
typedef enum thumb_format {
    /** As output: the input's format, GIF and AVIF included (as sharp
     * does); for an input the library cannot write (HEIF, JPEG XL, and
     * AVIF in a build without libavif), JPEG, or PNG when the image has
     * alpha. */
    THUMB_FORMAT_AUTO = 0,
    THUMB_FORMAT_JPEG = 1,
    THUMB_FORMAT_PNG = 2,
    THUMB_FORMAT_WEBP = 3,
    /** As output: up to 255 colours per frame (median cut, no dithering)
     * and a transparent index for alpha below 128; the rest is opaque. */
    THUMB_FORMAT_GIF = 4,
    /** Input only (HEIC and other HEIF stills): the library reads it but
     * cannot write it. As output, THUMB_FORMAT_AUTO gives JPEG for the
     * input-only formats, or PNG when the image has alpha. Since
     * 0.3.0. */
    THUMB_FORMAT_HEIF = 5,
    /** As input: the primary image, as for HEIF. As output
     * (when built with libavif, see thumb_format_can_write()): a still,
     * 8-bit AV1 through libaom, alpha kept, 4:2:0 or 4:4:4 as
     * THUMB_OPT_JPEG_SUBSAMPLING says (grey images as 4:0:0), tagged
     * sRGB by its nclx colour box, or by the ICC profile THUMB_OPT_COLOR
     * embeds; EXIF as THUMB_OPT_KEEP_EXIF says. An animation gives its
     * first frame. THUMB_OPT_QUALITY is mapped so that its default (80)
     * is sharp's default AVIF quality (50). Output since 0.3.0. */
    THUMB_FORMAT_AVIF = 6,
    /** JPEG XL, input only (see THUMB_FORMAT_HEIF). Since 0.2.0. */
    THUMB_FORMAT_JXL = 7
} thumb_format;

/** How the image fits the WIDTHxHEIGHT box (THUMB_OPT_FIT). */
typedef enum thumb_fit {
    /** Largest size within WIDTHxHEIGHT, aspect ratio kept (default). */
    THUMB_FIT_INSIDE = 0,
    /** Fills WIDTHxHEIGHT, aspect ratio kept, the overflow cropped
     * equally from both sides (THUMB_OPT_CROP chooses otherwise). */
    THUMB_FIT_COVER = 1,
    /** Exactly WIDTHxHEIGHT, aspect ratio ignored. */
    THUMB_FIT_FILL = 2
} thumb_fit;

/** JPEG chroma subsampling (THUMB_OPT_JPEG_SUBSAMPLING). */
typedef enum thumb_subsampling {
    THUMB_SUBSAMPLING_420 = 0, /**< default: smallest files, as cameras do */
    THUMB_SUBSAMPLING_444 = 1  /**< full chroma: sharper coloured edges */
} thumb_subsampling;

/** What happens to colour profiles (THUMB_OPT_COLOR). */
typedef enum thumb_color {
    /** Pixels are converted from the embedded ICC profile (RGB, grey or
     * CMYK, v2 or v4) to sRGB and written untagged, which every viewer
     * shows as sRGB (default). Images without a profile are taken as sRGB
     * and left alone. */
    THUMB_COLOR_SRGB = 0,
    /** Converted as above, and a compact sRGB profile (a grey one with the
     * sRGB curve for grey output) is embedded. */
    THUMB_COLOR_SRGB_TAGGED = 1,
    /** No conversion: the input's profile is embedded as it is. A CMYK
     * profile cannot describe RGB output, and a grey one cannot describe
     * WebP (always RGB) or grey flattened on a coloured background: those
     * are converted to sRGB as with THUMB_COLOR_SRGB. */
    THUMB_COLOR_KEEP = 2
} thumb_color;

/** Where THUMB_FIT_COVER crops (THUMB_OPT_CROP), like libvips's
 * smartcrop. The window is chosen on the scaled image, before EXIF
 * orientation turns it upright. */
typedef enum thumb_crop {
    /** The middle of the overflowing axis (default). */
    THUMB_CROP_CENTRE = 0,
    /** Trims the edge strip with the lower entropy (of its luminance
     * histogram), step by step, until the box is reached: keeps busy
     * regions. */
    THUMB_CROP_ENTROPY = 1,
    /** The window with the most edges, skin tones and saturated colour:
     * keeps what a viewer looks at. */
    THUMB_CROP_ATTENTION = 2
} thumb_crop;

/** Instruction sets of the resize kernels (THUMB_OPT_SIMD). */
typedef enum thumb_simd {
    THUMB_SIMD_AUTO = 0, /**< the fastest this CPU has (default) */
    THUMB_SIMD_SCALAR = 1,
    THUMB_SIMD_SSE41 = 2,  /**< x86-64 */
    THUMB_SIMD_AVX2 = 3,   /**< x86-64 */
    THUMB_SIMD_AVX512 = 4, /**< x86-64 AVX-512BW, with VNNI when present */
    THUMB_SIMD_NEON = 5    /**< aarch64 */
} thumb_simd;

/* ---- Context ----------------------------------------------------------- */

/** Options, the last result and reusable scratch memory. Opaque: it can
 * grow without breaking the ABI. One thread at a time. */
typedef struct thumb_ctx thumb_ctx;

/** A caller-supplied allocator. Every allocation the library makes itself
 * goes through it; the codec libraries underneath keep their own. The
 * functions must be safe to call from the thread using the context. */
typedef struct thumb_allocator {
    /** Like malloc(); NULL when out of memory. */
    void *(*malloc_fn)(void *opaque, size_t size);
    /** Like realloc(); NULL (ptr left alone) when out of memory. */
    void *(*realloc_fn)(void *opaque, void *ptr, size_t size);
    /** Like free(); ptr may be NULL. */
    void (*free_fn)(void *opaque, void *ptr);
    /** Passed to the three functions unchanged. */
    void *opaque;
} thumb_allocator;

/** A context with default options, or NULL when out of memory. */
THUMB_API thumb_ctx *thumb_ctx_new(void);
/** The same with a custom allocator (copied; NULL means the C library's). */
THUMB_API thumb_ctx *thumb_ctx_new_with_allocator(const thumb_allocator *a);
/** Frees the context and everything it owns, including the last output. */
THUMB_API void thumb_ctx_free(thumb_ctx *ctx);

/* ---- Options ----------------------------------------------------------- */

/** Options keep their values across runs until set again. */
typedef enum thumb_option {
    /** Target box in pixels. 0 leaves an axis free: width only or height
     * only scales by that axis. Both 0: the image keeps its size (still
     * re-encoded, oriented and limited). Range 0..THUMB_MAX_DIMENSION. */
    THUMB_OPT_WIDTH = 1,
    THUMB_OPT_HEIGHT = 2,
    /** A thumb_fit. Default THUMB_FIT_INSIDE. */
    THUMB_OPT_FIT = 3,
    /** 1: allow output larger than the input. Default 0: never enlarge. */
    THUMB_OPT_ENLARGE = 4,
    /** A thumb_format for the output. Default THUMB_FORMAT_AUTO. */
    THUMB_OPT_FORMAT = 5,
    /** JPEG, lossy WebP and AVIF quality, 1..100. Default 80. For AVIF
     * it is mapped onto sharp's AVIF scale, 1..80 to 1..50 and 80..100 to
     * 50..100: JPEG's 80 looks like AVIF's 50, sharp's default. */
    THUMB_OPT_QUALITY = 6,
    /** 1: progressive JPEG. Default 0. */
    THUMB_OPT_JPEG_PROGRESSIVE = 7,
    /** A thumb_subsampling, for JPEG and AVIF output. Default
     * THUMB_SUBSAMPLING_420. */
    THUMB_OPT_JPEG_SUBSAMPLING = 8,
    /** PNG compression effort, 0..9. 0: stored, uncompressed; 1..6
     * (default 6): every row filtered, then zlib's fast run-length
     * deflate (one speed, one size); 7..9: zlib's full search at that
     * level, as libpng does: slower, a little smaller. */
    THUMB_OPT_PNG_COMPRESSION = 9,
    /** 1: lossless WebP. Default 0. */
    THUMB_OPT_WEBP_LOSSLESS = 10,
    /** 0xRRGGBB that transparent pixels are flattened onto when the
     * output format has no alpha. Default 0xFFFFFF (white). */
    THUMB_OPT_BACKGROUND = 11,
    /** 1: rotate/flip per the EXIF orientation (default). 0: ignore it. */
    THUMB_OPT_AUTOROTATE = 12,
    /** Input size limit in bytes. Default 256 MiB. */
    THUMB_OPT_MAX_INPUT_BYTES = 13,
    /** Limit on width * height as declared by the header, checked before
     * any pixel memory is allocated. Default 100 000 000. */
    THUMB_OPT_MAX_PIXELS = 14,
    /** Limit on width and on height. Default 65535. */
    THUMB_OPT_MAX_DIMENSION = 15,
    /** Deadline of each thumb_run()/thumb_run_io() in milliseconds, from
     * the start of decoding (reading through the read callback is not
     * counted): past it the run stops with THUMB_ERR_TIMEOUT. Checked
     * between rows and inside long decoder phases (JPEG scans, interlaced
     * PNG and GIF rows, WebP's incremental steps, the tiles of a HEIF or
     * AVIF image); a JPEG XL image decodes in one libjxl call, checked
     * after it returns. 0: no deadline (default). */
    THUMB_OPT_TIMEOUT_MS = 16,
    /** A thumb_simd: the instruction set of the resize kernels. Default
     * THUMB_SIMD_AUTO, or what the environment variable THUMB_SIMD
     * (scalar, sse41, avx2, avx512 or neon; anything else means auto)
     * said when the context was created; thumb_ctx_reset() returns to
     * that. Forcing a set this CPU or build lacks fails with
     * THUMB_ERR_UNSUPPORTED_FEATURE, here or (from the environment) at
     * the next run. Every set gives the same pixels, within 1 LSB. */
    THUMB_OPT_SIMD = 17,
    /** 1: accuracy before speed: decode at full size instead of shrinking
     * on load (JPEG DCT scaling, WebP scaled decoding), and turn a JPEG
     * into RGB before the resize, so the result is the Lanczos3 of the
     * whole RGB image (PSNR >= 55 dB against an exact float64 one).
     * Default 0: shrink on load to about 2x the target; a JPEG with
     * subsampled chroma that is decoded at full size is resized plane by
     * plane, chroma from its own samples, and turned into RGB at the
     * output's size (about 2x less work; 52-54 dB on photos). */
    THUMB_OPT_ACCURATE = 18,
    /** A thumb_color: what happens to an embedded ICC profile. Default
     * THUMB_COLOR_SRGB. */
    THUMB_OPT_COLOR = 19,
    /** 1: keep the input's EXIF block in the output, its orientation set
     * to 1 as the pixels are already turned upright (with
     * THUMB_OPT_AUTOROTATE 0 the tag is kept as it was). Default 0: EXIF,
     * like XMP and comments, is stripped. */
    THUMB_OPT_KEEP_EXIF = 20,
    /** A thumb_crop: which window of the scaled image THUMB_FIT_COVER
     * keeps. Animations always keep the centre: a window chosen per frame
     * would jump. Default THUMB_CROP_CENTRE. */
    THUMB_OPT_CROP = 21,
    /** 1: an animated GIF or WebP stays animated when the output format
     * can hold it (GIF or WebP): every frame, composited on the canvas,
     * resized alike, with its delay and the loop count (default). 0: the
     * first frame only, as JPEG and PNG output always get. */
    THUMB_OPT_ANIMATION = 22,
    /** Limit on the frames of an animation kept animated, checked from the
     * file's structure before any frame is decoded. Default 1000. */
    THUMB_OPT_MAX_FRAMES = 23,
    /** Limit on the canvas pixels of all frames together (frames x width x
     * height) of an animation kept animated, checked before any frame is
     * decoded. Default 16383 x 16383 (268 402 689), as sharp's
     * limitInputPixels. */
    THUMB_OPT_MAX_ANIMATION_PIXELS = 24,
    /** 1: resize in linear light (sRGB decoded to linear, filtered,
     * encoded again), as `vipsthumbnail --linear`: fine detail keeps its
     * brightness (a 1-pixel black and white checkerboard becomes grey 188,
     * not 128) and bright edges do not darken. Slower: the samples go
     * through lookup tables on the way in and out. Default 0: filtered as
     * stored, like sharp, Pillow and most thumbnailers. */
    THUMB_OPT_LINEAR = 25,
    /** 1: a 16-bit PNG written as PNG keeps 16 bits per sample, as
     * libvips does. Default 0: 8 bits per sample, half the bytes, which is
     * all a screen shows. Either way a 16-bit input is resized with 14-bit
     * precision and reduced to the output's depth once, at the end, so
     * smooth gradients do not band. */
    THUMB_OPT_PNG_16BIT = 26,
    /** 1: a JPEG output gets Huffman tables made for its own coefficients
     * (libjpeg's optimize_coding), as sharp does by default: 1-3% smaller
     * files, the same pixels, but libjpeg-turbo gathers the statistics in
     * a second, scalar pass that adds about 10% to a 720x588 photo
     * thumbnail's run. Default 0: the standard tables, as libvips and
     * Pillow write by default. Progressive JPEGs are always optimised. */
    THUMB_OPT_JPEG_OPTIMIZE_CODING = 27
} thumb_option;

/** Largest width or height a caller may ask for. */
#define THUMB_MAX_DIMENSION 65535

/** Sets an option. THUMB_ERR_INVALID_ARGUMENT (and a message on the
 * context) for an unknown key or a value outside thumb_option_bounds(). */
THUMB_API thumb_status thumb_ctx_set(thumb_ctx *ctx, thumb_option key,
                                     int64_t value);
/** Reads an option's current value into *value. */
THUMB_API thumb_status thumb_ctx_get(const thumb_ctx *ctx, thumb_option key,
                                     int64_t *value);
/** Puts every option back to its default. */
THUMB_API void thumb_ctx_reset(thumb_ctx *ctx);
/** The valid range of an option, inclusive. */
THUMB_API thumb_status thumb_option_bounds(thumb_option key, int64_t *min,
                                           int64_t *max);

/* ---- Running ----------------------------------------------------------- */

/** Makes a thumbnail of the encoded image in[0..in_len). On THUMB_OK,
 * *out and *out_len describe the encoded result, which belongs to the
 * context and stays valid until the next run or probe on it, or
 * thumb_ctx_free(). Copy it to keep it longer. On failure *out is NULL,
 * *out_len is 0 and thumb_ctx_error() says why. */
THUMB_API thumb_status thumb_run(thumb_ctx *ctx, const void *in, size_t in_len,
                                 const unsigned char **out, size_t *out_len);

/** Reads up to cap bytes into buf. Returns how many were read, 0 at the end
 * of the input, or a negative number on error. */
typedef ptrdiff_t (*thumb_read_fn)(void *opaque, void *buf, size_t cap);
/** Writes len bytes. Returns 0 on success, non-zero on error. */
typedef int (*thumb_write_fn)(void *opaque, const void *buf, size_t len);

/** As thumb_run(), reading the input through read() (up to
 * THUMB_OPT_MAX_INPUT_BYTES) and giving the output to write(). write() is
 * called only after the thumbnail is complete, so a failure never leaves
 * partial output behind. */
THUMB_API thumb_status thumb_run_io(thumb_ctx *ctx, thumb_read_fn read,
                                    void *read_opaque, thumb_write_fn write,
                                    void *write_opaque);

/** Makes several thumbnails of one image from one decode: ctxs[0..n)
 * each carry their own options (size, fit, crop, format, quality...) and
 * get their own output, status, message and information, as if
 * thumb_run() had been called on each. The image is decoded once, at the
 * largest size any output needs, and each decoded row goes to every
 * output's resize in the same pass: memory holds the rows the resizes
 * still need, never the whole image. An animation kept animated goes
 * through every output frame by frame.
 *
 * The first context decides for all: the deadline
 * (THUMB_OPT_TIMEOUT_MS), the input size limit
 * (THUMB_OPT_MAX_INPUT_BYTES), and the allocator of the shared decode.
 * Each context decides the rest for itself, its own limits included: an
 * output over them fails alone. Outputs that need another decode than
 * the first output's (an animation kept animated beside a still image,
 * a CMYK profile used by one context and not another) are made by a
 * decode of their own. Where the shared decode is finer than a single
 * run's would be (an output much smaller than the largest, or one beside
 * a THUMB_OPT_ACCURATE one), that output is made from more pixels and is
 * not byte for byte a single run's.
 *
 * An output that fails (an encoder error, its own limit) leaves the
 * others complete; a decoding error fails them all. Returns THUMB_OK when
 * every output was made, else the status of the first context that
 * failed; thumb_ctx_status() says each one's. Output i is read with
 * thumb_ctx_output(ctxs[i], ...). Each context may appear once. Since
 * 0.2.0. */
THUMB_API thumb_status thumb_run_many(thumb_ctx *const *ctxs, size_t n,
                                      const void *in, size_t in_len);

/** The output of the last successful run on ctx (thumb_run(),
 * thumb_run_io() or thumb_run_many()), valid as thumb_run() says. After
 * a failure or before any run: THUMB_ERR_INVALID_ARGUMENT, *out NULL and
 * *out_len 0. Since 0.2.0. */
THUMB_API thumb_status thumb_ctx_output(const thumb_ctx *ctx,
                                        const unsigned char **out,
                                        size_t *out_len);

/** Reads the header only: no pixels are decoded. On success the THUMB_INFO_
 * input keys below describe the image. Limits are not applied, so a caller
 * can see how large an image it refuses would have been. */
THUMB_API thumb_status thumb_probe(thumb_ctx *ctx, const void *in,
                                   size_t in_len);

/* ---- Information and statistics --------------------------------------- */

/** Keys of thumb_ctx_info(): what the last probe or run found and did. */
typedef enum thumb_info {
    /** Input, filled by thumb_probe() and thumb_run(). */
    THUMB_INFO_FORMAT = 1, /**< a thumb_format */
    THUMB_INFO_WIDTH = 2,  /**< as stored, before orientation */
    THUMB_INFO_HEIGHT = 3,
    THUMB_INFO_ORIENTATION = 4, /**< EXIF 1..8; 1 when absent or invalid */
    THUMB_INFO_FRAMES = 5,      /**< 1 for still images */
    THUMB_INFO_HAS_ALPHA = 6,   /**< 0 or 1 */
    THUMB_INFO_BIT_DEPTH = 7,   /**< bits per sample as stored: 1..16 */
    THUMB_INFO_INPUT_BYTES = 8,
    /** Output, filled by a successful thumb_run(). */
    THUMB_INFO_OUTPUT_FORMAT = 9,
    THUMB_INFO_OUTPUT_WIDTH = 10,
    THUMB_INFO_OUTPUT_HEIGHT = 11,
    THUMB_INFO_OUTPUT_BYTES = 12,
    /** Wall-clock microseconds per stage of the last run. Decoding and
     * resizing interleave row by row; each is timed on its own. */
    THUMB_INFO_DECODE_US = 13,
    THUMB_INFO_RESIZE_US = 14,
    THUMB_INFO_ENCODE_US = 15,
    THUMB_INFO_TOTAL_US = 16,
    /** Size the decoder produced after shrink-on-load. */
    THUMB_INFO_DECODED_WIDTH = 17,
    THUMB_INFO_DECODED_HEIGHT = 18
} thumb_info;

/** The value of an information key from the last probe or run, or -1 when
 * the key is unknown or has no value yet. */
THUMB_API int64_t thumb_ctx_info(const thumb_ctx *ctx, thumb_info key);

/** The message of the last failure on this context, naming its cause
 * ("JPEG: Premature end of JPEG file"). "" after a success. Never NULL. */
THUMB_API const char *thumb_ctx_error(const thumb_ctx *ctx);
/** The status of the last call on this context that can fail. */
THUMB_API thumb_status thumb_ctx_status(const thumb_ctx *ctx);

/* ---- Format names, extensions and MIME types --------------------------- */

/** Name of a format: "jpeg", "png", "webp", "gif", "heif", "avif", "jxl",
 * or "auto";
 * "unknown" for a value that is no format. */
THUMB_API const char *thumb_format_name(thumb_format format);

/** The format a name stands for, in any case: a format name ("jpeg"), a
 * file extension with or without its dot ("jpg", ".JPE"), or a MIME type
 * ("image/jpeg"). "auto" gives THUMB_FORMAT_AUTO. Any other name, or a
 * NULL argument, gives THUMB_ERR_INVALID_ARGUMENT and leaves *format as it
 * was. Since 0.2.0. */
THUMB_API thumb_status thumb_format_from_name(const char *name,
                                              thumb_format *format);

/** The usual file extension of a format, without the dot: "jpg", "png",
 * "webp", "gif", "heic", "avif", "jxl". NULL for THUMB_FORMAT_AUTO and values
 * that are no format. Since 0.2.0. */
THUMB_API const char *thumb_format_extension(thumb_format format);

/** The MIME type of a format: "image/jpeg", "image/png", "image/webp",
 * "image/gif", "image/heif", "image/avif", "image/jxl". NULL for
 * THUMB_FORMAT_AUTO and values that are no format. Since 0.2.0. */
THUMB_API const char *thumb_format_mime_type(thumb_format format);

/** 1 when this build of the library reads `format`, else 0 (also for
 * THUMB_FORMAT_AUTO). HEIF, AVIF and JPEG XL can be left out when the
 * library is configured; the others are always there. HEIF and AVIF
 * need libheif.so.1 and JPEG XL libjxl.so.0.7 at run time, loaded at the
 * first use: 0 when it cannot be loaded. Since 0.2.0. */
THUMB_API int thumb_format_can_read(thumb_format format);

/** 1 when this build of the library writes `format`, so THUMB_OPT_FORMAT
 * accepts it, else 0 (also for THUMB_FORMAT_AUTO): JPEG, PNG, WebP,
 * GIF, and AVIF when the library is built with libavif (HEIF and JPEG XL
 * are read only). Since 0.2.0. */
THUMB_API int thumb_format_can_write(thumb_format format);

#ifdef __cplusplus
}
#endif

#endif /**< THUMBNAIL_H */
