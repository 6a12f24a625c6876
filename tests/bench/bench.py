"""The benchmark of issue 7: libthumbnail against sharp, Pillow and
vipsthumbnail on five corpus tasks, the raw-pixel kernel against sharp,
peak memory, accuracy (PSNR against an exact float64 Lanczos3 of the full
decode) and the CLI's batch mode. Run by scripts/bench.sh, which builds the
drivers and installs sharp; run with Debian's /usr/bin/python3 (numpy).

  bench.py BUILD_DIR CORPUS_DIR

Timing: every tool runs its task RUNS times in one process after WARMUP
runs (vipsthumbnail: one whole process per run) and the median is kept.
Each run records wall time and the CPU time of the whole process (all
threads); the table's "ms" is CPU time, because on a shared machine wall
time mostly measures the wait for a core. Both are in results.json.

Environment: BENCH_RUNS (default 20), BENCH_WARMUP (2), BENCH_OUT (the
directory for results.md, results.json; default this one)."""

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "2"))
# The CLI batch: this many copies of T1 in one call, the call repeated.
BATCH_COPIES = 20
BATCH_REPEATS = 5
# The first image of a process (issue 19): the CLI making T1's thumbnail
# as a whole process and djpeg -scale 1/2 of the same file, this many
# times each per batch round, taking turns with each other and the batch.
ONESHOT_PER_ROUND = 4
# The raw kernel benchmark of the issue.
KERNEL_SRC = (4928, 3279)
KERNEL_DST = (852, 567)
KERNEL_SEED = 20260407
SIMD_PATHS = ["scalar", "sse41", "avx2", "avx512"]
MIB = 1024.0

TASKS = [
    {"id": "T1", "file": "jpeg/2569067123_aca715a2ee_o.jpg", "box": (720, 588),
     "format": "jpeg", "quality": 80},
    {"id": "T2", "file": "jpeg/Carrie.jpg", "box": (256, 256),
     "format": "jpeg", "quality": 80},
    {"id": "T3", "file": "png/alpha-premultiply-2048x1536-paper.png",
     "box": (720, 540), "format": "png", "quality": 80},
    {"id": "T4", "file": "webp/bryce.webp", "box": (256, 256),
     "format": "webp", "quality": 80},
    {"id": "T5", "file": "jpeg/speed_bench_hv_subsampling.jpg",
     "box": (256, 256), "format": "jpeg", "quality": 80},
]
# libjpeg-turbo's scaled decode, the floor, for these tasks.
FLOOR_TASKS = {"T2", "T5"}
# Variants compared take turns (A B C A B C ...), this many rounds of
# RUNS/ROUNDS runs each, so that drift, a change of load and the first
# touch of a file weigh on all of them: the tools of a task with the
# floor, the kernel's instruction sets with sharp.
ROUNDS = 5
# The accurate mode is measured where the issue sets it a target.
ACCURATE_TASKS = {"T1"}
TOOLS = ["libthumbnail", "libthumbnail accurate", "libthumbnail avx2",
         "sharp", "sharp avx2", "Pillow", "vipsthumbnail",
         "libjpeg-turbo scaled decode"]
# The forced AVX2 row, on a machine where auto picks AVX-512: the README
# then holds the figures of both kinds of machine.
FORCED_AVX2 = "libthumbnail avx2"
# Its peer: sharp, whose libvips picks Highway's AVX-512 kernels on such a
# machine (its raw RGB8 resize took 27.0 ms there against 31.1 with them
# off), held to AVX2 as an AVX2-only machine would hold it, so that the
# forced rows compare AVX2 with AVX2. VIPS_VECTOR is the mask of Highway
# targets libvips must not use; on x86 a lower bit is a better target and
# AVX2 is bit 9 (hwy/detect_targets.h), so every bit below it goes.
FORCED_AVX2_PEER = "sharp avx2"
HWY_ABOVE_AVX2 = (1 << 9) - 1


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_json(cmd, env=None):
    """Runs a driver that prints one JSON line; returns it parsed."""
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (
            os.path.basename(cmd[0]) if cmd[0] != "node" else cmd[1],
            p.returncode, p.stderr.strip()[-500:]))
    return json.loads(p.stdout.strip().splitlines()[-1])


