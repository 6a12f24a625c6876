/* thumbnail: the command-line front end of libthumbnail.
 *
 *   thumbnail -s 256 photo.jpg -o thumb.webp
 *   thumbnail -s 320x240 --fit cover -f webp -o thumbs/ *.jpg
 *
 * A batch runs on worker threads (-j), each with its own contexts: a
 * context serves one thread at a time, and contexts share nothing. Each
 * size x format asked for (-s, -f repeated) has a context of its own, and
 * every input is decoded once for all of them (thumb_run_many()).
 */
#include <thumbnail.h>

#include "format_list.h"
#include "overwrite.h"
#include "paths.h"
#include "progress.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    "       thumbnail [OPTION]... -o - INPUT|-\n"
    "Make thumbnails of JPEG, PNG, WebP, GIF, HEIC/HEIF, AVIF and JPEG XL\n"
    "images (the last three are read, never written).\n"
    "\n"
    "With one INPUT, OUT is the output file; its extension (.jpg, .jpeg,\n"
    ".jpe, .png, .webp, .gif...) picks the format unless -f is given.\n"
    "With several INPUTs, OUT is a directory (created if missing); each\n"
    "output is named after its input with the output format's usual\n"
    "extension (.jpg, .png, .webp, .gif); when two INPUTs map to the same\n"
    "output (a/x.jpg, b/x.jpg), the later one on the command line wins, as\n"
    "it would one after another.\n"
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
    "  -f, --format FMT       jpeg, png, webp or gif, by name, extension\n"
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
    "  -q, --quality N        JPEG/WebP quality 1-100 (default 80)\n"
    "      --progressive      progressive JPEG\n"
    "      --optimize-coding  JPEG Huffman tables made for the image:\n"
    "                         1-3% smaller, about 10% slower\n"
    "      --subsampling S    JPEG chroma: 420 (default) or 444\n"
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

/* The input buffer starts this large when the size is unknown (a pipe)
 * and doubles as the input grows. */
#define READ_CHUNK ((size_t)1 << 16)

/* glibc's malloc: blocks up to this size come from the heap instead of
 * each being mapped and unmapped (glibc's largest allowed value), and free
 * memory at the top of the heap is returned to the system only past the
 * trim threshold. See keep_freed_memory(). */
#define MMAP_THRESHOLD ((int)(sizeof(long) * 4 * 1024 * 1024))
#define TRIM_THRESHOLD (64 * 1024 * 1024)

/* -j above this is a typo, not a machine: each job holds a context and
 * the memory of one image. */
#define MAX_JOBS 256
#define STRINGIFY(x) #x
#define TO_TEXT(x) STRINGIFY(x)

/* Room for strerror_r()'s text: glibc's longest message is 49 bytes. */
#define ERROR_TEXT_MAX 128

/* Room for every option key the command line sets; each key is kept once,
 * with its last value. */
#define MAX_SETTINGS 32
/* -s and -f given more often than this are a mistake, not a srcset: 16
 * sizes in 4 formats is 64 outputs of every input. */
#define MAX_SIZES 16
#define MAX_FORMATS 4
#define MAX_VARIANTS (MAX_SIZES * MAX_FORMATS)

/* One thumb_ctx_set() the command line asked for, replayed on the context
 * of every worker. */
typedef struct setting {
    thumb_option key;
    int64_t value;
} setting;

/* One -s: the box, and the argument as written, for output names. */
typedef struct size_arg {
    const char *text;
    long long width, height;
} size_arg;

/* The command line, parsed once; the workers only read it. */
typedef struct cli {
    /* Options are checked as they are set on this context. */
    thumb_ctx *ctx;
    const char *output;
    int verbose;
    int quiet;      /* no progress line */
    int overwrite;  /* an output may replace an input */
    long long jobs; /* 0: one per online CPU */
    setting settings[MAX_SETTINGS];
    int setting_count;
    size_arg sizes[MAX_SIZES];
    int size_count;
    thumb_format formats[MAX_FORMATS];
    int format_count;
} cli;

/* The outputs of every input: one per size x format (at least one). */
static int variant_count(const cli *c) {
    return (c->size_count ? c->size_count : 1) *
           (c->format_count ? c->format_count : 1);
}

/* The size (or NULL: none given) and format (AUTO: none given) of
 * variant v. */
