"""Several sizes of one input (issue 17): libthumbnail's thumb_run_many
(one decode) against the same sizes made by separate thumb_run calls and
against sharp making them from one input with clone(), in-process and on
one thread; and the CLI's peak RSS making three sizes against one. The
one decode and the separate runs take turns run by run in one process
(bench_many --turns: a process's place in memory changes the speed of
everything in it, by 10% and more on a VM), that process and sharp's
round by round (ROUNDS rounds of RUNS runs each), so that a change of load
weighs on all of them. Run by scripts/bench.sh after bench.py.

  bench_many.py BUILD_DIR CORPUS_DIR

Writes results_many.md and results_many.json beside this file (or in
BENCH_OUT)."""

import json
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
RUNS = int(os.environ.get("BENCH_RUNS_PER_ROUND", "4"))
WARMUP = 1
TASKS = [
    {"id": "M1", "file": "jpeg/Carrie.jpg", "what": "12 MP camera JPEG (T2)",
     "boxes": ["1024x1024", "512x512", "256x256"], "format": "jpeg",
     "targets": {"separate": 0.45, "sharp": 0.35}},
    {"id": "M2", "file": "jpeg/2569067123_aca715a2ee_o.jpg",
     "what": "sharp's benchmark photo (T1)",
     "boxes": ["720x588", "360x294", "180x147"], "format": "jpeg",
     "targets": {"separate": 0.5}},
]


def run_json(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError("%s: %s" % (cmd[0], p.stderr.strip()[-400:]))
    return json.loads(p.stdout.strip().splitlines()[-1])


def variants(build, path, task):
    common = [path, task["format"], "80", str(RUNS), str(WARMUP)]
    many = os.path.join(build, "bench_many")
    return {
        "libthumbnail": [many, "--turns", *common, *task["boxes"]],
        "sharp": ["node", os.path.join(HERE, "sharp_bench.js"), "many",
                  *common, *task["boxes"]],
    }


def peak_rss_mib(build, cmd):
    p = subprocess.run([os.path.join(build, "bench_rss"), *cmd],
                       capture_output=True, text=True, check=True)
    return int(p.stdout.split()[-1]) / 1024.0


def main():
    build, corpus = sys.argv[1], sys.argv[2]
    results = {"cpu": platform.processor() or platform.machine(), "tasks": []}
    for task in TASKS:
        path = os.path.join(corpus, task["file"])
        cmds = variants(build, path, task)
        cpu = {"many": [], "separate": [], "sharp": []}
        for r in range(ROUNDS):
            names = list(cmds) if r % 2 == 0 else list(reversed(list(cmds)))
            for name in names:
                got = run_json(cmds[name])
                if name == "sharp":
                    cpu["sharp"] += got["cpu_ms"]
                    continue
                cpu["many"] += got["many_cpu_ms"]
                cpu["separate"] += got["separate_cpu_ms"]
        med = {name: statistics.median(v) for name, v in cpu.items()}
        results["tasks"].append({"id": task["id"], "what": task["what"],
                                 "boxes": task["boxes"], "median_cpu_ms": med,
                                 "targets": task["targets"]})
    # The CLI's peak RSS: three sizes of M1 from one decode, and one.
    cli = os.path.join(build, "libthumbnail", "thumbnail")
    src = os.path.join(corpus, TASKS[0]["file"])
    out_dir = os.path.join(build, "many-rss")
    os.makedirs(out_dir, exist_ok=True)
    three = [cli, "-s", "1024", "-s", "512", "-s", "256", "-f", "jpg",
             "-o", out_dir, src]
    one = [cli, "-s", "1024", src, "-o", os.path.join(out_dir, "one.jpg")]
    results["cli_rss_mib"] = {"three": peak_rss_mib(build, three),
                              "one": peak_rss_mib(build, one)}
    write(results)


def save(stem, results, text):
    """Writes results to STEM.json and text to STEM.md in BENCH_OUT (this
    folder unless set), and prints text."""
    out = os.environ.get("BENCH_OUT", HERE)
    with open(os.path.join(out, stem + ".json"), "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(out, stem + ".md"), "w") as f:
        f.write(text)
    print(text)


def write(results):
    lines = ["| task | boxes | one decode (ms CPU) | separate runs | sharp "
             "clone() | vs separate | vs sharp |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for t in results["tasks"]:
        m = t["median_cpu_ms"]
        rel = {k: m["many"] / m[k] for k in ("separate", "sharp")}
        cells = []
        for k in ("separate", "sharp"):
            goal = t["targets"].get(k)
            mark = "" if goal is None else (
                " (<= %.2fx: %s)" % (goal, "met" if rel[k] <= goal
                                     else "missed"))
            cells.append("%.2fx%s" % (rel[k], mark))
        lines.append("| %s %s | %s | %.1f | %.1f | %.1f | %s | %s |" % (
            t["id"], t["what"], ", ".join(t["boxes"]), m["many"],
            m["separate"], m["sharp"], cells[0], cells[1]))
    rss = results["cli_rss_mib"]
    lines.append("")
    lines.append("CLI peak RSS, M1: three sizes %.1f MiB, the 1024 alone "
                 "%.1f MiB (%.2fx; target <= 1.2x)" % (
                     rss["three"], rss["one"], rss["three"] / rss["one"]))
    save("results_many", results, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
