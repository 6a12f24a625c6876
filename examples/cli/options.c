#include "options.h"

#include "format_list.h"
#include "paths.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --background RRGGBB */
#define RGB_HEX_DIGITS 6
#define HEX_DIGITS "0123456789abcdefABCDEF"

#define STRINGIFY(x) #x
#define TO_TEXT(x) STRINGIFY(x)

static const char usage_text[] =
    "Usage: thumbnail [OPTION]... -o OUT INPUT...\n"
    "       thumbnail [OPTION]... -o - INPUT|-\n"
    "Make thumbnails of JPEG, PNG, WebP, GIF, HEIC/HEIF, AVIF and JPEG XL\n"
    "images (HEIF and JPEG XL are read, never written).\n"
    "\n"
    "With one INPUT, OUT is the output file; its extension (.jpg, .jpeg,\n"
    ".jpe, .png, .webp, .gif, .avif...) picks the format unless -f is\n"
    "given.\n"
    "With several INPUTs, OUT is a directory (created if missing); each\n"
    "output is named after its input with the output format's usual\n"
    "extension (.jpg, .png, .webp, .gif, .avif); when two INPUTs map to\n"
    "the same output (a/x.jpg, b/x.jpg), the later one on the command line\n"
    "wins, as it would one after another.\n"
    "-s and -f may be repeated: every SIZE x FMT is made from one decode\n"
    "of each INPUT. With more than one, OUT is a directory and each output\n"
    "is named INPUT-SIZE.EXT, SIZE as written (photo-1280.webp,\n"
    "photo-320x240.jpg; photo.EXT when no -s is given).\n"
    "OUT ending in '/' is a directory even for one INPUT; a missing\n"
    "directory is created with its parents.\n"
    "INPUT '-' is standard input (named 'stdin' in a directory); OUT '-'\n"
    "is standard output, for one output only, in the format of -f, else\n"
    "the input's. Standard output gets the image's bytes alone.\n"
    "An output that would replace an INPUT (the same name or file) is\n"
    "refused before anything is written, unless --overwrite; an existing\n"
    "file that is no INPUT is replaced, as vipsthumbnail and convert do.\n"
    "On a terminal a batch shows a progress line (done/total, images per\n"
    "second, time left, failures so far) and a summary at the end.\n"
    "\n"
    "  -s, --size SIZE        N (an NxN box), WxH, Wx (width only) or xH\n"
    "                         (height only); default: keep the size;\n"
    "                         repeat for several sizes\n"
    "      --fit MODE         inside (default): within the box, aspect kept;\n"
    "                         cover: fill the box, centre crop;\n"
    "                         fill: exactly the box, aspect ignored\n"
    "      --crop MODE        where cover crops: centre (default), entropy\n"
    "                         (the busiest part) or attention (edges, skin\n"
    "                         and saturated colour, like vips)\n"
    "      --enlarge          allow output larger than the input\n"
    "  -f, --format FMT       jpeg, png, webp, gif or avif, by name, "
    "extension\n"
    "                         or MIME type (jpg, image/webp...); default:\n"
    "                         from OUT's extension, or the input's format;\n"
    "                         repeat for several formats\n"
    "      --first-frame      animated GIF/WebP: the first frame only (by\n"
    "                         default GIF and WebP output stay animated;\n"
    "                         JPEG and PNG always get the first frame)\n"
    "      --color MODE       srgb (default): convert an embedded ICC profile\n"
    "                         to sRGB, untagged; tagged: the same, with an\n"
    "                         sRGB profile; keep: keep the original profile\n"
    "      --keep-exif        keep the EXIF block (orientation reset to 1)\n"
    "      --accurate         decode in full instead of shrinking on load\n"
    "      --linear           resize in linear light (slower; fine detail\n"
    "                         keeps its brightness)\n"
    "      --png-16bit        16-bit PNG input to 16-bit PNG output\n"
    "  -q, --quality N        JPEG/WebP/AVIF quality 1-100 (default 80;\n"
    "                         AVIF's 80 is sharp's AVIF default, 50)\n"
    "      --progressive      progressive JPEG\n"
    "      --optimize-coding  JPEG Huffman tables made for the image:\n"
    "                         1-3% smaller, about 10% slower\n"
    "      --subsampling S    JPEG and AVIF chroma: 420 (default) or 444\n"
    "      --png-compression N  0 (none) to 9 (smallest, slowest);\n"
    "                         default 6\n"
    "      --lossless         lossless WebP\n"
    "      --background RRGGBB  colour under transparency for JPEG\n"
    "                         (default ffffff)\n"
    "      --no-rotate        ignore the EXIF orientation\n"
    "      --max-pixels N     refuse larger inputs (default 100000000)\n"
    "  -o, --output OUT       output file, directory (DIR/) or - (required)\n"
    "      --overwrite        let an output replace an INPUT\n"
    "  -j, --jobs N           convert up to N INPUTs at a time, each on its\n"
    "                         own thread (default: one per online CPU;\n"
    "                         1: one after another, in order)\n"
    "  -v, --verbose          one line per image: sizes and timings\n"
    "      --quiet            no progress line on a terminal\n"
    "      --version          print the library version\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit status: 0 if every input was converted, 1 if any failed (each\n"
    "failure is reported on one line and the others still run), 2 on a\n"
    "usage error or an output that would replace an INPUT (nothing is\n"
    "written). With several jobs, lines come in the order inputs finish.\n";

