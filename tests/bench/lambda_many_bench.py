"""Issue 17's Lambda target: one invocation for a 12 MP upload with three
sizes, today's bootstrap (every size from one GET and one decode,
thumb_run_many) against the one before it (one thumb_run per size on the
same GET's bytes, commit db7d2da^), all on 127.0.0.1: one moto_server, the
object uploaded once, each bootstrap a long-running process under its own
Runtime API emulator (examples/lambda/tests), each writing to its own
destination bucket. The sizes, input and format are bench_many.py's M1.

Per invocation:
  wall     from the emulator writing the event to /next's connection to
           the whole /response read (RuntimeEmulator's stamps);
  CPU      the bootstrap's process CPU clock (all threads, nanoseconds)
           from before the event is queued until the bootstrap asks for
           the next one, so all of the invocation's work and nothing else;
  run queue  how long, in that span, the bootstrap's threads were ready
           but waiting for a CPU (/proc's schedstat run_delay): what the
           machine's other load adds to the wall time; wall less it is
           the wall time on a machine left to this benchmark, nearly;
  moto     moto_server's CPU clock over the same span: the S3 side;
  stages   the bootstrap's own log line (getMs, decodeMs, resizeMs,
           encodeMs, putMs, totalMs; "other" is what totalMs leaves, the
           HEAD that today's bootstrap makes after its writes among it).
Each process's first invocation (which loads libcurl) is reported apart.
The variants take turns, the order reversed every round, so that a change
of load weighs on all of them; medians of --runs invocations each.

  lambda_many_bench.py --before BOOTSTRAP --after BOOTSTRAP CORPUS_DIR
      [--runs 20] [--also NAME=BOOTSTRAP ...]

--also adds variants to the turns: db7d2da^'s examples/lambda built on
today's installed library, say, tells what the one decode saved from what
the library's other changes since did.

Run it with a python3 that has moto[server] and boto3. Writes
results_lambda_many.md and .json beside this file (or in BENCH_OUT).
Run by scripts/bench.sh after bench_many.py."""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "examples", "lambda",
                                "tests"))
import e2e  # noqa: E402
from bench_many import TASKS, save  # noqa: E402

TASK = TASKS[0]  # M1: the T2 12 MP camera JPEG to 1024, 512 and 256 boxes
QUALITY = "80"
# Issue 17: today's invocation at most this many times the one before.
TARGET = 0.5
STAGES = ["getMs", "decodeMs", "resizeMs", "encodeMs", "putMs", "otherMs",
          "totalMs"]
NS_PER_MS = 1e6
# How long the bootstrap may take to ask for its next event, or to get its
# log line through the pipe, once it has answered.
SETTLE_SECONDS = 10


def process_cpu_ns(pid):
    """CPU time of process pid, all its threads, dead ones included: the
    kernel's process CPU clock (what clock_getcpuclockid(pid) gives,
    CPUCLOCK_SCHED), to the nanosecond where /proc's utime and stime
    count 10 ms ticks."""
    return time.clock_gettime_ns(((~pid) << 3) | 2)


def run_queue_ns(pid):
    """Time the threads of pid have spent ready to run but waiting for a
    CPU (the second field of each thread's schedstat)."""
    task = "/proc/%d/task" % pid
    total = 0
    for tid in os.listdir(task):
        with open(os.path.join(task, tid, "schedstat")) as f:
            total += int(f.read().split()[1])
    return total


def wait_for(what, cond):
    end = time.monotonic() + SETTLE_SECONDS
    while not cond():
        e2e.check(time.monotonic() < end, what)
        time.sleep(0.001)


def log_line(bs, request_id):
    for line in reversed(bs.lines):
        doc = json.loads(line)
        if doc.get("msg") == "thumbnail" and doc.get("requestId") == \
                request_id:
            return doc
    return None


def invoke(bs, moto_pid, event):
    """One measured invocation: a dict of its figures in ms."""
    asked = len(bs.emu.next_times_ns)
    pid = bs.proc.pid
    cpu0, queued0 = process_cpu_ns(pid), run_queue_ns(pid)
    moto0 = process_cpu_ns(moto_pid)
    res = bs.invoke(event)
    e2e.check(res.kind == "response", "invocation: %s %s" % (res.kind,
                                                             res.body))
    wait_for("bootstrap never asked for its next event",
             lambda: len(bs.emu.next_times_ns) > asked)
    cpu1, queued1 = process_cpu_ns(pid), run_queue_ns(pid)
    moto1 = process_cpu_ns(moto_pid)
    wait_for("no log line for %s" % res.request_id,
             lambda: log_line(bs, res.request_id))
    log = log_line(bs, res.request_id)
    e2e.check(log["outcome"] == "ok" and len(log["outputs"]) ==
              len(TASK["boxes"]), "not every size made: %s" % log)
    got = {k: log[k] for k in STAGES if k in log}
    got["otherMs"] = log["totalMs"] - sum(log[k] for k in STAGES[:5])
    got.update(wallMs=(res.answered_ns - res.handed_out_ns) / NS_PER_MS,
               cpuMs=(cpu1 - cpu0) / NS_PER_MS,
               runQueueMs=(queued1 - queued0) / NS_PER_MS,
               motoCpuMs=(moto1 - moto0) / NS_PER_MS)
    got["wallLessQueueMs"] = got["wallMs"] - got["runQueueMs"]
    return got