static const size_arg *variant_size(const cli *c, int v) {
    return c->size_count ? &c->sizes[v % c->size_count] : NULL;
}

static thumb_format variant_format(const cli *c, int v) {
    int sizes = c->size_count ? c->size_count : 1;
    return c->format_count ? c->formats[v / sizes] : THUMB_FORMAT_AUTO;
}

/* The inputs of one call and what the workers share. */
typedef struct batch {
    const cli *c;
    char *const *inputs;
    int count;
    /* The output file of a single input; NULL: OUT is a directory. */
    const char *output_file;
    /* The index of the next input to take. */
    atomic_int next;
    /* Inputs with the same name stem map to the same output when their
     * formats agree: each is linked to the next with that stem, in a
     * circle (itself when alone). NULL: no two share a stem. */
    int *same_stem;
    /* Under lock: the format written for each input and variant of a
     * shared stem, [input * variants + variant] (THUMB_FORMAT_AUTO: none
     * yet). */
    thumb_format *written;
    int variants;
    /* Guards stderr, the shared-stem renames and the counts below. */
    pthread_mutex_t lock;
    progress progress; /* on a terminal */
    int done;
    int failed;
} batch;

/* One thread's share of a batch. */
typedef struct worker {
    batch *b;
    thumb_ctx *ctxs[MAX_VARIANTS]; /* one per variant */
    unsigned index;                /* makes its temporary file names unique */
    /* The input file's bytes, kept and reused from one input to the next:
     * a fresh buffer per file costs a page fault per 4 KiB. */
    unsigned char *in;
    size_t in_capacity;
    /* strerror() may share one buffer between threads: strerror_r()
     * writes here. */
    char error_text[ERROR_TEXT_MAX];
} worker;

/* The text of errno for a failure message. */
static const char *errno_text(worker *w) {
    int err = errno;
    if (strerror_r(err, w->error_text, sizeof w->error_text) != 0)
        snprintf(w->error_text, sizeof w->error_text, "error %d", err);
    return w->error_text;
}

/* Each worker of a batch converts one image after another with the same
 * large blocks: the input buffer and the codecs' own memory (libjpeg's and
 * libpng's, which do not go through the library's allocator). By default
 * glibc maps each such block afresh and unmaps it on free, or trims the heap
 * top, so every image paid its page faults again: a fifth of its time in the
 * kernel. Freed memory is kept for the next image instead, which leaves the
 * peak about where it was. */
static void keep_freed_memory(void) {
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
#endif
}

