"""The HEIF-family rows of the benchmark (issue 16's Speed section), run
by bench.py after its tasks, or alone:

  /usr/bin/python3 tests/bench/heif_bench.py BUILD CORPUS   # prints JSON

- A1: sharp's benchmark photo (T1's file) to AVIF in a 720x588 box:
  libthumbnail at its defaults (quality 80, which it maps to sharp's AVIF
  quality 50; speed 6; 4:2:0) against sharp at its defaults (quality 50,
  effort 4, 4:4:4). Bytes, and PSNR of the AVIF decoded by avifdec
  against the exact Lanczos3 of the full decode (bench_psnr).
- A2: an AVIF photo to a JPEG (quality 80) in a 256 box: the decode path.

- H1: a 12 MP iPhone HEIC (a grid of 512x512 HEVC tiles, Display P3) to
  a JPEG (quality 80) in a 256 box: libthumbnail against vipsthumbnail,
  which both read it through libheif 1.15, and libheif's own decode of
  the image to RGB planes (bench_heif), the floor for anything that reads
  it through libheif. heif-convert, the floor the issue names, writes
  nothing smaller than a whole Y4M, PNG or JPEG, and costs more than
  libthumbnail's whole thumbnail: it is not a floor. Peak RSS of each.

The tools of a task take turns (bench.alternate; vipsthumbnail, a process
per run, takes its turn in each round); the table's figure is the median
CPU time of the process, as for the other tasks."""
import os
import subprocess
import sys

import bench

AVIF_TASKS = [
    {"id": "A1", "file": "jpeg/2569067123_aca715a2ee_o.jpg",
     "box": (720, 588), "format": "avif", "quality": 80,
     "sharp_quality": 50},
    {"id": "A2", "file": "heif/fox.profile0.8bpc.yuv420.avif",
     "box": (256, 256), "format": "jpeg", "quality": 80,
     "sharp_quality": 80},
]
TOOLS = ["libthumbnail", "sharp"]
HEIC_TASK = {"id": "H1", "file": "heif/pug.heic", "box": (256, 256),
             "format": "jpeg", "quality": 80}
HEIC_TOOLS = ["libthumbnail", "vipsthumbnail", "libheif decode"]
# H1's runs are ~1 s each: fewer of them.
HEIC_RUNS_PER_ROUND = 2


def commands(b, task, runs, warmup, out=None):
    """libthumbnail's and sharp's commands for a task, each at its own
    default quality."""
    ours = b.cmd("libthumbnail", task, runs, warmup, out=out and out[0])
    theirs = b.cmd("sharp", dict(task, quality=task["sharp_quality"]), runs,
                   warmup, out=out and out[1])
    return [ours, theirs]


def psnr_of_avif(b, task, outs):
    """Each AVIF decoded by avifdec, then bench_psnr against the source."""
    pngs = []
    for path in outs:
        png = path + ".png"
        subprocess.run(["avifdec", path, png], check=True,
                       capture_output=True)
        pngs.append(png)
    got = bench.run_json([os.path.join(b.build, "bench_psnr"),
                          b.path(task)] + pngs)
    return [got[p]["psnr"] for p in pngs]


def run_heic(b):
    """H1: the three take turns, HEIC_RUNS_PER_ROUND runs each a round."""
    task, per = HEIC_TASK, HEIC_RUNS_PER_ROUND
    ours = b.cmd("libthumbnail", task, per, 1)
    floor = [os.path.join(b.build, "bench_heif"), b.path(task), str(per), "1"]
    bench.log("%s: %s in turns, %d rounds of %d runs" % (
        task["id"], ", ".join(HEIC_TOOLS), bench.ROUNDS, per))
    joined = {t: {} for t in HEIC_TOOLS}
    vips = {"ms": [], "cpu_ms": []}
    bench.timed_process(b.cmd("vipsthumbnail", task, 1, 0), b.vips_env)
    for _ in range(bench.ROUNDS):
        bench.join_runs(joined["libthumbnail"], bench.run_json(ours))
        for _ in range(per):
            wall, cpu, _ = bench.timed_process(
                b.cmd("vipsthumbnail", task, 1, 0), b.vips_env)
            vips["ms"].append(wall)
            vips["cpu_ms"].append(cpu)
        bench.join_runs(joined["libheif decode"], bench.run_json(floor))
    joined["vipsthumbnail"] = vips
    rows = {t: bench.summarise(j) for t, j in joined.items()}
    rows["libthumbnail"]["peak_rss_kib"] = bench.peak_rss_kib(
        b.build, b.cmd("libthumbnail", task, 1, 0))
    rows["vipsthumbnail"]["peak_rss_kib"] = bench.peak_rss_kib(
        b.build, b.cmd("vipsthumbnail", task, 1, 0), b.vips_env)
    rows["libheif decode"]["peak_rss_kib"] = bench.peak_rss_kib(
        b.build, floor[:2] + ["1", "0"])
    return {"task": task, "tools": rows}


