/* Peak resident memory of a command: runs it (its standard output to
 * /dev/null) and prints its ru_maxrss in KiB.
 *
 *   bench_rss COMMAND [ARG]...
 *
 * Why a program of its own: Linux counts in a child's ru_maxrss the
 * high-water mark of the process it was forked from, up to exec. Forked
 * from the benchmark's Python (numpy, tens of MiB), every tool would
 * appear to need at least that much; forked from this, the floor is about
 * a megabyte. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXEC_FAILED 127

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bench_rss COMMAND [ARG]...\n");
        return 2;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDOUT_FILENO);
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(EXEC_FAILED);
    }
    int status;
    struct rusage ru;
    if (waitpid(pid, &status, 0) < 0 || getrusage(RUSAGE_CHILDREN, &ru) < 0) {
        perror("waitpid");
        return 1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_rss: %s failed\n", argv[1]);
        return 1;
    }
    printf("%ld\n", ru.ru_maxrss);
    return 0;
}
