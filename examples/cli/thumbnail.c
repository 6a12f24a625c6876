/* thumbnail: the command-line front end of libthumbnail.
 *
 *   thumbnail -s 256 photo.jpg -o thumb.webp
 *   thumbnail -s 320x240 --fit cover -f webp -o thumbs/ *.jpg
 */
#include <thumbnail.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* Exit codes, documented in --help. */
enum {
    EXIT_ALL_OK = 0,
    EXIT_SOME_FAILED = 1,
    EXIT_USAGE = 2,
};

static const char usage_text[] =
    "Usage: thumbnail [OPTION]... -o OUT INPUT...\n"
    "Make thumbnails of JPEG, PNG, WebP and GIF images.\n"
    "\n"
    "With one INPUT, OUT is the output file; its extension (.jpg, .jpeg,\n"
    ".png, .webp, .gif) picks the format unless -f is given. With several\n"
    "INPUTs, OUT is a directory (created if missing); each output is named\n"
    "after its input with the output format's extension.\n"
    "\n"
    "  -s, --size SIZE        N (an NxN box), WxH, Wx (width only) or xH\n"
    "                         (height only); default: keep the size\n"
    "      --fit MODE         inside (default): within the box, aspect kept;\n"
    "                         cover: fill the box, centre crop;\n"
    "                         fill: exactly the box, aspect ignored\n"
    "      --crop MODE        where cover crops: centre (default), entropy\n"
    "                         (the busiest part) or attention (edges, skin\n"
    "                         and saturated colour, like vips)\n"
    "      --enlarge          allow output larger than the input\n"
    "  -f, --format FMT       jpeg, png, webp or gif (default: from OUT, or\n"
    "                         the input's format)\n"
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
    "  -q, --quality N        JPEG/WebP quality 1-100 (default 80)\n"
    "      --progressive      progressive JPEG\n"
    "      --subsampling S    JPEG chroma: 420 (default) or 444\n"
    "      --png-compression N  0 (none) to 9 (smallest, slowest);\n"
    "                         default 6\n"
    "      --lossless         lossless WebP\n"
    "      --background RRGGBB  colour under transparency for JPEG\n"
    "                         (default ffffff)\n"
    "      --no-rotate        ignore the EXIF orientation\n"
    "      --max-pixels N     refuse larger inputs (default 100000000)\n"
    "  -o, --output OUT       output file or directory (required)\n"
    "  -v, --verbose          one line per image: sizes and timings\n"
    "      --version          print the library version\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit status: 0 if every input was converted, 1 if any failed (each\n"
    "failure is reported on one line and the others still run), 2 on a\n"
    "usage error.\n";

/* The input buffer starts this large when the size is unknown (a pipe)
 * and doubles as the input grows. */
#define READ_CHUNK ((size_t)1 << 16)

/* glibc's malloc: blocks up to this size come from the heap instead of
 * each being mapped and unmapped (glibc's largest allowed value), and free
 * memory at the top of the heap is returned to the system only past the
 * trim threshold. See keep_freed_memory(). */
#define MMAP_THRESHOLD ((int)(sizeof(long) * 4 * 1024 * 1024))
#define TRIM_THRESHOLD (64 * 1024 * 1024)

typedef struct cli {
    thumb_ctx *ctx;
    const char *output;
    int format_given;
    int verbose;
    /* The input file's bytes, kept and reused from one input to the next:
     * a fresh buffer per file costs a page fault per 4 KiB. */
    unsigned char *in;
    size_t in_capacity;
} cli;

/* A batch converts one image after another with the same large blocks:
 * the input buffer and the codecs' own memory (libjpeg's and libpng's,
 * which do not go through the library's allocator). By default glibc maps
 * each such block afresh and unmaps it on free, or trims the heap top, so
 * every image paid its page faults again: a fifth of its time in the
 * kernel. Freed memory is kept for the next image instead, which leaves
 * the peak about where it was. */
static void keep_freed_memory(void) {
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
#endif
}

static int usage_error(const char *fmt, const char *arg) {
    fprintf(stderr, "thumbnail: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'thumbnail --help'.\n");
    return EXIT_USAGE;
}

static int parse_uint(const char *s, long long max, long long *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > max)
        return 0;
    *out = v;
    return 1;
}