/* clang-analyzer misses va_start() here (a known false positive). */
// NOLINTBEGIN(clang-analyzer-valist.Uninitialized)
static int usage_error(const char *fmt, ...) {
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

/* Grows w->in to hold at least `need` bytes. */
static int reserve_input(worker *w, size_t need) {
    if (need <= w->in_capacity)
        return 1;
    size_t cap = w->in_capacity ? w->in_capacity : READ_CHUNK;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    /* The old bytes are not needed: a new file is being read. */
    free(w->in);
    w->in = malloc(cap);
    w->in_capacity = w->in ? cap : 0;
    return w->in != NULL;
}

/* Reads the whole file into w->in ("-": standard input): in one read()
 * when its size is known (plus one byte, to see the end), growing for
 * files that grow or have no size (pipes). */
static int read_file(worker *w, const char *path, size_t *size,
                     const char **why) {
    int fd = is_stdio(path) ? STDIN_FILENO : open(path, O_RDONLY);
    if (fd < 0) {
        *why = errno_text(w);
        return 0;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        /* read() would say EISDIR; this says what to give instead. */
        *why = "it is a directory (give the images in it: DIR/*)";
        if (fd != STDIN_FILENO)
            close(fd);
        return 0;
    }
    size_t expected = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                              (uintmax_t)st.st_size < SIZE_MAX - 1
                          ? (size_t)st.st_size + 1
                          : READ_CHUNK;
    size_t len = 0;
    int ok = reserve_input(w, expected);
    while (ok) {
        if (len == w->in_capacity) {
            /* Keeps what was read: a grow here is rare (a pipe, a file
             * that grew), so a copy is fine. */
            unsigned char *p =
                w->in_capacity == 0 || w->in_capacity > SIZE_MAX / 2
                    ? NULL
                    : realloc(w->in, w->in_capacity * 2);
            if (!p) {
                ok = 0;
                break;
            }
            w->in = p;
            w->in_capacity *= 2;
        }
        ssize_t n = read(fd, w->in + len, w->in_capacity - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *why = errno_text(w);
            if (fd != STDIN_FILENO)
                close(fd);
            return 0;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (fd != STDIN_FILENO)
        close(fd);
    if (!ok) {
        *why = "out of memory";
        return 0;
    }
    *size = len;
    return 1;
}

/* Writes data to a temporary file beside path, named for this process
 * and worker (two workers may be writing the same output, see
 * commit_output()), so that a failure never leaves a partial output where
 * the final one belongs. */
static int write_temp(worker *w, const char *path, const unsigned char *data,
                      size_t size, char *tmp, size_t tmp_cap,
                      const char **why) {
    if (snprintf(tmp, tmp_cap, "%s.tmp%ld-%u", path, (long)getpid(),
                 w->index) >= (int)tmp_cap) {
        *why = "output path too long";
        return 0;
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        *why = errno_text(w);
        return 0;
    }
    int ok = fwrite(data, 1, size, f) == size;
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        *why = errno_text(w);
        remove(tmp);
    }
    return ok;
}

/* Writes the whole image to standard output: nothing else goes there. */
static int write_stdout(worker *w, const unsigned char *data, size_t size,
                        const char **why) {
    int ok = fwrite(data, 1, size, stdout) == size;
    ok = (fflush(stdout) == 0) && ok;
    if (!ok)
        *why = errno_text(w);
    return ok;
}

static int rename_into_place(worker *w, const char *tmp, const char *path,
                             const char **why) {
    if (rename(tmp, path) == 0)
        return 1;
    *why = errno_text(w);
    remove(tmp);
    return 0;
}

/* Moves input i's finished temporary file to path. When inputs share a
 * name stem (a/x.jpg, b/x.jpg) and format, they share the output, and the
 * later one on the command line wins, as in a run one after another,
 * whichever worker finishes first: the check and the rename happen under
 * the lock. */
static int commit_output(worker *w, int i, int v, thumb_format f,
                         const char *tmp, const char *path, const char **why) {
    batch *b = w->b;
    if (!b->same_stem || b->same_stem[i] == i)
        return rename_into_place(w, tmp, path, why);
    pthread_mutex_lock(&b->lock);
    int superseded = 0;
    for (int j = b->same_stem[i]; j != i; j = b->same_stem[j])
        superseded |= j > i && b->written[j * b->variants + v] == f;
    int ok = 1;
    if (superseded)
        remove(tmp); /* written, then overwritten: as good as done */
    else if ((ok = rename_into_place(w, tmp, path, why)))
        b->written[i * b->variants + v] = f;
    pthread_mutex_unlock(&b->lock);
    return ok;
}

/* Reports a failure of input on one line, clearing the progress line
 * first. */
/* clang-analyzer misses va_start() here (a known false positive). */
// NOLINTBEGIN(clang-analyzer-valist.Uninitialized)
static void report_failure(batch *b, const char *input, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&b->lock);
    progress_clear(&b->progress);
    fprintf(stderr, "thumbnail: %s: ", input);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    pthread_mutex_unlock(&b->lock);
    va_end(ap);
}
// NOLINTEND(clang-analyzer-valist.Uninitialized)

/* Counts a finished input and shows the count on the progress line. */
static void report_done(batch *b, int ok) {
    pthread_mutex_lock(&b->lock);
    b->done++;
    b->failed += !ok;
    progress_update(&b->progress, b->done, b->failed);
    pthread_mutex_unlock(&b->lock);
}

static void report_verbose(worker *w, const thumb_ctx *ctx, const char *input,
                           const char *output, size_t out_len) {
    pthread_mutex_lock(&w->b->lock);
    fprintf(
        stderr,
        "%s: %lldx%lld %s -> %s %lldx%lld %s, %zu bytes, "
        "decode %.1f ms, resize %.1f ms, encode %.1f ms\n",
        input, (long long)thumb_ctx_info(ctx, THUMB_INFO_WIDTH),
        (long long)thumb_ctx_info(ctx, THUMB_INFO_HEIGHT),
        thumb_format_name((thumb_format)thumb_ctx_info(ctx, THUMB_INFO_FORMAT)),
        output, (long long)thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_WIDTH),
        (long long)thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_HEIGHT),
        thumb_format_name(
            (thumb_format)thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_FORMAT)),
        out_len, thumb_ctx_info(ctx, THUMB_INFO_DECODE_US) / 1000.0,
        thumb_ctx_info(ctx, THUMB_INFO_RESIZE_US) / 1000.0,
        thumb_ctx_info(ctx, THUMB_INFO_ENCODE_US) / 1000.0);
    pthread_mutex_unlock(&w->b->lock);
}

