"""Build step of the intdim package: compiles the engine (the Go module one
directory up) into intdim/libintdim.so with

    go build -buildmode=c-shared -o intdim/libintdim.so ./cmd/libintdim

so that 'python3 -m pip install --no-build-isolation ./python' works offline
on a machine with Go (GOFLAGS=-mod=mod is not needed: the module's
dependencies must be in the Go module cache or vendored). INTDIM_GO_SRC
names another checkout of the Go module; GO names the go command. The wheel
is platform-specific (it holds a native library), hence the binary
distribution below.
"""

import os
import shutil
import subprocess
import sys

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
LIBNAME = {"darwin": "libintdim.dylib", "win32": "libintdim.dll"}.get(sys.platform, "libintdim.so")


class BuildWithGo(build_py):
    def run(self):
        super().run()
        src = os.environ.get("INTDIM_GO_SRC") or os.path.dirname(HERE)
        if not os.path.exists(os.path.join(src, "go.mod")):
            raise SystemExit(f"intdim: no Go module at {src} (set INTDIM_GO_SRC to a checkout of intdim)")
        go = os.environ.get("GO") or shutil.which("go") or "/usr/local/go/bin/go"
        out = os.path.join(os.path.abspath(self.build_lib), "intdim", LIBNAME)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        env = dict(os.environ, CGO_ENABLED="1")
        cmd = [go, "build", "-buildmode=c-shared", "-o", out, "./cmd/libintdim"]
        print("intdim: " + " ".join(cmd), flush=True)
        try:
            subprocess.run(cmd, cwd=src, env=env, check=True)
        except (OSError, subprocess.CalledProcessError) as e:
            raise SystemExit(f"intdim: building the engine failed ({e}); Go ≥ 1.26 and a C compiler are needed")
        header = os.path.splitext(out)[0] + ".h"
        if os.path.exists(header):
            os.remove(header)


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithGo}, distclass=BinaryDistribution)