int variant_count(const cli *c) {
    return (c->size_count ? c->size_count : 1) *
           (c->format_count ? c->format_count : 1);
}

const size_arg *variant_size(const cli *c, int v) {
    return c->size_count ? &c->sizes[v % c->size_count] : NULL;
}

thumb_format variant_format(const cli *c, int v) {
    int sizes = c->size_count ? c->size_count : 1;
    return c->format_count ? c->formats[v / sizes] : THUMB_FORMAT_AUTO;
}

/* clang-analyzer misses va_start() here (a known false positive). */
// NOLINTBEGIN(clang-analyzer-valist.Uninitialized)
int usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "thumbnail: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'thumbnail --help'.\n");
    va_end(ap);
    return EXIT_USAGE;
}
// NOLINTEND(clang-analyzer-valist.Uninitialized)

static int parse_uint(const char *s, long long max, long long *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > max)
        return 0;
    *out = v;
    return 1;
}

/* The largest value of a library option, as the library says. */
static long long option_max(thumb_option key) {
    int64_t min, max;
    thumb_option_bounds(key, &min, &max);
    return (long long)max;
}

/* SIZE as vipsthumbnail takes it: N, WxH, Wx, xH, each side 1 to the
 * library's largest width (and height). */
static int parse_size(const char *s, long long *w, long long *h) {
    long long max_w = option_max(THUMB_OPT_WIDTH);
    long long max_h = option_max(THUMB_OPT_HEIGHT);
    const char *x = strchr(s, 'x');
    char part[32];
    *w = *h = 0;
    if (!x) {
        if (!parse_uint(s, max_w < max_h ? max_w : max_h, w) || *w == 0)
            return 0;
        *h = *w;
        return 1;
    }
    size_t n = (size_t)(x - s);
    if (n >= sizeof part)
        return 0;
    memcpy(part, s, n);
    part[n] = '\0';
    if (n && (!parse_uint(part, max_w, w) || *w == 0))
        return 0;
    if (x[1] && (!parse_uint(x + 1, max_h, h) || *h == 0))
        return 0;
    return *w || *h;
}

/* Every option reaches the library here: checked on the first context
 * and kept for the others (see new_worker_ctx()). */
static int set(cli *c, thumb_option key, long long v) {
    if (thumb_ctx_set(c->ctx, key, v) != THUMB_OK) {
        fprintf(stderr, "thumbnail: %s\n", thumb_ctx_error(c->ctx));
        return 0;
    }
    int k = 0;
    while (k < c->setting_count && c->settings[k].key != key)
        k++;
    if (k == MAX_SETTINGS) {
        fprintf(stderr, "thumbnail: more than %d distinct options\n",
                MAX_SETTINGS);
        return 0;
    }
    c->settings[k] = (setting){key, v};
    c->setting_count += k == c->setting_count;
    return 1;
}