/* Where variant v of input i goes: the output file of a single input and
 * variant, else a name in the OUT directory. 0 (reported) when it has
 * none. */
static int output_path(worker *w, int i, int v, char *path, size_t cap) {
    batch *b = w->b;
    const char *input = b->inputs[i];
    if (b->output_file)
        return snprintf(path, cap, "%s", b->output_file) < (int)cap;
    thumb_format f =
        (thumb_format)thumb_ctx_info(w->ctxs[v], THUMB_INFO_OUTPUT_FORMAT);
    /* The library's usual extension of the format it wrote. */
    const char *ext = thumb_format_extension(f);
    if (!ext) {
        report_failure(b, input, "no file extension for format %s",
                       thumb_format_name(f));
        return 0;
    }
    const size_arg *size = b->variants > 1 ? variant_size(b->c, v) : NULL;
    if (!output_path_in_dir(path, cap, b->c->output, input,
                            size ? size->text : NULL, ext)) {
        report_failure(b, input, "output path too long");
        return 0;
    }
    return 1;
}

/* Writes variant v of input i, made by its context; a failure is
 * reported. */
static int write_output(worker *w, int i, int v) {
    batch *b = w->b;
    const char *input = b->inputs[i];
    thumb_ctx *ctx = w->ctxs[v];
    thumb_status st = thumb_ctx_status(ctx);
    if (st != THUMB_OK) {
        report_failure(b, input, "%s (%s)", thumb_ctx_error(ctx),
                       thumb_strerror(st));
        return 0;
    }
    const unsigned char *out;
    size_t out_len;
    thumb_ctx_output(ctx, &out, &out_len);
    char path[PATH_MAX], tmp[PATH_MAX];
    const char *why = NULL;
    if (!output_path(w, i, v, path, sizeof path))
        return 0;
    thumb_format f =
        (thumb_format)thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_FORMAT);
    if (is_stdio(path)
            ? !write_stdout(w, out, out_len, &why)
            : !write_temp(w, path, out, out_len, tmp, sizeof tmp, &why) ||
                  !commit_output(w, i, v, f, tmp, path, &why)) {
        report_failure(b, input, "cannot write %s: %s", path, why);
        return 0;
    }
    if (b->c->verbose)
        report_verbose(w, ctx, input, path, out_len);
    return 1;
}

/* Converts input i of the batch into every variant, from one decode; a
 * failure is reported. */
static int convert(worker *w, int i) {
    batch *b = w->b;
    const char *input = b->inputs[i];
    const char *why = NULL;
    size_t size;
    if (!read_file(w, input, &size, &why)) {
        report_failure(b, input, "cannot read: %s", why);
        return 0;
    }
    thumb_run_many(w->ctxs, (size_t)b->variants, w->in, size);
    int ok = 1;
    for (int v = 0; v < b->variants; v++)
        ok &= write_output(w, i, v);
    return ok;
}

/* A worker's loop: the next input not yet taken, until none is left. */
static void *work(void *arg) {
    worker *w = arg;
    batch *b = w->b;
    for (;;) {
        int i = atomic_fetch_add(&b->next, 1);
        if (i >= b->count)
            return NULL;
        report_done(b, convert(w, i));
    }
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

/* The context of variant v for a worker: every option of the command
 * line, then the variant's size and format. */
static thumb_ctx *new_variant_ctx(const cli *c, int v) {
    thumb_ctx *ctx = thumb_ctx_new();
    int ok = ctx != NULL;
    for (int k = 0; ok && k < c->setting_count; k++)
        ok = thumb_ctx_set(ctx, c->settings[k].key, c->settings[k].value) ==
             THUMB_OK;
    const size_arg *size = variant_size(c, v);
    if (ok && size)
        ok = thumb_ctx_set(ctx, THUMB_OPT_WIDTH, size->width) == THUMB_OK &&
             thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, size->height) == THUMB_OK;
    if (ok && c->format_count)
        ok = thumb_ctx_set(ctx, THUMB_OPT_FORMAT, variant_format(c, v)) ==
             THUMB_OK;
    if (!ok) {
        thumb_ctx_free(ctx);
        ctx = NULL;
    }
    return ctx;
}

