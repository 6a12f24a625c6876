#!/usr/bin/env python3
"""Measures the runtime's cold start and footprint, as the README reports:

  cold start: from just before exec to the first GET .../invocation/next
    reaching 127.0.0.1, the median of --runs starts. bootstrap is started
    with posix_spawn() (vfork + exec, so no copy of this Python process is
    made and torn down), the time taken just before; the request's arrival
    is the kernel's receive timestamp of its first bytes (SO_TIMESTAMPNS),
    so neither Python's scheduling nor an HTTP server's thread start is
    counted: on the 2-core CI VM those alone took 20-30 ms, more than what
    is measured. A bare listening socket stands in for the Runtime API: it
    checks the request line, then closes the connection, which ends
    bootstrap. While bootstrap waits for its answer, /proc/PID/maps must
    not show libcurl, libssl or libcrypto, which it loads at the first S3
    request (lazy_curl.h), nor libheif, libjxl, libavif, their codecs or
    the C++ runtime, which libthumbnail loads at the first HEIF or JPEG XL
    image read or AVIF written (src/codec/codec_lib.c): this fails the
    run whatever the timings.
  peak RSS: VmHWM of the bootstrap process (/proc/PID/status) after it made
    the configured thumbnails (THUMB_SIZES 256x256,100x, WebP) of a
    T1-sized JPEG (2725x2225, sharp's benchmark image; or --image, a
    corpus path) --images times from S3 events against moto_server,
    through the Runtime API emulator; the median of --runs processes. The
    same runs time each invocation (from the emulator's side): the first
    of a process pays for loading libcurl (and libheif for a HEIF image).

    python3 coldstart.py --bootstrap build/examples/lambda/bootstrap \\
        --corpus ../shared/corpus [--runs 11] [--images 5] [--max-ms N]
        [--max-rss-mb N] [--compare PROGRAM ...] [--image CORPUS_PATH]

With --max-ms / --max-rss-mb it fails when a median is over the target.
--compare times the starts of other programs too (an older bootstrap, a
program that only sends the GET), each round starting every program once,
so that they share whatever load the machine has; the libraries they map
are not checked.
"""

import argparse
import os
import re
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402
from runtime_emulator import RuntimeEmulator  # noqa: E402

T1_IMAGE = "jpeg/2569067123_aca715a2ee_o.jpg"
KIB_PER_MIB = 1024.0
NEXT_REQUEST = b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n"
# Linux's SO_TIMESTAMPNS (SO_TIMESTAMPNS_OLD: a struct timespec of two
# 64-bit fields here), for Pythons that do not name it.
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
TIMESPEC = struct.Struct("qq")
NS_PER_S = 10**9
# Loaded at the first S3 request, HEIF or JPEG XL image or AVIF output,
# never before the first /next.
LAZY_LIBRARIES = re.compile(
    r"/lib(curl|ssl|crypto|heif|de265|x265|jxl|avif|dav1d|aom|gav1|rav1e|"
    r"SvtAv1Enc|yuv|stdc\+\+)\.so[.0-9]*$")
START_TIMEOUT_S = 10


def wait_exit(pid, timeout_s=START_TIMEOUT_S):
    """Reaps pid, killing it if it outlives timeout_s."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if os.waitpid(pid, os.WNOHANG)[0]:
            return
        time.sleep(0.001)
    os.kill(pid, 9)
    os.waitpid(pid, 0)


def mapped_libraries(pid):
    with open("/proc/%d/maps" % pid) as f:
        return {line.split()[-1] for line in f
                if ".so" in line.split()[-1]}


def start_once(bootstrap, env, check_lazy=True):
    """Starts bootstrap, times its first /next, ends it. Returns (ms,
    shared objects mapped then, whether the kernel stamped the request)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        # Set before anything arrives: segments are then stamped on receipt.
        listener.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(START_TIMEOUT_S)
        full = {"PATH": "/usr/bin:/bin",
                "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:%d" %
                                          listener.getsockname()[1],
                "AWS_LAMBDA_FUNCTION_NAME": "coldstart",
                "AWS_REGION": e2e.REGION}
        full.update(env)
        quiet = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0)
                 for fd in (1, 2)]
        exec_ns = time.time_ns()
        pid = os.posix_spawn(bootstrap, [bootstrap], full,
                             file_actions=quiet)
        try:
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                raise e2e.Failure("bootstrap never asked for an invocation")
            with conn:
                conn.settimeout(START_TIMEOUT_S)
                data, ancillary, _, _ = conn.recvmsg(
                    len(NEXT_REQUEST), socket.CMSG_SPACE(TIMESPEC.size),
                    socket.MSG_PEEK)
                arrival_ns = None
                for level, kind, payload in ancillary:
                    if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                        sec, nsec = TIMESPEC.unpack(payload[:TIMESPEC.size])
                        arrival_ns = sec * NS_PER_S + nsec
                stamped = arrival_ns is not None
                if not stamped:
                    arrival_ns = time.time_ns()
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = conn.recv(4096)
                    e2e.check(chunk, "request cut short: %r" % head)
                    head += chunk
                e2e.check(head.startswith(NEXT_REQUEST),
                          "first request is not /next: %r" % head[:80])
                libs = mapped_libraries(pid)
                early = sorted(m for m in libs if LAZY_LIBRARIES.search(m))
                e2e.check(not check_lazy or not early,
                          "loaded before the first /next: %s" % early)
            # The connection closes without an answer: bootstrap exits.
        finally:
            wait_exit(pid)
    finally:
        listener.close()
    return (arrival_ns - exec_ns) / 1e6, len(libs), stamped


