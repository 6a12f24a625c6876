/* The command line of `thumbnail`: its options, parsed once and checked
 * against the library's bounds, and the usage errors that name what is
 * valid. */
#ifndef THUMBNAIL_CLI_OPTIONS_H
#define THUMBNAIL_CLI_OPTIONS_H

#include <stdint.h>
#include <thumbnail.h>

/* Exit codes, documented in --help. */
enum {
    EXIT_ALL_OK = 0,
    EXIT_SOME_FAILED = 1,
    EXIT_USAGE = 2,
};

/* parse_command_line(): go on and run (any other value is the exit
 * status). */
#define COMMAND_LINE_RUN (-1)

/* -j above this is a typo, not a machine: each job holds a context and
 * the memory of one image. */
#define MAX_JOBS 256

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

/* Parses the options (argv[optind] on are the inputs): COMMAND_LINE_RUN,
 * or the exit status when --help or --version was answered or an option
 * is wrong (reported). */
int parse_command_line(cli *c, int argc, char **argv);

/* The outputs of every input: one per size x format (at least one). */
int variant_count(const cli *c);

/* The size (or NULL: none given) and format (AUTO: none given) of
 * variant v. */
const size_arg *variant_size(const cli *c, int v);
thumb_format variant_format(const cli *c, int v);

/* Reports a usage error ("thumbnail: ...", then a pointer to --help);
 * returns EXIT_USAGE. */
int usage_error(const char *fmt, ...);

/* The format of a single output file from its extension, when -f is not
 * given; 0 when it names none the library writes (reported). */
int format_from_output(cli *c);

#endif
