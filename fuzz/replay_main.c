/* A main for the fuzz harnesses outside libFuzzer: runs
 * LLVMFuzzerTestOneInput() once on every file named on the command line
 * and every file under every directory named (recursively, skipping
 * dot-files), so that the seeds and the saved crashers replay as ordinary
 * tests in any build. A crash fails the test by crashing; a path that
 * cannot be read, or no input at all, fails it with status 1, so a
 * missing corpus is never a silent pass. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input being run, for the crash handler to name. A process-wide
 * variable, but this is a test program's main, not the library. */
static const char *current_path;

/* Names the input that crashed, then lets the signal take its course so
 * that the test still fails by it. Only async-signal-safe calls. */
static void name_crashing_input(int sig) {
    static const char prefix[] = "replay: crashed on ";
    if (current_path) {
        ssize_t ignored = write(STDERR_FILENO, prefix, sizeof prefix - 1);
        ignored = write(STDERR_FILENO, current_path, strlen(current_path));
        ignored = write(STDERR_FILENO, "\n", 1);
        (void)ignored;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

typedef struct replay {
    unsigned long files;
    int failed;
} replay;

static void replay_path(replay *r, const char *path);

static void replay_file(replay *r, const char *path, size_t size) {
    /* An exact-size copy, so that a read past the end is past the end of
     * the allocation and sanitizers or valgrind see it. */
    uint8_t *data = malloc(size ? size : 1);
    FILE *f = fopen(path, "rb");
    if (!data || !f || fread(data, 1, size, f) != size) {
        fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
        r->failed = 1;
    } else {
        current_path = path;
        LLVMFuzzerTestOneInput(data, size);
        current_path = NULL;
        r->files++;
    }
    if (f)
        fclose(f);
    free(data);
}

static void replay_dir(replay *r, const char *path) {
    DIR *dir = opendir(path);
    if (!dir) {
        fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
        r->failed = 1;
        return;
    }
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t len = strlen(path) + 1 + strlen(e->d_name) + 1;
        char *child = malloc(len);
        if (!child) {
            r->failed = 1;
            break;
        }
        snprintf(child, len, "%s/%s", path, e->d_name);
        replay_path(r, child);
        free(child);
    }
    closedir(dir);
}

static void replay_path(replay *r, const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        r->failed = 1;
    } else if (S_ISDIR(st.st_mode)) {
        replay_dir(r, path);
    } else {
        replay_file(r, path, (size_t)st.st_size);
    }
}

int main(int argc, char **argv) {
    static const int crash_signals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE,
                                        SIGILL};
    for (size_t i = 0; i < sizeof crash_signals / sizeof *crash_signals; i++)
        signal(crash_signals[i], name_crashing_input);
    replay r = {0, 0};
    for (int i = 1; i < argc; i++)
        replay_path(&r, argv[i]);
    printf("replayed %lu inputs from %d paths\n", r.files, argc - 1);
    if (r.files == 0) {
        fprintf(stderr, "replay: no inputs\n");
        return 1;
    }
    return r.failed;
}