def run(b):
    per = max(1, bench.RUNS // bench.ROUNDS)
    results = {}
    for task in AVIF_TASKS:
        bench.log("%s: %s in turns, %d rounds of %d runs" % (
            task["id"], ", ".join(TOOLS), bench.ROUNDS, per))
        rows = dict(zip(TOOLS, bench.alternate(
            commands(b, task, per, bench.WARMUP), [None, None])))
        if task["format"] == "avif":
            outs = [os.path.join(b.tmp, "%s-%s.avif" % (task["id"], t))
                    for t in TOOLS]
            for cmd in commands(b, task, 1, 0, outs):
                bench.run_json(cmd)
            for tool, db in zip(TOOLS, psnr_of_avif(b, task, outs)):
                rows[tool]["psnr_db"] = db
        results[task["id"]] = {"task": task, "tools": rows}
    results[HEIC_TASK["id"]] = run_heic(b)
    return results


def targets(avif):
    """Issue 16's targets: A1 at most 0.5x sharp's CPU time, 1.1x its
    bytes, and no more than 0.5 dB below its PSNR; A2 at most sharp's
    time; H1 at most 0.8x vipsthumbnail's. (name, value, limit, ok)."""
    out = []
    a1 = avif.get("A1", {}).get("tools", {})
    a2 = avif.get("A2", {}).get("tools", {})
    h1 = avif.get("H1", {}).get("tools", {})
    if a1:
        lt, sh = a1["libthumbnail"], a1["sharp"]
        r = lt["cpu_ms"] / sh["cpu_ms"]
        out.append(("A1 time <= 0.5x sharp", r, 0.5, r <= 0.5))
        r = lt["out_bytes"] / sh["out_bytes"]
        out.append(("A1 bytes <= 1.1x sharp", r, 1.1, r <= 1.1))
        d = lt["psnr_db"] - sh["psnr_db"]
        out.append(("A1 PSNR >= sharp's - 0.5 dB", d, -0.5, d >= -0.5))
    if a2:
        r = a2["libthumbnail"]["cpu_ms"] / a2["sharp"]["cpu_ms"]
        out.append(("A2 time <= 1.0x sharp", r, 1.0, r <= 1.0))
    if h1:
        r = h1["libthumbnail"]["cpu_ms"] / h1["vipsthumbnail"]["cpu_ms"]
        out.append(("H1 time <= 0.8x vipsthumbnail", r, 0.8, r <= 0.8))
    return out


def markdown(avif):
    lines = ["", "### AVIF and HEIC", "",
             "| task | tool | CPU ms | wall ms | output | bytes | PSNR dB "
             "| peak RSS MiB |",
             "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: |"]
    for tid, t in sorted(avif.items()):
        task = t["task"]
        for tool, r in t["tools"].items():
            rss = r.get("peak_rss_kib")
            lines.append("| %s %s to %s %dx%d | %s | %.0f | %.0f | %sx%s | %s "
                         "| %s | %s |" % (
                             tid, os.path.basename(task["file"]),
                             task["format"], task["box"][0], task["box"][1],
                             tool, r["cpu_ms"], r["wall_ms"],
                             r.get("out_width", "?"), r.get("out_height", "?"),
                             r.get("out_bytes", "?"),
                             "%.2f" % r["psnr_db"] if "psnr_db" in r else "—",
                             "%.1f" % (rss / bench.MIB) if rss else "—"))
    lines.append("")
    for name, value, limit, ok in targets(avif):
        lines.append("- %s: %.2f (limit %.2f) %s" % (
            name, value, limit, "met" if ok else "MISSED"))
    return "\n".join(lines) + "\n"


def main():
    import json
    import tempfile

    build, corpus = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="thumb-bench-heif-") as tmp:
        b = bench.Bench(build, corpus, tmp)
        avif = run(b)
    print(markdown(avif), file=sys.stderr)
    print(json.dumps(avif, default=str))


if __name__ == "__main__":
    main()