enum {
    OPT_FIT = 256,
    OPT_CROP,
    OPT_ENLARGE,
    OPT_PROGRESSIVE,
    OPT_OPTIMIZE_CODING,
    OPT_SUBSAMPLING,
    OPT_PNG_COMPRESSION,
    OPT_LOSSLESS,
    OPT_BACKGROUND,
    OPT_NO_ROTATE,
    OPT_MAX_PIXELS,
    OPT_FIRST_FRAME,
    OPT_COLOR,
    OPT_KEEP_EXIF,
    OPT_ACCURATE,
    OPT_LINEAR,
    OPT_PNG_16BIT,
    OPT_VERSION,
    OPT_QUIET,
    OPT_OVERWRITE,
};

static const struct option long_options[] = {
    {"size", required_argument, NULL, 's'},
    {"fit", required_argument, NULL, OPT_FIT},
    {"crop", required_argument, NULL, OPT_CROP},
    {"enlarge", no_argument, NULL, OPT_ENLARGE},
    {"format", required_argument, NULL, 'f'},
    {"quality", required_argument, NULL, 'q'},
    {"progressive", no_argument, NULL, OPT_PROGRESSIVE},
    {"optimize-coding", no_argument, NULL, OPT_OPTIMIZE_CODING},
    {"subsampling", required_argument, NULL, OPT_SUBSAMPLING},
    {"png-compression", required_argument, NULL, OPT_PNG_COMPRESSION},
    {"lossless", no_argument, NULL, OPT_LOSSLESS},
    {"background", required_argument, NULL, OPT_BACKGROUND},
    {"no-rotate", no_argument, NULL, OPT_NO_ROTATE},
    {"max-pixels", required_argument, NULL, OPT_MAX_PIXELS},
    {"first-frame", no_argument, NULL, OPT_FIRST_FRAME},
    {"color", required_argument, NULL, OPT_COLOR},
    {"keep-exif", no_argument, NULL, OPT_KEEP_EXIF},
    {"accurate", no_argument, NULL, OPT_ACCURATE},
    {"linear", no_argument, NULL, OPT_LINEAR},
    {"png-16bit", no_argument, NULL, OPT_PNG_16BIT},
    {"output", required_argument, NULL, 'o'},
    {"jobs", required_argument, NULL, 'j'},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"overwrite", no_argument, NULL, OPT_OVERWRITE},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* A whole number within the library's bounds of key, set on the context;
 * else a usage error that gives the range, in unit when there is one. */
static int set_bounded(cli *c, thumb_option key, const char *arg,
                       const char *what, const char *unit) {
    int64_t min, max;
    long long v;
    thumb_option_bounds(key, &min, &max);
    if (!parse_uint(arg, (long long)max, &v) || v < min)
        return !usage_error("invalid %s '%s' (%lld..%lld%s%s)", what, arg,
                            (long long)min, (long long)max, unit ? " " : "",
                            unit ? unit : "");
    return set(c, key, v);
}

static int is_writable(thumb_format f) {
    return thumb_format_can_write(f);
}