def run_images(bootstrap, env, events):
    """Runs bootstrap under the emulator through events. Returns (peak RSS
    MiB, each invocation's ms)."""
    emu = RuntimeEmulator()
    full = {"PATH": "/usr/bin:/bin", "AWS_LAMBDA_RUNTIME_API": emu.address,
            "AWS_LAMBDA_FUNCTION_NAME": "coldstart", "AWS_REGION": e2e.REGION}
    full.update(env)
    proc = subprocess.Popen([bootstrap], env=full, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    durations = []
    try:
        for ev in events:
            start = time.monotonic()
            res = emu.invoke(ev, process=proc)
            durations.append((time.monotonic() - start) * 1e3)
            e2e.check(res.kind == "response", "invocation: %s" % res.body)
        peak_kib = vm_hwm_kib(proc.pid)
    finally:
        emu.close()  # the pending /next is dropped: bootstrap exits
        try:
            proc.wait(START_TIMEOUT_S)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return peak_kib / KIB_PER_MIB, durations


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
    ap.add_argument("--compare", action="append", default=[])
    ap.add_argument("--image", default=T1_IMAGE)
    args = ap.parse_args()
    e2e.check(args.images >= 2, "--images must be at least 2")
    bootstrap = os.path.abspath(args.bootstrap)
    others = [os.path.abspath(p) for p in args.compare]
    for var in [v for v in os.environ if v.startswith(("AWS_", "THUMB_"))]:
        del os.environ[var]
    with tempfile.TemporaryDirectory() as work, e2e.Processes() as procs:
        endpoint = e2e.start_moto(procs, work, "coldstart")
        s3 = e2e.client("s3", endpoint)
        s3.create_bucket(Bucket="src")
        s3.create_bucket(Bucket="dst")
        data = open(os.path.join(args.corpus, args.image), "rb").read()
        key = e2e.SOURCE_PREFIX + os.path.basename(args.image)
        s3.put_object(Bucket="src", Key=key, Body=data)
        env = {"AWS_ACCESS_KEY_ID": "testing",
               "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_ENDPOINT_URL_S3": endpoint}
        env.update(e2e.thumbnail_config("src", "dst"))
        event = e2e.s3_event("src", key, len(data))
        # Warm the page cache so the first run is not the odd one out.
        start_once(bootstrap, env)
        for other in others:
            start_once(other, env, check_lazy=False)
        starts, compared = [], {other: [] for other in others}
        for _ in range(args.runs):
            starts.append(start_once(bootstrap, env))
            for other in others:
                compared[other].append(start_once(other, env,
                                                  check_lazy=False))
        images = [run_images(bootstrap, env, [event] * args.images)
                  for _ in range(args.runs)]
    start_ms = statistics.median(s[0] for s in starts)
    rss_mb = statistics.median(r[0] for r in images)
    rss = [r[0] for r in images]
    first_ms = statistics.median(r[1][0] for r in images)
    later_ms = statistics.median(d for r in images for d in r[1][1:])
    print("cold start (exec -> first /next): median %.2f ms (min %.2f, max "
          "%.2f, %d runs; load average %.1f on %d CPUs; %d shared objects "
          "mapped; arrival %s)" %
          (start_ms, min(s[0] for s in starts), max(s[0] for s in starts),
           args.runs, os.getloadavg()[0], os.cpu_count(), starts[0][1],
           "kernel-stamped" if all(s[2] for s in starts)
           else "stamped by Python"))
    for other, runs in compared.items():
        print("  compared, %s: median %.2f ms (min %.2f, max %.2f; %d shared "
              "objects mapped)" %
              (other, statistics.median(r[0] for r in runs),
               min(r[0] for r in runs), max(r[0] for r in runs), runs[0][1]))
    print("peak RSS after %d images (%s -> %s WebP): median "
          "%.1f MiB (min %.1f, max %.1f, %d runs)" %
          (args.images, args.image, e2e.SIZES, rss_mb, min(rss), max(rss),
           args.runs))
    print("invocation time, %s: median %.1f ms for a process's first, "
          "%.1f ms for the later ones" % (args.image, first_ms, later_ms))
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
