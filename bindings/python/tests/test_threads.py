"""The library runs without the GIL: threads, each with its own Thumbnailer,
work in parallel.

A timing test: CTest runs it alone (RUN_SERIAL) so the rest of the suite
does not eat the cores it measures.
"""

import os
import subprocess
import sys
import threading
import time
import unittest

import corpus
from thumbnail import Thumbnailer

# Threads to compare against one: the cores this process may use, at most 4
# (more only adds noise on a shared machine), at least 2.
MAX_THREADS = 4
# Thumbnails per thread per measurement: ~40 ms each, so ~0.5 s per thread.
RUNS_PER_THREAD = 12
# Measurements: the best one counts, since other processes on the machine
# can only slow a measurement down, never speed it up. At least this many,
# then more while the budget lasts, until one passes: on a machine shared
# with other busy sessions the scheduler splits one session's CPU share
# among its threads, and a quieter moment is needed to see the speed-up.
MIN_ATTEMPTS = 3
ATTEMPT_BUDGET_S = 30
# Where processes cannot run in parallel either, threads must still come
# this close to what processes reach.
THREADS_VS_PROCESSES = 0.8
# Two threads on two idle cores give ~1.9x; this leaves room for a machine
# that is busy with other work, and still fails clearly if the GIL were held
# (then the ratio is ~1.0).
MIN_SPEEDUP = 1.3
# With the GIL released, the main thread runs Python bytecode throughout a
# long C call; with it held, it could not run at all until the call ended.
MIN_LOOPS_DURING_C_CALL = 1000
# Share of one thread's time in the library during which another thread was
# in it too. With the GIL held during calls it would be ~0 (only the few
# bytecodes between taking a timestamp and entering C could overlap).
MIN_OVERLAP = 0.5
OVERLAP_RUNS = 8

BENCH_IMAGE = "jpeg/2569067123_aca715a2ee_o.jpg"  # 2725x2225 photo
LONG_IMAGE = "jpeg/large_vertical_samp_7680_4320.jpg"  # 33 MP


def cores() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:
        n = os.cpu_count() or 1
    return n


