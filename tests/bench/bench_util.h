/* What the benchmark's C drivers share: whole-file reads, a monotonic
 * clock, and the one-line JSON report bench.py parses. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Reads path into a malloc'd buffer; exits with a message on failure (a
 * driver has nothing useful to do without its input). */
uint8_t *bench_read_file(const char *path, size_t *size);

/* Writes buf to path; exits with a message on failure. */
void bench_write_file(const char *path, const void *buf, size_t len);

/* Monotonic wall time in milliseconds. */
double bench_now_ms(void);

/* CPU time of the whole process (every thread, user and system) in
 * milliseconds: on a shared, loaded machine it says what a run cost where
 * wall time mostly says how long it waited for a core. */
double bench_cpu_ms(void);

/* Parses a non-negative decimal argument; exits on anything else. */
long bench_arg_long(const char *s, const char *what);

/* Which of `variants` variants taken in turns inside one process goes
 * `turn`th in run `run` (counted from 0, warm-up included): the order
 * turns one place each run (A B, B A, A B... for two), so that no variant
 * always follows the same one. */
size_t bench_turn(long run, int turn, int variants);

/* Prints "name":[v0,v1,...] (with a leading comma unless first). */
void bench_json_array(const char *name, const double *v, size_t n, int first);

#endif
