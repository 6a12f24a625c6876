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

#include "options.h"
#include "overwrite.h"
#include "paths.h"
#include "progress.h"

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

/* The input buffer starts this large when the size is unknown (a pipe)
 * and doubles as the input grows. */
#define READ_CHUNK ((size_t)1 << 16)

/* glibc's malloc: blocks up to this size come from the heap instead of
 * each being mapped and unmapped (glibc's largest allowed value), and free
 * memory at the top of the heap is returned to the system only past the
 * trim threshold. See keep_freed_memory(). */
#define MMAP_THRESHOLD ((int)(sizeof(long) * 4 * 1024 * 1024))
#define TRIM_THRESHOLD (64 * 1024 * 1024)

/* Room for strerror_r()'s text: glibc's longest message is 49 bytes. */
#define ERROR_TEXT_MAX 128

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
    int status = parse_command_line(&c, argc, argv);
    if (status != COMMAND_LINE_RUN)
        goto out;
    int inputs = argc - optind;
    if (inputs < 1 || !c.output) {
        status = usage_error(
            "%s", inputs < 1 ? "no input file (give INPUT..., or - for "
                               "standard input)"
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