/* A format's name as a noun in a message: "HEIF". */
static const char *format_noun(thumb_format f, char *buf, size_t cap) {
    snprintf(buf, cap, "%s", thumb_format_name(f));
    for (char *p = buf; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return buf;
}

/* -f FMT, or OUT's extension, names a format the library does not
 * write: says which it reads and which it writes. */
static int unwritable_format(const char *arg, thumb_format f) {
    char writes[FORMAT_LIST_MAX], noun[FORMAT_LIST_MAX];
    format_list(writes, sizeof writes, is_writable, 0);
    format_noun(f, noun, sizeof noun);
    if (thumb_format_can_read(f))
        return !usage_error("cannot write %s ('%s'): thumbnail reads %s but "
                            "writes only %s",
                            noun, arg, noun, writes);
    return !usage_error("cannot write %s ('%s'): this build neither reads "
                        "nor writes it; it writes %s",
                        noun, arg, writes);
}

/* Applies one parsed option; returns 0 on a usage error (reported). */
static int apply_option(cli *c, int opt, const char *arg) {
    long long v, w, h;
    thumb_format f;
    char *end;
    const char *hex;
    switch (opt) {
    case 's':
        if (!parse_size(arg, &w, &h))
            return !usage_error("invalid size '%s' (N, WxH, Wx or xH; each "
                                "side 1..%lld pixels)",
                                arg, option_max(THUMB_OPT_WIDTH));
        if (c->size_count == MAX_SIZES)
            return !usage_error("more than " TO_TEXT(MAX_SIZES) " sizes (-s "
                                                                "%s)",
                                arg);
        c->sizes[c->size_count++] = (size_arg){arg, w, h};
        return 1;
    case OPT_FIT:
        if (!strcmp(arg, "inside"))
            return set(c, THUMB_OPT_FIT, THUMB_FIT_INSIDE);
        if (!strcmp(arg, "cover"))
            return set(c, THUMB_OPT_FIT, THUMB_FIT_COVER);
        if (!strcmp(arg, "fill"))
            return set(c, THUMB_OPT_FIT, THUMB_FIT_FILL);
        return !usage_error("invalid fit '%s' (inside, cover or fill)", arg);
    case OPT_CROP:
        if (!strcmp(arg, "centre") || !strcmp(arg, "center"))
            return set(c, THUMB_OPT_CROP, THUMB_CROP_CENTRE);
        if (!strcmp(arg, "entropy"))
            return set(c, THUMB_OPT_CROP, THUMB_CROP_ENTROPY);
        if (!strcmp(arg, "attention"))
            return set(c, THUMB_OPT_CROP, THUMB_CROP_ATTENTION);
        return !usage_error("invalid crop '%s' (centre, entropy or attention)",
                            arg);
    case OPT_ENLARGE:
        return set(c, THUMB_OPT_ENLARGE, 1);
    case 'f':
        if (thumb_format_from_name(arg, &f) != THUMB_OK) {
            char writes[FORMAT_LIST_MAX];
            return !usage_error(
                "invalid format '%s' (%s, or auto; by name, extension or "
                "MIME type: jpg, .png, image/webp...)",
                arg, format_list(writes, sizeof writes, is_writable, 0));
        }
        if (f != THUMB_FORMAT_AUTO && !thumb_format_can_write(f))
            return unwritable_format(arg, f);
        if (c->format_count == MAX_FORMATS)
            return !usage_error("more than " TO_TEXT(MAX_FORMATS) " formats "
                                                                  "(-f %s)",
                                arg);
        c->formats[c->format_count++] = f;
        return 1;
    case 'q':
        return set_bounded(c, THUMB_OPT_QUALITY, arg, "quality", NULL);
    case OPT_PROGRESSIVE:
        return set(c, THUMB_OPT_JPEG_PROGRESSIVE, 1);
    case OPT_OPTIMIZE_CODING:
        return set(c, THUMB_OPT_JPEG_OPTIMIZE_CODING, 1);
    case OPT_SUBSAMPLING:
        if (!strcmp(arg, "420"))
            return set(c, THUMB_OPT_JPEG_SUBSAMPLING, THUMB_SUBSAMPLING_420);
        if (!strcmp(arg, "444"))
            return set(c, THUMB_OPT_JPEG_SUBSAMPLING, THUMB_SUBSAMPLING_444);
        return !usage_error("invalid subsampling '%s' (420 or 444)", arg);
    case OPT_PNG_COMPRESSION:
        return set_bounded(c, THUMB_OPT_PNG_COMPRESSION, arg, "PNG compression",
                           NULL);
    case OPT_LOSSLESS:
        return set(c, THUMB_OPT_WEBP_LOSSLESS, 1);
    case OPT_BACKGROUND:
        hex = arg[0] == '#' ? arg + 1 : arg;
        v = strtoll(hex, &end, 16);
        /* strtoll() also takes a sign, spaces and 0x: six digits only. */
        if (strlen(hex) != RGB_HEX_DIGITS ||
            strspn(hex, HEX_DIGITS) != RGB_HEX_DIGITS || *end)
            return !usage_error("invalid background '%s' (RRGGBB: six hex "
                                "digits, as ff8000 or #ff8000)",
                                arg);
        return set(c, THUMB_OPT_BACKGROUND, v);
    case OPT_NO_ROTATE:
        return set(c, THUMB_OPT_AUTOROTATE, 0);
    case OPT_MAX_PIXELS:
        return set_bounded(c, THUMB_OPT_MAX_PIXELS, arg, "pixel limit",
                           "pixels");
    case OPT_FIRST_FRAME:
        return set(c, THUMB_OPT_ANIMATION, 0);
    case OPT_COLOR:
        if (!strcmp(arg, "srgb"))
            return set(c, THUMB_OPT_COLOR, THUMB_COLOR_SRGB);
        if (!strcmp(arg, "tagged"))
            return set(c, THUMB_OPT_COLOR, THUMB_COLOR_SRGB_TAGGED);
        if (!strcmp(arg, "keep"))
            return set(c, THUMB_OPT_COLOR, THUMB_COLOR_KEEP);
        return !usage_error("invalid color '%s' (srgb, tagged or keep)", arg);
    case OPT_KEEP_EXIF:
        return set(c, THUMB_OPT_KEEP_EXIF, 1);
    case OPT_ACCURATE:
        return set(c, THUMB_OPT_ACCURATE, 1);
    case OPT_LINEAR:
        return set(c, THUMB_OPT_LINEAR, 1);
    case OPT_PNG_16BIT:
        return set(c, THUMB_OPT_PNG_16BIT, 1);
    case 'o':
        if (!*arg)
            return !usage_error("%s", "empty output name (-o '')");
        c->output = arg;
        return 1;
    case 'j':
        if (!parse_uint(arg, MAX_JOBS, &v) || v < 1)
            return !usage_error(
                "invalid job count '%s' (1.." TO_TEXT(MAX_JOBS) ")", arg);
        c->jobs = v;
        return 1;
    case 'v':
        c->verbose = 1;
        return 1;
    case OPT_QUIET:
        c->quiet = 1;
        return 1;
    case OPT_OVERWRITE:
        c->overwrite = 1;
        return 1;
    default:
        return !usage_error("%s", "invalid option");
    }
}

int format_from_output(cli *c) {
    const char *dot = strrchr(base_name(c->output), '.');
    thumb_format f = THUMB_FORMAT_AUTO;
    /* "auto" is a name but no extension: x.auto tells nothing. */
    if (!dot || thumb_format_from_name(dot + 1, &f) != THUMB_OK ||
        f == THUMB_FORMAT_AUTO) {
        char names[FORMAT_LIST_MAX], exts[FORMAT_LIST_MAX];
        return !usage_error(
            "cannot tell the format from '%s': give -f (%s) or end it in %s",
            c->output, format_list(names, sizeof names, is_writable, 0),
            format_list(exts, sizeof exts, is_writable, 1));
    }
    if (!thumb_format_can_write(f))
        return unwritable_format(c->output, f);
    c->formats[c->format_count++] = f;
    return 1;
}

int parse_command_line(cli *c, int argc, char **argv) {
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":s:f:q:o:j:vh", long_options,
                              NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage_text, stdout);
            return EXIT_ALL_OK;
        }
        if (opt == OPT_VERSION) {
            printf("thumbnail %s\n", thumb_version_string());
            return EXIT_ALL_OK;
        }
        if (opt == ':' || opt == '?')
            return usage_error(opt == ':' ? "option '%s' needs a value"
                                          : "unknown option '%s'",
                               argv[optind - 1]);
        if (!apply_option(c, opt, optarg))
            return EXIT_USAGE;
    }
    return COMMAND_LINE_RUN;
}