class TestThreads(unittest.TestCase):
    def test_python_runs_while_the_library_works(self):
        data = corpus.read(LONG_IMAGE)
        with Thumbnailer(1024, format="webp") as t:  # ~0.5 s of work
            worker = threading.Thread(target=t.run, args=(data,))
            worker.start()
            while not t._busy.locked() and worker.is_alive():
                pass
            loops = 0
            start = time.perf_counter()
            while t._busy.locked():
                loops += 1
            elapsed = time.perf_counter() - start
            worker.join()
        print("\nmain thread looped %d times during a %.0f ms C call" % (loops, elapsed * 1000), file=sys.stderr)
        self.assertGreater(loops, MIN_LOOPS_DURING_C_CALL)

    def test_python_runs_while_run_many_works(self):
        # The whole run_many, one decode and three encodes, is one C call
        # without the GIL.
        data = corpus.read(LONG_IMAGE)
        ts = [Thumbnailer(size, format="webp") for size in (1024, 512, 256)]
        try:
            outs = []
            worker = threading.Thread(target=lambda: outs.extend(Thumbnailer.run_many(ts, data)))
            worker.start()
            while not ts[-1]._busy.locked() and worker.is_alive():
                pass
            loops = 0
            start = time.perf_counter()
            while ts[-1]._busy.locked():
                loops += 1
            elapsed = time.perf_counter() - start
            worker.join()
        finally:
            for t in ts:
                t.close()
        print("\nmain thread looped %d times during a %.0f ms run_many" % (loops, elapsed * 1000), file=sys.stderr)
        self.assertEqual([o.width for o in outs], [1024, 512, 256])
        self.assertGreater(loops, MIN_LOOPS_DURING_C_CALL)

    def test_calls_from_two_threads_overlap(self):
        # Concurrency, whatever the machine's load: the time each thread
        # spends inside the library overlaps the other's.
        data = corpus.read(BENCH_IMAGE)
        barrier = threading.Barrier(2)
        spans = [[], []]

        def work(i: int) -> None:
            with Thumbnailer(256, format="jpeg") as t:
                barrier.wait()
                for _ in range(OVERLAP_RUNS):
                    start = time.perf_counter()
                    t.run(data)
                    spans[i].append((start, time.perf_counter()))

        threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        overlap = sum(
            max(0.0, min(a_end, b_end) - max(a_start, b_start))
            for a_start, a_end in spans[0]
            for b_start, b_end in spans[1]
        )
        busy = min(sum(end - start for start, end in s) for s in spans)
        print("\ncalls overlapped %.0f%% of the time" % (100 * overlap / busy), file=sys.stderr)
        self.assertGreater(overlap / busy, MIN_OVERLAP)

    def test_threads_finish_faster_than_one(self):
        n = min(MAX_THREADS, max(2, cores()))
        data = corpus.read(BENCH_IMAGE)

        def work(count: int) -> None:
            with Thumbnailer(256, format="jpeg") as t:
                for _ in range(count):
                    t.run(data)

        def in_threads(count: int) -> float:
            threads = [threading.Thread(target=work, args=(RUNS_PER_THREAD,)) for _ in range(count)]
            start = time.perf_counter()
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            return time.perf_counter() - start

        work(1)  # warm caches and the library's lazy set-up
        best = best_control = 0.0
        attempt = 0
        deadline = time.monotonic() + ATTEMPT_BUDGET_S
        while attempt < MIN_ATTEMPTS or time.monotonic() < deadline:
            attempt += 1
            start = time.perf_counter()
            work(n * RUNS_PER_THREAD)
            one = time.perf_counter() - start
            many = in_threads(n)
            speedup = one / many
            control = in_processes(1, n) / in_processes(n, 1)
            print(
                "\nattempt %d: %d thumbnails, 1 thread %.2f s, %d threads %.2f s: "
                "%.2fx (%d processes: %.2fx)" % (attempt, n * RUNS_PER_THREAD, one, n, many, speedup, n, control),
                file=sys.stderr,
            )
            best = max(best, speedup)
            best_control = max(best_control, control)
            if best > MIN_SPEEDUP:
                break
        # Threads must be faster than one thread. Where the machine lets
        # processes of this session run in parallel but threads were not
        # faster, the binding is at fault; where not even processes get a
        # second core (a machine saturated by other sessions: the scheduler
        # gives each session one share), no speed-up can show, and
        # test_calls_from_two_threads_overlap still proves the calls run
        # concurrently.
        if best_control > MIN_SPEEDUP:
            self.assertGreater(best, MIN_SPEEDUP, "%d threads were not faster than 1" % n)
        else:
            self.assertGreater(best, best_control * THREADS_VS_PROCESSES, "threads scale worse than processes")
            print(
                "\nWARNING: even %d processes were at best %.2fx faster than 1 (machine busy); "
                "threads matched them (%.2fx), but the %.1fx speed-up was not shown" % (n, best_control, best, MIN_SPEEDUP),
                file=sys.stderr,
            )


# Child for the process control: loads the library and the image, says
# "ready", waits for a line on stdin, then does the work.
_CHILD = r"""
import sys, thumbnail
data = open(sys.argv[1], "rb").read()
t = thumbnail.Thumbnailer(256, format="jpeg")
t.run(data)
print("ready", flush=True)
sys.stdin.readline()
for _ in range(int(sys.argv[2])):
    t.run(data)
"""


def in_processes(count: int, runs_factor: int) -> float:
    """Wall time of ``count`` processes each making RUNS_PER_THREAD *
    runs_factor thumbnails at once, start-up excluded."""
    path = os.path.join(corpus.corpus_dir(), BENCH_IMAGE)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, path, str(RUNS_PER_THREAD * runs_factor)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        for _ in range(count)
    ]
    try:
        for c in children:
            if c.stdout.readline().strip() != "ready":
                raise RuntimeError("benchmark child failed to start")
        start = time.perf_counter()
        for c in children:
            c.stdin.write("go\n")
            c.stdin.flush()
        for c in children:
            if c.wait() != 0:
                raise RuntimeError("benchmark child failed")
        return time.perf_counter() - start
    finally:
        for c in children:
            if c.poll() is None:
                c.kill()
            c.wait()
            c.stdin.close()
            c.stdout.close()

if __name__ == "__main__":
    unittest.main()