def measure(bootstraps, corpus, runs):
    """bootstraps: [(name, path)]. Returns {name: {"cold": figures,
    "warm": [figures]}}."""
    e2e.clean_environment()
    data = open(os.path.join(corpus, TASK["file"]), "rb").read()
    key = e2e.SOURCE_PREFIX + os.path.basename(TASK["file"])
    with tempfile.TemporaryDirectory() as work, e2e.Processes() as procs:
        endpoint = e2e.start_moto(procs, work, "lambda-many")
        moto_pid = procs.procs[-1].pid  # start_moto's process
        s3 = e2e.client("s3", endpoint)
        s3.create_bucket(Bucket="src")
        s3.put_object(Bucket="src", Key=key, Body=data)
        event = e2e.s3_event("src", key, len(data))
        running = {}
        for name, path in bootstraps:
            dst = "dst-" + name
            s3.create_bucket(Bucket=dst)
            env = e2e.open_env(endpoint, "src", dst)
            env.update(THUMB_SIZES=",".join(TASK["boxes"]),
                       THUMB_FORMAT=TASK["format"], THUMB_QUALITY=QUALITY)
            running[name] = e2e.Bootstrap(procs, path, env)
        try:
            out = {name: {"cold": invoke(bs, moto_pid, event), "warm": []}
                   for name, bs in running.items()}
            names = [name for name, _ in bootstraps]
            for r in range(runs):
                for name in names if r % 2 == 0 else reversed(names):
                    out[name]["warm"].append(invoke(running[name], moto_pid,
                                                    event))
        finally:
            for bs in running.values():
                bs.close()
    return out


def median_of(figures):
    return {k: statistics.median(f[k] for f in figures)
            for k in figures[0]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True,
                    help="bootstrap built from db7d2da^")
    ap.add_argument("--after", required=True, help="today's bootstrap")
    ap.add_argument("--also", action="append", default=[],
                    metavar="NAME=BOOTSTRAP", help="another variant")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("corpus")
    args = ap.parse_args()
    bootstraps = [("before", args.before), ("after", args.after)]
    bootstraps += [tuple(a.split("=", 1)) for a in args.also]
    for name, path in bootstraps:
        e2e.check(os.access(path, os.X_OK), "%s: no bootstrap at %s" %
                  (name, path))
    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    measured = measure([(n, os.path.abspath(p)) for n, p in bootstraps],
                       args.corpus, args.runs)
    results = {
        "task": TASK["id"], "file": TASK["file"], "boxes": TASK["boxes"],
        "format": TASK["format"], "quality": QUALITY, "runs": args.runs,
        "started": started, "cpus": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "load_before": load_before, "load_after": os.getloadavg(),
        "variants": {name: {"cold": m["cold"], "median": median_of(m["warm"]),
                            "warm": m["warm"]}
                     for name, m in measured.items()},
    }
    write(results)


def write(results):
    v = results["variants"]
    cols = ["wallMs", "cpuMs", "runQueueMs", "wallLessQueueMs",
            "motoCpuMs"] + STAGES
    lines = ["%s %s -> %s %s q%s, one invocation, median of %d (the first "
             "of each process apart); %s, %d CPUs, load average %.1f before, "
             "%.1f after" % (results["task"], results["file"],
                             ", ".join(results["boxes"]), results["format"],
                             results["quality"], results["runs"],
                             results["started"], results["cpus"],
                             results["load_before"][0],
                             results["load_after"][0]),
             "",
             "| bootstrap | " + " | ".join(cols) + " | first: wallMs | "
             "cpuMs |",
             "| --- |" + " ---: |" * (len(cols) + 2)]
    for name, r in v.items():
        lines.append("| %s | %s | %.1f | %.1f |" % (
            name, " | ".join("%.1f" % r["median"][k] for k in cols),
            r["cold"]["wallMs"], r["cold"]["cpuMs"]))
    lines.append("")
    for k in ("wallMs", "cpuMs", "wallLessQueueMs"):
        ratio = v["after"]["median"][k] / v["before"]["median"][k]
        lines.append("after / before, %s: %.2fx (target <= %.2fx: %s)" % (
            k, ratio, TARGET, "met" if ratio <= TARGET else "missed"))
    save("results_lambda_many", results, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