/* SIZE as vipsthumbnail takes it: N, WxH, Wx, xH. */
static int parse_size(const char *s, long long *w, long long *h) {
    const char *x = strchr(s, 'x');
    char part[32];
    *w = *h = 0;
    if (!x) {
        if (!parse_uint(s, THUMB_MAX_DIMENSION, w) || *w == 0)
            return 0;
        *h = *w;
        return 1;
    }
    size_t n = (size_t)(x - s);
    if (n >= sizeof part)
        return 0;
    memcpy(part, s, n);
    part[n] = '\0';
    if (n && (!parse_uint(part, THUMB_MAX_DIMENSION, w) || *w == 0))
        return 0;
    if (x[1] && (!parse_uint(x + 1, THUMB_MAX_DIMENSION, h) || *h == 0))
        return 0;
    return *w || *h;
}

static int format_from_name(const char *s, thumb_format *f) {
    if (!strcasecmp(s, "jpeg") || !strcasecmp(s, "jpg"))
        *f = THUMB_FORMAT_JPEG;
    else if (!strcasecmp(s, "png"))
        *f = THUMB_FORMAT_PNG;
    else if (!strcasecmp(s, "webp"))
        *f = THUMB_FORMAT_WEBP;
    else if (!strcasecmp(s, "gif"))
        *f = THUMB_FORMAT_GIF;
    else
        return 0;
    return 1;
}

static const char *extension_of(thumb_format f) {
    switch (f) {
    case THUMB_FORMAT_JPEG:
        return "jpg";
    case THUMB_FORMAT_PNG:
        return "png";
    case THUMB_FORMAT_WEBP:
        return "webp";
    case THUMB_FORMAT_GIF:
        return "gif";
    default:
        return "bin";
    }
}

/* Grows c->in to hold at least `need` bytes. */
static int reserve_input(cli *c, size_t need) {
    if (need <= c->in_capacity)
        return 1;
    size_t cap = c->in_capacity ? c->in_capacity : READ_CHUNK;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    /* The old bytes are not needed: a new file is being read. */
    free(c->in);
    c->in = malloc(cap);
    c->in_capacity = c->in ? cap : 0;
    return c->in != NULL;
}

/* Reads the whole file into c->in: in one read() when its size is known
 * (plus one byte, to see the end), growing for files that grow or have
 * no size (pipes). */
static int read_file(cli *c, const char *path, size_t *size, const char **why) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        *why = strerror(errno);
        return 0;
    }
    struct stat st;
    size_t expected = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                              (uintmax_t)st.st_size < SIZE_MAX - 1
                          ? (size_t)st.st_size + 1
                          : READ_CHUNK;
    size_t len = 0;
    int ok = reserve_input(c, expected);
    while (ok) {
        if (len == c->in_capacity) {
            /* Keeps what was read: a grow here is rare (a pipe, a file
             * that grew), so a copy is fine. */
            unsigned char *p =
                c->in_capacity == 0 || c->in_capacity > SIZE_MAX / 2
                    ? NULL
                    : realloc(c->in, c->in_capacity * 2);
            if (!p) {
                ok = 0;
                break;
            }
            c->in = p;
            c->in_capacity *= 2;
        }
        ssize_t n = read(fd, c->in + len, c->in_capacity - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *why = strerror(errno);
            close(fd);
            return 0;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (!ok) {
        *why = "out of memory";
        return 0;
    }
    *size = len;
    return 1;
}

/* Writes through a temporary file and a rename, so a failure never leaves
 * a partial output where the final one belongs. */
static int write_file(const char *path, const unsigned char *data, size_t size,
                      const char **why) {
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >=
        (int)sizeof tmp) {
        *why = "output path too long";
        return 0;
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        *why = strerror(errno);
        return 0;
    }
    int ok = fwrite(data, 1, size, f) == size;
    ok = (fclose(f) == 0) && ok;
    if (ok && rename(tmp, path) != 0)
        ok = 0;
    if (!ok) {
        *why = strerror(errno);
        remove(tmp);
    }
    return ok;
}

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* OUT/<input name without extension>.<ext> */
static int output_path_in_dir(char *dst, size_t cap, const char *dir,
                              const char *input, thumb_format f) {
    const char *base = base_name(input);
    const char *dot = strrchr(base, '.');
    int stem = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    return snprintf(dst, cap, "%s/%.*s.%s", dir, stem, base, extension_of(f)) <
           (int)cap;
}

