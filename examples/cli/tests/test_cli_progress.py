#!/usr/bin/python3
"""The progress line of a batch, seen through a real pseudo-terminal:
done/total, images per second, time left and failures so far, redrawn in
place a few times a second, then a summary line; none with --quiet or when
standard error is no terminal.

Run as: test_cli_progress.py THUMBNAIL CORPUS_DIR
"""
import os
import pty
import re
import subprocess
import time

import cli_support
from cli_support import ScratchTest, corpus, run

# The command redraws at most this often (PROGRESS_INTERVAL in progress.c).
INTERVAL = 0.2
REDRAW = "\r\x1b[K["
BAD = "bad/jpeg/truncated.jpg"


def run_on_terminal(args):
    """(exit status, everything written to the terminal, seconds taken),
    with standard error on a pseudo-terminal."""
    master, slave = pty.openpty()
    start = time.monotonic()
    try:
        p = subprocess.Popen([cli_support.THUMBNAIL, *args], stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        slave = None
        tty = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the program closed the terminal
                break
            if not chunk:
                break
            tty += chunk
        status = p.wait(timeout=60)
    finally:
        os.close(master)
        if slave is not None:
            os.close(slave)
    return status, tty.decode(), time.monotonic() - start


class Progress(ScratchTest):
    def many_inputs(self, count):
        """count small inputs with distinct names, the third one corrupt."""
        paths = []
        for k in range(count):
            path = self.out("in/i%03d.png" % k)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.symlink(corpus(BAD if k == 2 else "png/buggie.png"), path)
            paths.append(path)
        return paths

    def test_line_shows_count_rate_time_left_and_failures(self):
        inputs = self.many_inputs(5)
        status, text, _ = run_on_terminal(["-s", "64", "-j", "2", "-o", self.out("t"), *inputs])
        self.assertEqual(status, 1)
        self.assertIn(REDRAW, text)
        lines = [line for line in text.replace("\x1b[K", "").replace("\r", "\n").splitlines() if line]
        counts = [int(m) for m in re.findall(r"\[(\d+)/5\]", text)]
        self.assertEqual(counts, sorted(counts), text)
        self.assertEqual(counts[-1], 5, text)
        last = [line for line in lines if line.startswith("[5/5]")][-1]
        self.assertRegex(last, r"^\[5/5\] \d+\.\d images/s, 0:00 left, 1 failed$")
        failure = [line for line in lines if line.startswith("thumbnail: ")]
        self.assertEqual(len(failure), 1, text)
        self.assertIn("i002.png: JPEG", failure[0])
        self.assertRegex(lines[-1], r"^4 of 5 converted, 1 failed, in \d+\.\d s \(\d+\.\d images/s\)$")

    def test_redrawn_at_most_a_few_times_a_second(self):
        inputs = self.many_inputs(60)
        status, text, seconds = run_on_terminal(["-s", "16", "-j", "1", "-o", self.out("t"), *inputs])
        self.assertEqual(status, 1)
        redraws = text.count(REDRAW)
        # The first line, one per interval, the last one; a failure's line
        # clears the progress line and may cost one more redraw.
        self.assertLessEqual(redraws, seconds / INTERVAL + 3, text)
        self.assertLess(redraws, 60, text)
        self.assertIn("59 of 60 converted, 1 failed", text)

    def test_quiet_and_no_terminal_turn_it_off(self):
        inputs = self.many_inputs(4)
        status, text, _ = run_on_terminal(["--quiet", "-s", "64", "-o", self.out("q"), *inputs])
        self.assertEqual(status, 1)
        self.assertNotIn("[", text)
        self.assertNotIn("converted", text)
        self.assertEqual(len(text.strip().splitlines()), 1, text)
        r = run("-s", "64", "-o", self.out("p"), *inputs)
        self.assertEqual(r.returncode, 1)
        self.assertNotIn("converted", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)


if __name__ == "__main__":
    cli_support.main()