/* A worker's contexts, one per variant; 0 when one cannot be made. */
static int worker_open(worker *w, const cli *c, int variants) {
    for (int v = 0; v < variants; v++)
        if (!(w->ctxs[v] = new_variant_ctx(c, v)))
            return 0;
    return 1;
}

static void worker_close(worker *w) {
    for (int v = 0; v < MAX_VARIANTS; v++)
        thumb_ctx_free(w->ctxs[v]);
    free(w->in);
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
        v = strtoll(arg[0] == '#' ? arg + 1 : arg, &end, 16);
        if (strlen(arg[0] == '#' ? arg + 1 : arg) != 6 || *end)
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

static int same_text(const name_stem *a, const name_stem *b) {
    return a->len == b->len && memcmp(a->text, b->text, (size_t)a->len) == 0;
}

/* By text, then by input: equal stems end up side by side. */
static int compare_stems(const void *pa, const void *pb) {
    const name_stem *a = pa, *b = pb;
    int d =
        memcmp(a->text, b->text, (size_t)(a->len < b->len ? a->len : b->len));
    if (d == 0)
        d = a->len - b->len;
    return d ? d : a->index - b->index;
}

/* Links the inputs whose outputs may collide (see batch.same_stem). */
static int link_same_stems(batch *b) {
    name_stem *stems = malloc((size_t)b->count * sizeof *stems);
    b->same_stem = malloc((size_t)b->count * sizeof *b->same_stem);
    /* calloc: every entry THUMB_FORMAT_AUTO (0), nothing written yet */
    b->written =
        calloc((size_t)b->count * (size_t)b->variants, sizeof *b->written);
    if (!stems || !b->same_stem || !b->written) {
        free(stems);
        return 0;
    }
    for (int i = 0; i < b->count; i++)
        stems[i] = stem_of(b->inputs[i], i);
    qsort(stems, (size_t)b->count, sizeof *stems, compare_stems);
    int shared = 0;
    for (int k = 0, end; k < b->count; k = end) {
        end = k + 1;
        while (end < b->count && same_text(&stems[k], &stems[end]))
            end++;
        shared |= end - k > 1;
        for (int m = k; m < end; m++)
            b->same_stem[stems[m].index] = stems[m + 1 < end ? m + 1 : k].index;
    }
    free(stems);
    if (!shared) {
        free(b->same_stem);
        free(b->written);
        b->same_stem = NULL;
        b->written = NULL;
    }
    return 1;
}

/* -j, or one job per online CPU; never more than the inputs. */
static int job_count(const cli *c, int inputs) {
    long long n = c->jobs;
    if (n == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        n = cpus < 1 ? 1 : cpus > MAX_JOBS ? MAX_JOBS : cpus;
    }
    return n < inputs ? (int)n : inputs;
}

/* Runs the batch on `jobs` workers: this thread is the first; each other
 * one gets a thread. Each worker has contexts of its own. A worker that
 * cannot be made (no memory, no thread) leaves its share to the others;
 * when not even the first can be, every input fails. One job: no thread
 * at all. */
static void run_workers(const cli *c, batch *b, int jobs) {
    worker first = {.b = b, .index = 0};
    int others = jobs - 1;
    worker *extra = others ? calloc((size_t)others, sizeof *extra) : NULL;
    pthread_t *threads = extra ? calloc((size_t)others, sizeof *threads) : NULL;
    int started = 0;
    for (; threads && started < others; started++) {
        worker *w = &extra[started];
        *w = (worker){.b = b, .index = (unsigned)started + 1};
        if (!worker_open(w, c, b->variants) ||
            pthread_create(&threads[started], NULL, work, w) != 0) {
            worker_close(w);
            break;
        }
    }
    if (worker_open(&first, c, b->variants)) {
        work(&first);
    } else if (!started) {
        fprintf(stderr, "thumbnail: out of memory\n");
        b->failed = b->count;
    }
    for (int k = 0; k < started; k++) {
        pthread_join(threads[k], NULL);
        worker_close(&extra[k]);
    }
    worker_close(&first);
    free(threads);
    free(extra);
}

/* "-" as an input at most once, and "-o -" for one output only. */
static int check_streams(const cli *c, const batch *b) {
    int from_stdin = 0;
    for (int i = 0; i < b->count; i++)
        from_stdin += is_stdio(b->inputs[i]);
    if (from_stdin > 1)
        return usage_error("%s", "standard input ('-') given more than once");
    if (is_stdio(c->output) && (b->count > 1 || b->variants > 1))
        return usage_error(
            "-o - writes one image to standard output, but this run makes "
            "%d (inputs x sizes x formats: %d x %d x %d); give a directory "
            "as -o",
            b->count * b->variants, b->count, c->size_count ? c->size_count : 1,
            c->format_count ? c->format_count : 1);
    return EXIT_ALL_OK;
}

/* The format of a single output file from its extension, when -f is not
 * given. */
static int format_from_output(cli *c) {
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

/* Unless --overwrite: whether an output would replace an input
 * (reported). */
static int refuse_replacing_inputs(const cli *c, const batch *b) {
    if (c->overwrite)
        return 0;
    const char *sizes[MAX_VARIANTS];
    thumb_format formats[MAX_VARIANTS];
    for (int v = 0; v < b->variants; v++) {
        const size_arg *size = b->variants > 1 ? variant_size(c, v) : NULL;
        sizes[v] = size ? size->text : NULL;
        formats[v] = variant_format(c, v);
    }
    output_names out = {b->output_file, c->output, b->variants, sizes, formats};
    return replaces_an_input(b->inputs, b->count, &out);
}

/* One input, one output: OUT is a file ("-": standard output). Its format
 * is -f, else OUT's extension, else (standard output) the input's. */
static int run_one(cli *c, batch *b) {
    /* A directory fails as an input, below, with the reason. */
    if (!c->format_count && !is_stdio(c->output) &&
        !is_directory(b->inputs[0]) && !format_from_output(c))
        return EXIT_USAGE;
    b->output_file = c->output;
    if (refuse_replacing_inputs(c, b))
        return EXIT_USAGE;
    run_workers(c, b, 1);
    return b->failed ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}

/* Several inputs or outputs: OUT is a directory, made when missing. */
static int run_batch(cli *c, batch *b) {
    if (refuse_replacing_inputs(c, b))
        return EXIT_USAGE;
    if (!make_directories(c->output)) {
        fprintf(stderr, "thumbnail: cannot create directory %s: %s\n",
                c->output, strerror(errno));
        return EXIT_SOME_FAILED;
    }
    if (!link_same_stems(b)) {
        fprintf(stderr, "thumbnail: out of memory\n");
        return EXIT_SOME_FAILED;
    }
    int terminal = isatty(STDERR_FILENO) && !c->verbose && !c->quiet;
    progress_start(&b->progress, terminal ? stderr : NULL, b->count);
    run_workers(c, b, job_count(c, b->count));
    progress_finish(&b->progress, b->done, b->failed);
    return b->failed ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}

int main(int argc, char **argv) {
    keep_freed_memory();
    cli c = {0};
    c.ctx = thumb_ctx_new();
    if (!c.ctx) {
        fprintf(stderr, "thumbnail: out of memory\n");
        return EXIT_SOME_FAILED;
    }
    batch b = {.c = &c};
    atomic_init(&b.next, 0);
    pthread_mutex_init(&b.lock, NULL);
    int status = EXIT_ALL_OK;
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":s:f:q:o:j:vh", long_options,
                              NULL)) != -1) {
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
    b.inputs = argv + optind;
    b.count = inputs;
    b.variants = variant_count(&c);
    status = check_streams(&c, &b);
    if (status == EXIT_ALL_OK)
        status = is_stdio(c.output) || (inputs == 1 && b.variants == 1 &&
                                        !is_directory(c.output) &&
                                        !names_a_directory(c.output))
                     ? run_one(&c, &b)
                     : run_batch(&c, &b);

out:
    free(b.same_stem);
    free(b.written);
    pthread_mutex_destroy(&b.lock);
    thumb_ctx_free(c.ctx);
    return status;
}
