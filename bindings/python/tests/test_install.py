"""The README's install, run as written, with Debian's own Python.

The README's "## Install" shell blocks run one after another in one bash,
as a reader pastes them: in a copy of the clone's relevant folders (pip
builds in the source tree), with a fresh home folder (the venv in
~/.venvs, the prefix in ~/.local) and `python3` being /usr/bin/python3,
the one that refuses pip outside a venv. The apt-get block is not run: the
packages it names must be ones scripts/install-deps.sh installs.

Run from bindings/python with THUMBNAIL_LIBRARY pointing at the library in
a CMake build folder:
    python3 -m unittest discover -s tests -p 'test_install.py' -v
"""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

import thumbnail

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
README = os.path.join(REPO, "bindings", "python", "README.md")
SYSTEM_PYTHON = "/usr/bin/python3"


def install_section():
    with open(README) as f:
        text = f.read()
    start = text.index("## Install\n")
    return text[start : text.index("\n## ", start + 1)]


def shell_blocks(section):
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def build_dir():
    """The CMake build folder of the library under test: the README's
    `build/`."""
    path = os.environ.get("THUMBNAIL_LIBRARY")
    if not path or not os.path.exists(os.path.join(os.path.dirname(path), "CMakeCache.txt")):
        raise FileNotFoundError("THUMBNAIL_LIBRARY must name libthumbnail.so in a CMake build folder (got %r)" % path)
    return os.path.dirname(os.path.abspath(path))


class TestReadmeInstall(unittest.TestCase):
    def test_the_apt_packages_are_the_ones_install_deps_installs(self):
        apt = shell_blocks(install_section())[0]
        self.assertTrue(apt.startswith("sudo apt-get install "), apt)
        with open(os.path.join(REPO, "scripts", "install-deps.sh")) as f:
            deps = set(re.findall(r"[\w.+-]+", f.read()))
        for package in apt.split()[3:]:
            self.assertIn(package, deps)

    def test_the_install_commands_work_with_debians_python(self):
        blocks = shell_blocks(install_section())[1:]
        self.assertEqual(len(blocks), 2)
        self.assertIn("python3 -m venv", blocks[0])
        with tempfile.TemporaryDirectory() as tmp:
            clone, home, bin_dir = (os.path.join(tmp, d) for d in ("clone", "home", "bin"))
            for d in ("bindings/python", "include", "examples/sample"):
                shutil.copytree(
                    os.path.join(REPO, d),
                    os.path.join(clone, d),
                    ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"),
                )
            os.symlink(build_dir(), os.path.join(clone, "build"))
            os.makedirs(home)
            os.makedirs(bin_dir)
            os.symlink(SYSTEM_PYTHON, os.path.join(bin_dir, "python3"))
            env = {
                k: v
                for k, v in os.environ.items()
                if k not in ("THUMBNAIL_LIBRARY", "PYTHONPATH", "LD_LIBRARY_PATH", "VIRTUAL_ENV", "PYTHONHOME")
            }
            env.update(HOME=home, PATH=bin_dir + os.pathsep + env.get("PATH", "/usr/bin:/bin"))
            # Shown only on failure; each command echoed as it runs.
            script = "set -euxo pipefail\n" + "".join(blocks)
            r = subprocess.run(["bash", "-c", script], cwd=clone, env=env, capture_output=True, text=True, timeout=600)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

            # The binding went into the venv, not into Debian's Python.
            venv = os.path.join(home, ".venvs", "thumbnail")
            site = subprocess.run(
                [os.path.join(venv, "bin", "python3"), "-c", "import thumbnail; print(thumbnail.__file__)"],
                cwd=tmp, env=env, capture_output=True, text=True, check=True,
            ).stdout
            self.assertTrue(site.startswith(venv + "/"), site)
            with open(os.path.join(clone, "thumb.webp"), "rb") as f:
                info = thumbnail.probe(f.read())
            self.assertEqual((info.format, info.width, info.height), ("webp", 171, 256))
            # The second block ran the installed library.
            self.assertEqual(r.stdout.splitlines()[-1], "thumbnail %s" % thumbnail.version())


if __name__ == "__main__":
    unittest.main()
