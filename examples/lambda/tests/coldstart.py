#!/usr/bin/env python3
"""Measures the runtime's cold start and footprint, as the README reports:

  cold start: from just before exec (a timestamp taken in the child after
    fork, by preexec_fn) to the first GET .../invocation/next reaching the
    Runtime API emulator (timestamped by its request handler), the median
    of --runs starts;
  peak RSS: VmHWM of the bootstrap process (/proc/PID/status; ru_maxrss
    would count the forked Python before exec) after it made the
    configured thumbnails (THUMB_SIZES 256x256,100x, WebP) of a T1-sized
    JPEG (2725x2225, sharp's benchmark image) --images times from S3
    events against moto_server; the median of --runs processes.

    python3 coldstart.py --bootstrap build/examples/lambda/bootstrap \
        --corpus ../shared/corpus [--runs 11] [--images 5] [--max-ms N]
        [--max-rss-mb N]

With --max-ms / --max-rss-mb it fails when a median is over the target.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402
from runtime_emulator import RuntimeEmulator  # noqa: E402

T1_IMAGE = "jpeg/2569067123_aca715a2ee_o.jpg"
KIB_PER_MIB = 1024.0


def run_once(bootstrap, env, events):
    """Starts bootstrap, sends events, stops it. Returns (cold start ms,
    peak RSS MiB)."""
    emu = RuntimeEmulator()
    full = {"PATH": "/usr/bin:/bin", "AWS_LAMBDA_RUNTIME_API": emu.address,
            "AWS_LAMBDA_FUNCTION_NAME": "coldstart", "AWS_REGION": e2e.REGION}
    full.update(env)
    read_fd, write_fd = os.pipe()

    def stamp():
        # In the child, after fork, just before exec.
        os.write(write_fd, str(time.time_ns()).encode())

    proc = subprocess.Popen([bootstrap], env=full, preexec_fn=stamp,
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(write_fd)
    exec_ns = int(os.read(read_fd, 64))
    os.close(read_fd)
    try:
        for ev in events:
            res = emu.invoke(ev, process=proc)
            e2e.check(res.kind == "response", "invocation: %s" % res.body)
        peak_kib = vm_hwm_kib(proc.pid)
        end = time.monotonic() + 10
        while not emu.next_times_ns:
            e2e.check(time.monotonic() < end and proc.poll() is None,
                      "bootstrap never asked for an invocation")
            time.sleep(0.001)
        first_next_ns = emu.next_times_ns[0]
    finally:
        emu.close()  # the pending /next is dropped: bootstrap exits
    try:
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return (first_next_ns - exec_ns) / 1e6, peak_kib / KIB_PER_MIB


def vm_hwm_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise e2e.Failure("no VmHWM for %d" % pid)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--images", type=int, default=5)
    ap.add_argument("--max-ms", type=float)
    ap.add_argument("--max-rss-mb", type=float)
    args = ap.parse_args()
    for var in [v for v in os.environ if v.startswith(("AWS_", "THUMB_"))]:
        del os.environ[var]
    with tempfile.TemporaryDirectory() as work, e2e.Processes() as procs:
        endpoint = e2e.start_moto(procs, work, "coldstart")
        s3 = e2e.client("s3", endpoint)
        s3.create_bucket(Bucket="src")
        s3.create_bucket(Bucket="dst")
        data = open(os.path.join(args.corpus, T1_IMAGE), "rb").read()
        key = e2e.SOURCE_PREFIX + "t1.jpg"
        s3.put_object(Bucket="src", Key=key, Body=data)
        env = {"AWS_ACCESS_KEY_ID": "testing",
               "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_ENDPOINT_URL_S3": endpoint}
        env.update(e2e.thumbnail_config("src", "dst"))
        event = e2e.s3_event("src", key, len(data))
        # Warm the page cache so the first run is not the odd one out.
        run_once(args.bootstrap, env, [])
        starts = [run_once(args.bootstrap, env, [])[0]
                  for _ in range(args.runs)]
        rss = [run_once(args.bootstrap, env, [event] * args.images)[1]
               for _ in range(args.runs)]
    start_ms = statistics.median(starts)
    rss_mb = statistics.median(rss)
    print("cold start (exec -> first /next): median %.2f ms (min %.2f, max "
          "%.2f, %d runs; load average %.1f on %d CPUs)" %
          (start_ms, min(starts), max(starts), args.runs, os.getloadavg()[0],
           os.cpu_count()))
    print("peak RSS after %d T1 images (%s, 2725x2225 -> %s WebP): median "
          "%.1f MiB (min %.1f, max %.1f, %d runs)" %
          (args.images, T1_IMAGE, e2e.SIZES, rss_mb, min(rss), max(rss),
           args.runs))
    failed = False
    if args.max_ms is not None and start_ms > args.max_ms:
        print("cold start over %.1f ms" % args.max_ms)
        failed = True
    if args.max_rss_mb is not None and rss_mb > args.max_rss_mb:
        print("peak RSS over %.1f MiB" % args.max_rss_mb)
        failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
