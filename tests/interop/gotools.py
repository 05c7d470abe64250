"""Build and run the Go side of the interop tests: tests/interop/go, against Go's x/mod sumdb.

The program (package `jejakinterop`, GOPATH layout under go/src) is built in GOPATH mode
(GO111MODULE=off) with Debian's golang-golang-x-mod-dev sources from /usr/share/gocode,
since no Go module proxy is reachable. It is built once per source hash: the hash
covers `go version`, every file under go/ and the x/mod note and tlog sources it
compiles against, so an edit to either rebuilds and nothing else does. The binary lives
outside the repository, in ~/.cache/jejak/go/<hash>/jejakinterop (JEJAK_GO_CACHE moves
it), and is built under an exclusive lock on the cache's .lock file into a temporary
directory renamed into place, so two pytest-xdist workers never race or run a half-written
binary. Go's own build cache goes to the same folder (go-build/).

A missing `go` or missing x/mod sources is an error naming the Debian packages, never a
skip: CI installs them (.ci/run).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

GO_DIR = Path(__file__).resolve().parent / "go"
PACKAGE = "jejakinterop"
SYSTEM_GOPATH = "/usr/share/gocode"  # where Debian's golang-*-dev packages put their sources
XMOD = Path("src/golang.org/x/mod/sumdb")
APT_PACKAGES = "golang-go golang-golang-x-mod-dev"
INSTALL_HINT = f"install Go and the x/mod sources with `apt-get install -y {APT_PACKAGES}` (.ci/run does this in CI)"


class GoUnavailable(RuntimeError):
    """Go or the x/mod sources are not installed, or the program does not build."""


def cache_root() -> Path:
    if os.environ.get("JEJAK_GO_CACHE"):
        return Path(os.environ["JEJAK_GO_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jejak" / "go"


def _gopath() -> list[str]:
    extra = [p for p in os.environ.get("GOPATH", "").split(os.pathsep) if p]
    return [str(GO_DIR), SYSTEM_GOPATH, *extra]


def _xmod_dir(gopath: list[str]) -> Path:
    for entry in gopath[1:]:
        if (Path(entry) / XMOD / "note" / "note.go").is_file() and (Path(entry) / XMOD / "tlog" / "tlog.go").is_file():
            return Path(entry) / XMOD
    raise GoUnavailable(f"Go's golang.org/x/mod/sumdb sources are not in {SYSTEM_GOPATH} (Debian's "
                        f"golang-golang-x-mod-dev): the interop tests need Go and those sources; {INSTALL_HINT}")


def _go() -> str:
    go = shutil.which("go")
    if go is None:
        raise GoUnavailable(f"`go` is not on PATH: the interop tests build a Go program against "
                            f"golang.org/x/mod/sumdb; {INSTALL_HINT}")
    return go


def source_hash(go: str, xmod: Path) -> str:
    """Hash of the Go toolchain version, the program's sources and the x/mod sources it uses."""
    version = subprocess.run([go, "version"], capture_output=True, text=True, check=True).stdout
    digest = hashlib.sha256(version.encode())
    files = [(f"go/{p.relative_to(GO_DIR)}", p) for p in GO_DIR.rglob("*") if p.is_file()]
    files += [(f"x/mod/{p.relative_to(xmod)}", p) for pkg in ("note", "tlog") for p in (xmod / pkg).glob("*.go")
              if not p.name.endswith("_test.go")]
    for name, path in sorted(files):
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:20]


def _env(root: Path, gopath: list[str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(GO111MODULE="off", GOPATH=os.pathsep.join(gopath), GOCACHE=str(root / "go-build"),
               GOFLAGS="", GOTOOLCHAIN="local")
    return env


@functools.lru_cache(maxsize=None)
def binary() -> Path:
    """The built program, building it first when this source hash has no binary in the cache."""
    go = _go()
    gopath = _gopath()
    digest = source_hash(go, _xmod_dir(gopath))
    root = cache_root()
    target = root / digest / PACKAGE
    if target.is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be building the same hash: wait for it
        if target.is_file():
            return target
        work = Path(tempfile.mkdtemp(prefix=f".{digest}-", dir=root))
        try:
            build = subprocess.run([go, "build", "-o", str(work / PACKAGE), PACKAGE],
                                   cwd=GO_DIR, env=_env(root, gopath), capture_output=True, text=True)
            if build.returncode != 0:
                raise GoUnavailable(f"`go build {PACKAGE}` failed (GOPATH mode, GOPATH={':'.join(gopath)}):\n"
                                    f"{build.stderr.strip()}")
            shutil.rmtree(root / digest, ignore_errors=True)  # what a build killed mid-rename left
            os.rename(work, root / digest)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return target


def run(*args: str, input: str | bytes = b"", check: bool = False) -> subprocess.CompletedProcess:
    """Run a subcommand; stdout and stderr come back as text."""
    data = input.encode() if isinstance(input, str) else input
    done = subprocess.run([str(binary()), *args], input=data, capture_output=True, timeout=300)
    result = subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())
    if check and result.returncode != 0:
        raise AssertionError(f"jejakinterop {args[0]} exited {result.returncode}: {result.stderr.strip()}")
    return result


def run_json(*args: str, input: Any) -> Any:
    """Run a subcommand that must succeed with `input` sent as JSON; its stdout parsed as JSON."""
    return json.loads(run(*args, input=json.dumps(input), check=True).stdout)