static int convert(cli *c, const char *input, const char *output) {
    const char *why = NULL;
    size_t size;
    if (!read_file(c, input, &size, &why)) {
        fprintf(stderr, "thumbnail: %s: cannot read: %s\n", input, why);
        return 0;
    }
    const unsigned char *out;
    size_t out_len;
    thumb_status st = thumb_run(c->ctx, c->in, size, &out, &out_len);
    if (st != THUMB_OK) {
        fprintf(stderr, "thumbnail: %s: %s (%s)\n", input,
                thumb_ctx_error(c->ctx), thumb_strerror(st));
        return 0;
    }
    char path[PATH_MAX];
    if (!output) {
        thumb_format f =
            (thumb_format)thumb_ctx_info(c->ctx, THUMB_INFO_OUTPUT_FORMAT);
        if (!output_path_in_dir(path, sizeof path, c->output, input, f)) {
            fprintf(stderr, "thumbnail: %s: output path too long\n", input);
            return 0;
        }
        output = path;
    }
    if (!write_file(output, out, out_len, &why)) {
        fprintf(stderr, "thumbnail: %s: cannot write %s: %s\n", input, output,
                why);
        return 0;
    }
    if (c->verbose)
        fprintf(stderr,
                "%s: %lldx%lld %s -> %s %lldx%lld %s, %zu bytes, "
                "decode %.1f ms, resize %.1f ms, encode %.1f ms\n",
                input, (long long)thumb_ctx_info(c->ctx, THUMB_INFO_WIDTH),
                (long long)thumb_ctx_info(c->ctx, THUMB_INFO_HEIGHT),
                thumb_format_name(
                    (thumb_format)thumb_ctx_info(c->ctx, THUMB_INFO_FORMAT)),
                output,
                (long long)thumb_ctx_info(c->ctx, THUMB_INFO_OUTPUT_WIDTH),
                (long long)thumb_ctx_info(c->ctx, THUMB_INFO_OUTPUT_HEIGHT),
                thumb_format_name((thumb_format)thumb_ctx_info(
                    c->ctx, THUMB_INFO_OUTPUT_FORMAT)),
                out_len, thumb_ctx_info(c->ctx, THUMB_INFO_DECODE_US) / 1000.0,
                thumb_ctx_info(c->ctx, THUMB_INFO_RESIZE_US) / 1000.0,
                thumb_ctx_info(c->ctx, THUMB_INFO_ENCODE_US) / 1000.0);
    return 1;
}

static int set(cli *c, thumb_option key, long long v) {
    if (thumb_ctx_set(c->ctx, key, v) != THUMB_OK) {
        fprintf(stderr, "thumbnail: %s\n", thumb_ctx_error(c->ctx));
        return 0;
    }
    return 1;
}

enum {
    OPT_FIT = 256,
    OPT_CROP,
    OPT_ENLARGE,
    OPT_PROGRESSIVE,
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
};

