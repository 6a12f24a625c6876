"""Draws tests/bench/chart.svg from results.json: per task, each tool's
median time relative to sharp (1.0 = sharp; shorter is faster), and the
raw-kernel speedups. Plain SVG written by hand: no plotting library needed.

  chart.py [results.json [chart.svg]]"""

import json
import math
import os
import sys
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = [
    ("libthumbnail", "#1b6ac9"),
    ("libthumbnail accurate", "#7fb2ef"),
    ("sharp", "#3c9a3c"),
    ("Pillow", "#d9822b"),
    ("vipsthumbnail", "#8e5bb5"),
    ("libjpeg-turbo scaled decode", "#888888"),
]
KERNEL_TOOLS = [("libthumbnail", "#1b6ac9"), ("sharp", "#3c9a3c")]
REFERENCE = "sharp"

WIDTH = 860
LEFT = 210          # room for the group labels
RIGHT = 130         # room for the value labels
BAR_H = 14
BAR_GAP = 3
GROUP_GAP = 16
TOP = 70
FONT = "font-family='DejaVu Sans, Arial, sans-serif'"
# Ratios are drawn on a log scale from 1/MAX_RATIO to MAX_RATIO.
MAX_RATIO = 8.0
MIN_BAR = 4  # pixels


def x_of(ratio, plot_w):
    r = min(max(ratio, 1 / MAX_RATIO), MAX_RATIO)
    return LEFT + (math.log(r) / math.log(MAX_RATIO) + 1) / 2 * plot_w


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        HERE, "results.json")
    dst = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "chart.svg")
    with open(src) as f:
        res = json.load(f)
    plot_w = WIDTH - LEFT - RIGHT
    groups = []  # (label, [(tool, colour, ratio, ms)])
    for tid, t in res["tasks"].items():
        tools = t["tools"]
        ref = tools.get(REFERENCE, {}).get("cpu_ms")
        if not ref:
            continue
        bars = [(name, colour, tools[name]["cpu_ms"] / ref,
                 tools[name]["cpu_ms"])
                for name, colour in TOOLS if tools.get(name, {}).get("cpu_ms")]
        box = t["task"]["box"]
        groups.append(("%s %dx%d %s" % (tid, box[0], box[1],
                                        t["task"]["format"]), bars))
    for fmt, rows in res.get("kernel", {}).items():
        ref = rows.get(REFERENCE, {}).get("cpu_ms")
        if not ref:
            continue
        bars = [(name, colour, rows[name]["cpu_ms"] / ref,
                 rows[name]["cpu_ms"])
                for name, colour in KERNEL_TOOLS if name in rows]
        groups.append(("kernel %s" % fmt, bars))
    height = TOP + sum(len(b) * (BAR_H + BAR_GAP) + GROUP_GAP
                       for _, b in groups) + 60
    out = []
    out.append("<svg xmlns='http://www.w3.org/2000/svg' width='%d' "
               "height='%d' viewBox='0 0 %d %d'>" % (WIDTH, height, WIDTH,
                                                     height))
    out.append("<rect width='100%' height='100%' fill='white'/>")
    m = res.get("machine", {})
    out.append("<text x='%d' y='22' %s font-size='15' font-weight='bold'>"
               "Time per image relative to sharp (log scale; left is "
               "faster)</text>" % (LEFT - 200, FONT))
    out.append("<text x='%d' y='40' %s font-size='11' fill='#444'>%s</text>"
               % (LEFT - 200, FONT, escape(
                   "median CPU ms, one thread, %d runs; %s, %s cores; %s" % (
                       res.get("runs", 0), m.get("cpu", "?"),
                       m.get("cores", "?"), res.get("date_utc", "")))))
    # Grid lines at powers of two.
    grid_bottom = height - 50
    r = 1 / MAX_RATIO
    while r <= MAX_RATIO + 1e-9:
        x = x_of(r, plot_w)
        colour = "#000" if abs(r - 1) < 1e-9 else "#ddd"
        out.append("<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='%s'/>"
                   % (x, TOP - 8, x, grid_bottom, colour))
        label = ("%gx" % r) if r >= 1 else ("1/%gx" % (1 / r))
        out.append("<text x='%.1f' y='%d' %s font-size='10' "
                   "text-anchor='middle' fill='#444'>%s</text>"
                   % (x, grid_bottom + 14, FONT, label))
        r *= 2
    y = TOP
    x1 = x_of(1.0, plot_w)
    for label, bars in groups:
        gh = len(bars) * (BAR_H + BAR_GAP)
        out.append("<text x='%d' y='%.1f' %s font-size='12' text-anchor='end'"
                   ">%s</text>" % (LEFT - 10, y + gh / 2 + 4, FONT,
                                   escape(label)))
        for name, colour, ratio, ms in bars:
            x = x_of(ratio, plot_w)
            lo, hi = min(x, x1), max(x, x1)
            if hi - lo < MIN_BAR:  # sharp itself: a visible tick at 1x
                lo, hi = x1 - MIN_BAR / 2, x1 + MIN_BAR / 2
            out.append("<rect x='%.1f' y='%d' width='%.1f' height='%d' "
                       "fill='%s'><title>%s: %.1f ms, %.2fx sharp</title>"
                       "</rect>" % (lo, y, hi - lo, BAR_H, colour,
                                    escape(name), ms, ratio))
            out.append("<text x='%.1f' y='%d' %s font-size='10' "
                       "fill='#222'>%.2fx (%.0f ms)</text>"
                       % (hi + 4, y + BAR_H - 3, FONT, ratio, ms))
            y += BAR_H + BAR_GAP
        y += GROUP_GAP
    # Legend.
    lx = LEFT - 200
    ly = height - 22
    for name, colour in TOOLS:
        out.append("<rect x='%d' y='%d' width='10' height='10' fill='%s'/>"
                   % (lx, ly, colour))
        out.append("<text x='%d' y='%d' %s font-size='11'>%s</text>"
                   % (lx + 14, ly + 9, FONT, escape(name)))
        lx += 14 + 7 * len(name) + 16
    out.append("</svg>")
    with open(dst, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