def peak_rss_kib(build, cmd, env=None):
    """ru_maxrss of a separate process doing the task once, measured by
    bench_rss (forked from Python, the child would inherit Python's
    high-water mark: see bench_rss.c)."""
    p = subprocess.run([os.path.join(build, "bench_rss")] + cmd,
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError("%s failed: %s" % (cmd[0], p.stderr.strip()[-500:]))
    return int(p.stdout.strip().splitlines()[-1])


def timed_process(cmd, env=None):
    """Wall and CPU (user + system of the child) milliseconds of one
    whole process (its ru_maxrss is not used: see peak_rss_kib)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - t0) * 1e3
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("%s failed: %s" % (cmd[0], err.strip()[-500:]))
    return wall, (ru.ru_utime + ru.ru_stime) * 1e3, ru.ru_maxrss


def median(v):
    return statistics.median(v) if v else None


def join_runs(into, raw):
    """Appends a driver's per-run lists to into (nested objects alike);
    scalars are kept."""
    for k, v in raw.items():
        if isinstance(v, list):
            into.setdefault(k, []).extend(v)
        elif isinstance(v, dict):
            join_runs(into.setdefault(k, {}), v)
        else:
            into[k] = v


def alternate(cmds, envs):
    """Runs the driver commands in turns, ROUNDS rounds (each command
    prints the JSON of RUNS/ROUNDS runs); returns each one's joined runs
    summarised, in the order of cmds."""
    joined = [{} for _ in cmds]
    for _ in range(ROUNDS):
        for cmd, env, into in zip(cmds, envs, joined):
            join_runs(into, run_json(cmd, env))
    return [summarise(j) for j in joined]


def summarise(raw):
    """The medians bench.py reports, from a driver's per-run lists."""
    if "variants" in raw:  # bench_kernel SIMD...: a row per instruction set
        return {"variants": {k: summarise(v)
                             for k, v in raw["variants"].items()}}
    out = {"runs": len(raw["ms"]), "wall_ms": median(raw["ms"]),
           "cpu_ms": median(raw["cpu_ms"]), "wall_ms_runs": raw["ms"],
           "cpu_ms_runs": raw["cpu_ms"]}
    for k in ("decode_ms", "resize_ms", "encode_ms", "total_ms"):
        if k in raw:
            out[k] = median(raw[k])
    for k in ("out_width", "out_height", "out_bytes", "decoded_width",
              "decoded_height", "copy_ms", "checksum", "simd", "versions",
              "version"):
        if k in raw:
            out[k] = median(raw[k]) if isinstance(raw[k], list) else raw[k]
    if "floor_ms" in raw:  # bench_thumb --floor: the floor's row
        out["floor"] = summarise({
            "ms": raw["floor_ms"], "cpu_ms": raw["floor_cpu_ms"],
            "decoded_width": raw["floor_decoded_width"],
            "decoded_height": raw["floor_decoded_height"]})
    return out


class Bench:
    def __init__(self, build, corpus, tmp):
        self.build = build
        self.corpus = corpus
        self.tmp = tmp
        # Only SIMD paths this CPU lacks are left out; a missing peer is
        # an install step that failed, so the run stops (scripts/bench.sh
        # installs every peer).
        self.skipped = []  # (what, why)
        ok, why = self.check_sharp()
        if not ok:
            sys.exit("bench: sharp: " + why)
        if subprocess.run(["/usr/bin/python3", "-c", "import PIL"],
                          capture_output=True).returncode != 0:
            sys.exit("bench: /usr/bin/python3 cannot import PIL (Debian "
                     "python3-pil: scripts/install-deps.sh)")
        self.vips = shutil.which("vipsthumbnail")
        if not self.vips:
            sys.exit("bench: vipsthumbnail is not installed (Debian "
                     "libvips-tools: scripts/install-deps.sh)")
        self.vips_env = dict(os.environ, VIPS_CONCURRENCY="1")
        self.cli = os.path.join(build, "libthumbnail", "thumbnail")
        self.simd_auto = simd_auto(build)

    def skip(self, what, why):
        log("skipped: %s: %s" % (what, why))
        self.skipped.append({"what": what, "why": why})

    def check_sharp(self):
        if not shutil.which("node"):
            return False, "node is not installed"
        p = subprocess.run(
            ["node", "-e", "require(%r)" % os.path.join(
                HERE, "node_modules", "sharp")],
            capture_output=True, text=True)
        if p.returncode != 0:
            last = (p.stderr.strip().splitlines() or ["?"])[-1]
            return False, ("sharp does not load from tests/bench/node_modules"
                           " (scripts/bench.sh installs it): " + last)
        return True, ""

    def path(self, task):
        return os.path.join(self.corpus, task["file"])

    # ---- one command per tool: (timing loop, PSNR run, peak-RSS run) ----

    def cmd(self, tool, task, runs, warmup, fmt=None, out=None):
        w, h = task["box"]
        fmt = fmt or task["format"]
        q = str(task["quality"])
        src = self.path(task)
        if tool.startswith("libthumbnail"):
            c = [os.path.join(self.build, "bench_thumb")]
            if tool.endswith("accurate"):
                c.append("--accurate")
            if out:
                c += ["--out", out]
            return c + [src, str(w), str(h), fmt, q, str(runs), str(warmup)]
        if tool.startswith("sharp"):
            c = ["node", os.path.join(HERE, "sharp_bench.js"), "task", src,
                 str(w), str(h), fmt, q, str(runs), str(warmup)]
            return c + ([out] if out else [])
        if tool == "Pillow":
            c = ["/usr/bin/python3", os.path.join(HERE, "pillow_bench.py"),
                 src, str(w), str(h), fmt, q, str(runs), str(warmup)]
            return c + ([out] if out else [])
        if tool == "vipsthumbnail":
            ext = {"jpeg": ".jpg", "png": ".png", "webp": ".webp"}[fmt]
            dest = out or os.path.join(self.tmp, "vips-" + task["id"] + ext)
            opts = "" if fmt == "png" else "[Q=%s]" % q
            return [self.vips, src, "-s", "%dx%d" % (w, h), "-o", dest + opts]
        raise ValueError(tool)

    def available(self, tool, task):
        if tool == "libthumbnail accurate" and task["id"] not in ACCURATE_TASKS:
            return False
        if tool in (FORCED_AVX2, FORCED_AVX2_PEER):
            return self.simd_auto == "avx512"
        return True

    def env(self, tool):
        if tool == FORCED_AVX2:
            return dict(os.environ, THUMB_SIMD="avx2")
        if tool == FORCED_AVX2_PEER:
            return dict(os.environ, VIPS_VECTOR=str(HWY_ABOVE_AVX2))
        return self.vips_env if tool == "vipsthumbnail" else None

    def time_vips(self, task):
        """vipsthumbnail, one whole process per run."""
        tool = "vipsthumbnail"
        walls, cpus = [], []
        for i in range(-WARMUP, RUNS):
            wall, cpu, _ = timed_process(self.cmd(tool, task, 1, 0),
                                         self.vips_env)
            if i >= 0:
                walls.append(wall)
                cpus.append(cpu)
        # The output of the last run, for the size column.
        dest = self.cmd(tool, task, 1, 0)[-1].split("[")[0]
        return summarise({"ms": walls, "cpu_ms": cpus,
                          "out_bytes": os.path.getsize(dest)})

    def run_task(self, task):
        """Every in-process tool (and the floor) in turns; vipsthumbnail,
        a process per run, on its own."""
        tools = [t for t in TOOLS[:-1] if self.available(t, task)]
        turns = [t for t in tools if t != "vipsthumbnail"]
        per = max(1, RUNS // ROUNDS)
        cmds = [self.cmd(t, task, per, WARMUP) for t in turns]
        envs = [self.env(t) for t in turns]
        floor = task["id"] in FLOOR_TASKS
        if floor:
            # The floor takes turns with libthumbnail run by run, in its
            # process (bench_thumb --floor).
            cmds[turns.index("libthumbnail")].insert(1, "--floor")
        log("%s: %s in turns, %d rounds of %d runs%s" % (
            task["id"], ", ".join(turns), ROUNDS, per,
            " (the first with the floor, %s, run by run)" % TOOLS[-1]
            if floor else ""))
        rows = dict(zip(turns, alternate(cmds, envs)))
        if floor:
            rows[TOOLS[-1]] = rows["libthumbnail"].pop("floor")
        if "vipsthumbnail" in tools:
            log("%s vipsthumbnail: %d runs" % (task["id"], RUNS))
            rows["vipsthumbnail"] = self.time_vips(task)
        pngs = {}
        # sharp held to AVX2 is a time only: its output and memory are
        # sharp's.
        for tool in (t for t in tools if t != FORCED_AVX2_PEER):
            rows[tool]["peak_rss_kib"] = peak_rss_kib(
                self.build, self.cmd(tool, task, 1, 0), self.env(tool))
            png = os.path.join(self.tmp, "%s-%s.png" % (
                task["id"], tool.replace(" ", "-")))
            subprocess.run(self.cmd(tool, task, 1, 0, "png", png),
                           check=True, capture_output=True, env=self.env(tool))
            pngs[tool] = png
        if pngs:
            log("%s PSNR against the exact Lanczos3 of the full decode"
                % task["id"])
            psnr = run_json([os.path.join(self.build, "bench_psnr"),
                             self.path(task)] + list(pngs.values()))
            for tool, png in pngs.items():
                p = psnr[png]
                rows[tool]["psnr_db"] = (
                    p["psnr"] if p["psnr"] is not None else float("inf"))
                rows[tool].setdefault("out_width", p["width"])
                rows[tool].setdefault("out_height", p["height"])
        if os.path.exists(self.cli):
            w, h = task["box"]
            out = os.path.join(self.tmp, "cli-%s.%s" % (task["id"],
                                                        task["format"]))
            rows.setdefault("libthumbnail", {})["cli_peak_rss_kib"] = \
                peak_rss_kib(self.build, [self.cli, "-s", "%dx%d" % (w, h), "-q",
                              str(task["quality"]), "-o", out,
                              self.path(task)])
        return rows

    # ---- the raw kernel --------------------------------------------------

    def kernel(self):
        import numpy as np

        w, h = KERNEL_SRC
        ow, oh = KERNEL_DST
        rng = np.random.default_rng(KERNEL_SEED)
        result = {}
        for name, ch in (("RGB8", 3), ("RGBA8", 4)):
            raw = os.path.join(self.tmp, "kernel-%d.raw" % ch)
            rng.integers(0, 256, size=w * h * ch, dtype=np.uint8).tofile(raw)
            args = [raw, str(w), str(h), str(ch), str(ow), str(oh)]
            kernel = [os.path.join(self.build, "bench_kernel")] + args
            simds = ["auto"]
            for simd in SIMD_PATHS:
                env = dict(os.environ, THUMB_SIMD=simd)
                try:
                    run_json(kernel + ["1", "0"], env)
                except RuntimeError as e:
                    # Only a path this CPU lacks may be left out.
                    if "not on this CPU or build" not in str(e):
                        raise
                    self.skip("kernel %s THUMB_SIMD=%s" % (name, simd),
                              str(e).splitlines()[-1])
                    continue
                simds.append(simd)
            # libthumbnail's instruction sets take turns run by run in one
            # process (bench_kernel SIMD...); that process and sharp's take
            # turns round by round.
            per = [str(max(1, RUNS // ROUNDS)), str(WARMUP)]
            sharp = (["node", os.path.join(HERE, "sharp_bench.js"), "raw"]
                     + args + per)
            peers = [t for t in ("sharp", FORCED_AVX2_PEER)
                     if self.available(t, None)]
            log("kernel %s: libthumbnail %s in one process, in turns with "
                "%s" % (name, ", ".join(simds), ", ".join(peers)))
            timed = alternate([kernel + per + simds] + [sharp] * len(peers),
                              [None] + [self.env(t) for t in peers])
            rows = {("libthumbnail" if simd == "auto" else
                     "libthumbnail " + simd): row
                    for simd, row in timed[0]["variants"].items()}
            rows.update(zip(peers, timed[1:]))
            os.unlink(raw)
            result[name] = rows
        return result

    # ---- the CLI batch ---------------------------------------------------

    def batch(self):
        """The CLI on BATCH_COPIES copies of T1 in one call, one after
        another (-j 1) and on every core (-j CORES), the two calls taking
        turns BATCH_REPEATS times (after one warm-up each), so that a change
        of load weighs on both. Per image: the call's wall and CPU time
        (all threads) over the copies; medians of the calls. Between the
        calls, the CLI once on T1 alone (a whole process: the first image
        of a process, what a script calling it per image or a fresh Lambda
        pays) and djpeg -scale 1/2 of the same file, in turns."""
        t1 = TASKS[0]
        src = self.path(t1)
        inputs = []
        for i in range(BATCH_COPIES):
            p = os.path.join(self.tmp, "batch-in", "copy%02d.jpg" % i)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            shutil.copyfile(src, p)
            inputs.append(p)
        outdir = os.path.join(self.tmp, "batch-out")
        w, h = t1["box"]
        cores = os.cpu_count() or 1
        jobs = [1] if cores == 1 else [1, cores]

        def cmd(j):
            return [self.cli, "-j", str(j), "-s", "%dx%d" % (w, h), "-q",
                    str(t1["quality"]), "-f", "jpeg", "-o", outdir] + inputs

        single = {
            "cli": [self.cli, "-s", "%dx%d" % (w, h), "-q",
                    str(t1["quality"]), "-o",
                    os.path.join(self.tmp, "oneshot.jpg"), src],
            "djpeg": ["djpeg", "-scale", "1/2", "-outfile", os.devnull, src]}
        runs = {j: ([], []) for j in jobs}
        once = {k: ([], []) for k in single}
        log("CLI batch: %d copies of T1, -j %s, %d calls each in turns, "
            "with the CLI on T1 alone and djpeg -scale 1/2" % (
                BATCH_COPIES, " and -j ".join(map(str, jobs)),
                BATCH_REPEATS))
        for i in range(-1, BATCH_REPEATS):
            for j in jobs:
                wall, cpu, _ = timed_process(cmd(j))
                if i >= 0:
                    runs[j][0].append(wall / BATCH_COPIES)
                    runs[j][1].append(cpu / BATCH_COPIES)
            for _ in range(ONESHOT_PER_ROUND):
                for k, c in single.items():
                    wall, cpu, _ = timed_process(c)
                    if i >= 0:
                        once[k][0].append(wall)
                        once[k][1].append(cpu)
        out = {"copies": BATCH_COPIES, "calls": BATCH_REPEATS,
               "cores": cores, "by_jobs": []}
        for j in jobs:
            walls, cpus = runs[j]
            out["by_jobs"].append({
                "jobs": j, "wall_ms": median(walls), "cpu_ms": median(cpus),
                "wall_ms_runs": walls, "cpu_ms_runs": cpus,
                "peak_rss_kib": peak_rss_kib(self.build, cmd(j))})
        out["oneshot"] = {k: {"wall_ms": median(v[0]), "cpu_ms": median(v[1]),
                              "wall_ms_runs": v[0], "cpu_ms_runs": v[1]}
                          for k, v in once.items()}
        return out


def simd_auto(build):
    """The instruction set THUMB_SIMD=auto picks here, as bench_kernel
    reports it (a tiny resize)."""
    with tempfile.NamedTemporaryFile(suffix=".raw") as f:
        f.write(bytes(64 * 64 * 3))
        f.flush()
        r = run_json([os.path.join(build, "bench_kernel"), f.name, "64", "64",
                      "3", "16", "16", "1", "0"])
    return {1: "scalar", 2: "sse41", 3: "avx2", 4: "avx512",
            5: "neon"}.get(r.get("simd"), "?")


def machine():
    info = {"python": platform.python_version(), "kernel": platform.release(),
            "cores": os.cpu_count()}
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name") and "cpu" not in info:
                info["cpu"] = line.split(":", 1)[1].strip()
            if line.startswith("flags") and "isa" not in info:
                flags = set(line.split(":", 1)[1].split())
                info["isa"] = [f for f in ("sse4_1", "avx2", "avx512bw",
                                           "avx512vl", "avx512_vnni")
                               if f in flags]
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / MIB / MIB, 1)
    except OSError:
        pass
    try:
        info["os"] = "Debian " + open("/etc/debian_version").read().strip()
    except OSError:
        pass
    for name, cmd in (("vipsthumbnail", ["vipsthumbnail", "--vips-version"]),
                      ("gcc", ["gcc", "-dumpfullversion"]),
                      ("node", ["node", "--version"])):
        try:
            info[name] = subprocess.run(cmd, capture_output=True, text=True
                                        ).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            pass
    for pkg in ("libturbojpeg0", "libjpeg62-turbo", "libwebp7", "libpng16-16",
                "python3-pil"):
        p = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                           capture_output=True, text=True)
        if p.returncode == 0:
            info[pkg] = p.stdout.strip()
    return info


def main():
    build, corpus = sys.argv[1], sys.argv[2]
    out_dir = os.environ.get("BENCH_OUT", HERE)
    started = time.time()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="thumb-bench-") as tmp:
        b = Bench(build, corpus, tmp)
        tasks = {}
        for task in TASKS:
            tasks[task["id"]] = {"task": task, "tools": b.run_task(task)}
        kernel = b.kernel()
        batch = b.batch()
        import heif_bench

        avif = heif_bench.run(b)
        sharp_versions = next(
            (t["tools"]["sharp"].get("versions") for t in tasks.values()
             if "sharp" in t["tools"]), None)
    results = {
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                  time.gmtime(started)),
        "duration_s": round(time.time() - started),
        "runs": RUNS, "warmup": WARMUP,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "machine": dict(machine(), simd_auto=b.simd_auto),
        "rounds": ROUNDS, "sharp": sharp_versions,
        "tasks": tasks, "kernel": kernel, "batch": batch, "avif": avif,
        "skipped": b.skipped,
    }
    sys.path.insert(0, HERE)
    import report

    results["targets"] = report.targets(results)
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True, default=str)
        f.write("\n")
    md = report.markdown(results)
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write(md)
    print(md)


if __name__ == "__main__":
    main()