static const struct option long_options[] = {
    {"size", required_argument, NULL, 's'},
    {"fit", required_argument, NULL, OPT_FIT},
    {"crop", required_argument, NULL, OPT_CROP},
    {"enlarge", no_argument, NULL, OPT_ENLARGE},
    {"format", required_argument, NULL, 'f'},
    {"quality", required_argument, NULL, 'q'},
    {"progressive", no_argument, NULL, OPT_PROGRESSIVE},
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
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Applies one parsed option; returns 0 on a usage error (reported). */
static int apply_option(cli *c, int opt, const char *arg) {
    long long v, w, h;
    thumb_format f;
    char *end;
    switch (opt) {
    case 's':
        if (!parse_size(arg, &w, &h))
            return !usage_error("invalid size '%s'", arg);
        return set(c, THUMB_OPT_WIDTH, w) && set(c, THUMB_OPT_HEIGHT, h);
    case OPT_FIT:
        if (!strcmp(arg, "inside"))
            return set(c, THUMB_OPT_FIT, THUMB_FIT_INSIDE);
        if (!strcmp(arg, "cover"))
            return set(c, THUMB_OPT_FIT, THUMB_FIT_COVER);
        if (!strcmp(arg, "fill"))
            return set(c, THUMB_OPT_FIT, THUMB_FIT_FILL);
        return !usage_error("invalid fit '%s'", arg);
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
        if (!format_from_name(arg, &f))
            return !usage_error("invalid format '%s'", arg);
        c->format_given = 1;
        return set(c, THUMB_OPT_FORMAT, f);
    case 'q':
        if (!parse_uint(arg, 100, &v) || v < 1)
            return !usage_error("invalid quality '%s' (1-100)", arg);
        return set(c, THUMB_OPT_QUALITY, v);
    case OPT_PROGRESSIVE:
        return set(c, THUMB_OPT_JPEG_PROGRESSIVE, 1);
    case OPT_SUBSAMPLING:
        if (!strcmp(arg, "420"))
            return set(c, THUMB_OPT_JPEG_SUBSAMPLING, THUMB_SUBSAMPLING_420);
        if (!strcmp(arg, "444"))
            return set(c, THUMB_OPT_JPEG_SUBSAMPLING, THUMB_SUBSAMPLING_444);
        return !usage_error("invalid subsampling '%s' (420 or 444)", arg);
    case OPT_PNG_COMPRESSION:
        if (!parse_uint(arg, 9, &v))
            return !usage_error("invalid PNG compression '%s' (0-9)", arg);
        return set(c, THUMB_OPT_PNG_COMPRESSION, v);
    case OPT_LOSSLESS:
        return set(c, THUMB_OPT_WEBP_LOSSLESS, 1);
    case OPT_BACKGROUND:
        v = strtoll(arg[0] == '#' ? arg + 1 : arg, &end, 16);
        if (strlen(arg[0] == '#' ? arg + 1 : arg) != 6 || *end)
            return !usage_error("invalid background '%s' (RRGGBB)", arg);
        return set(c, THUMB_OPT_BACKGROUND, v);
    case OPT_NO_ROTATE:
        return set(c, THUMB_OPT_AUTOROTATE, 0);
    case OPT_MAX_PIXELS:
        if (!parse_uint(arg, LLONG_MAX, &v) || v < 1)
            return !usage_error("invalid pixel limit '%s'", arg);
        return set(c, THUMB_OPT_MAX_PIXELS, v);
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
        c->output = arg;
        return 1;
    case 'v':
        c->verbose = 1;
        return 1;
    default:
        return !usage_error("%s", "invalid option");
    }
}

static int is_directory(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int main(int argc, char **argv) {
    keep_freed_memory();
    cli c = {0};
    c.ctx = thumb_ctx_new();
    if (!c.ctx) {
        fprintf(stderr, "thumbnail: out of memory\n");
        return EXIT_SOME_FAILED;
    }
    int status = EXIT_ALL_OK;
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":s:f:q:o:vh", long_options, NULL)) !=
           -1) {
        if (opt == 'h') {
            fputs(usage_text, stdout);
            goto out;
        }
        if (opt == OPT_VERSION) {
            printf("thumbnail %s\n", thumb_version_string());
            goto out;
        }
        if (opt == ':' || opt == '?') {
            status = usage_error(opt == ':' ? "option '%s' needs a value"
                                            : "unknown option '%s'",
                                 argv[optind - 1]);
            goto out;
        }
        if (!apply_option(&c, opt, optarg)) {
            status = EXIT_USAGE;
            goto out;
        }
    }
    int inputs = argc - optind;
    if (inputs < 1 || !c.output) {
        status = usage_error("%s", inputs < 1 ? "no input file"
                                              : "no output given (-o OUT)");
        goto out;
    }

    if (inputs == 1 && !is_directory(c.output)) {
        if (!c.format_given) {
            const char *dot = strrchr(base_name(c.output), '.');
            thumb_format f;
            if (!dot || !format_from_name(dot + 1, &f)) {
                status = usage_error("cannot tell the format from '%s': use "
                                     "-f jpeg|png|webp|gif",
                                     c.output);
                goto out;
            }
            thumb_ctx_set(c.ctx, THUMB_OPT_FORMAT, f);
        }
        status = convert(&c, argv[optind], c.output) ? EXIT_ALL_OK
                                                     : EXIT_SOME_FAILED;
        goto out;
    }

    if (!is_directory(c.output) && mkdir(c.output, 0777) != 0) {
        fprintf(stderr, "thumbnail: cannot create directory %s: %s\n", c.output,
                strerror(errno));
        status = EXIT_SOME_FAILED;
        goto out;
    }
    int progress = isatty(STDERR_FILENO) && !c.verbose;
    int failed = 0;
    for (int i = 0; i < inputs; i++) {
        const char *input = argv[optind + i];
        if (progress)
            fprintf(stderr, "\r\033[K[%d/%d] %s", i + 1, inputs,
                    base_name(input));
        if (!convert(&c, input, NULL)) {
            failed++;
            if (progress) /* keep the failure line, start a fresh one */
                fputc('\n', stderr);
        }
    }
    if (progress)
        fprintf(stderr, "\r\033[K%d of %d converted\n", inputs - failed,
                inputs);
    status = failed ? EXIT_SOME_FAILED : EXIT_ALL_OK;

out:
    free(c.in);
    thumb_ctx_free(c.ctx);
    return status;
}
