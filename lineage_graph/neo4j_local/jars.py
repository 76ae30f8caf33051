"""Neo4j's jars from Maven Central, resolved once into a per-user cache outside any repository.

We ship a pom (``pom.xml`` next to this file) instead of a tarball: Maven does the downloading, checksum
checks, mirrors and proxies (``~/.m2/settings.xml``), and the jars land in
``${LINEAGE_GRAPH_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/lineage-graph}/neo4j/<version>/lib``.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from lineage_graph.errors import ConfigurationError, LineageGraphError

DEFAULT_NEO4J_VERSION = "5.26.30"
# Neo4j Browser, optional: the newest on Maven Central (a static web app the HTTP server serves from the
# classpath at /browser/). Pinned with its digest and size, so a jar that changed upstream or was cut short
# is refused rather than served.
BROWSER_ARTIFACT = "org.neo4j.client:neo4j-browser:5.24.0"
BROWSER_SHA256 = "064b3291c4236002c9ea04c89592ebebc80fe1f790eda36642599c9a1ee80bb8"
BROWSER_SIZE = 14_940_864
# The dependency plugin run for the Browser jar, as the pom pins it for the Neo4j jars.
_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
# Marks a lib dir whose copy finished: a half-copied one (Ctrl-C, full disk) is never used.
_COMPLETE_MARKER = ".lineage-graph-complete"
_VERSION_RE = re.compile(r"^[0-9][0-9A-Za-z.\-]*$")

Notify = Callable[[str], None]


def to_stderr(message: str) -> None:
    """The default progress sink: stdout stays clean for the command's real output."""
    print(message, file=sys.stderr, flush=True)


def cache_root() -> Path:
    """``$LINEAGE_GRAPH_CACHE_DIR``, else ``${XDG_CACHE_HOME:-~/.cache}/lineage-graph``."""
    override = os.environ.get("LINEAGE_GRAPH_CACHE_DIR")
    if override:
        return Path(override).expanduser().resolve()
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return (Path(xdg).expanduser() / "lineage-graph").resolve()


def validate_version(version: str) -> str:
    """The version ends up in a Maven -D argument and a path, so only plain version strings pass."""
    if not _VERSION_RE.match(version):
        raise ConfigurationError(f"invalid Neo4j version {version!r} (expected e.g. {DEFAULT_NEO4J_VERSION})")
    return version


def jar_dir(version: str = DEFAULT_NEO4J_VERSION) -> Path:
    """Where the jars of ``version`` live once resolved."""
    return cache_root() / "neo4j" / validate_version(version) / "lib"


def jars_present(version: str = DEFAULT_NEO4J_VERSION) -> bool:
    lib = jar_dir(version)
    return (lib / _COMPLETE_MARKER).is_file()


def find_java() -> str:
    """``$JAVA_HOME/bin/java`` if set, else ``java`` on PATH; Neo4j 5.26 needs Java 17 or 21."""
    java_home = os.environ.get("JAVA_HOME")
    candidates = [str(Path(java_home) / "bin" / "java")] if java_home else []
    candidates.append(shutil.which("java") or "")
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise ConfigurationError(
        "Java 17 or 21 is needed to run Neo4j but `java` was not found on PATH (or in $JAVA_HOME); "
        "install e.g. openjdk-17-jre-headless"
    )


def java_major_version(java: str) -> int:
    """Parses ``java -version`` (stderr), e.g. ``openjdk version "17.0.15"`` -> 17, ``"1.8.0_392"`` -> 8."""
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        raise ConfigurationError(f"could not read the Java version from `{java} -version`")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def check_java(java: str, neo4j_version: str) -> None:
    """Fails early with one line instead of a JVM UnsupportedClassVersionError stack trace."""
    needed = 21 if not neo4j_version.startswith(("4.", "5.")) else 17
    major = java_major_version(java)
    if major < needed:
        raise ConfigurationError(
            f"Neo4j {neo4j_version} needs Java {needed} or newer but {java} is Java {major}; "
            "install a newer JDK or point JAVA_HOME at one"
        )


def find_maven() -> str:
    mvn = shutil.which("mvn")
    if not mvn:
        raise ConfigurationError(
            "Maven (`mvn`) is needed once to download Neo4j's jars from Maven Central but was not found on PATH; "
            "install it (e.g. apt-get install maven)"
        )
    return mvn


@contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    """Two concurrent first starts (parallel CI jobs, a test run and a demo) download only once."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _maven_error(log_text: str) -> str:
    """The first informative ``[ERROR]`` line of a Maven run: that is what says which artifact or host failed."""
    for line in log_text.splitlines():
        text = line.removeprefix("[ERROR]").strip()
        if line.startswith("[ERROR]") and text and not text.startswith(("->", "Re-run", "To see", "For more")):
            return text.removesuffix("-> [Help 1]").strip()
    lines = [line for line in log_text.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def ensure_jars(version: str = DEFAULT_NEO4J_VERSION, notify: Notify = to_stderr) -> Path:
    """Returns the lib dir of ``version``, running Maven first if the jars are not cached yet."""
    lib = jar_dir(version)
    if jars_present(version):
        return lib
    version_dir = lib.parent
    with _locked(version_dir / ".lock"):
        if jars_present(version):  # another process finished while we waited for the lock
            return lib
        mvn = find_maven()
        find_java()  # Maven itself runs on Java: say so clearly rather than through mvn's shell script
        notify(f"downloading Neo4j {version} jars from Maven Central (once, ~120 MB)...")
        pom = version_dir / "pom.xml"
        # A copy outside site-packages: Maven may write next to the pom, and site-packages may be read-only.
        pom.write_bytes(resources.files("lineage_graph.neo4j_local").joinpath("pom.xml").read_bytes())
        staging = version_dir / f"lib.partial-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        log_file = version_dir / "maven.log"
        command = [
            mvn,
            "-B",
            "--no-transfer-progress",
            "-f",
            str(pom),
            "dependency:copy-dependencies",
            f"-Dneo4j.version={version}",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={staging}",
        ]
        started = time.monotonic()
        with log_file.open("w") as log:
            result = subprocess.run(command, cwd=version_dir, stdout=log, stderr=subprocess.STDOUT, check=False)
        if result.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise LineageGraphError(
                f"Maven could not resolve Neo4j {version}: {_maven_error(log_file.read_text(errors='replace'))} "
                f"(full output: {log_file})"
            )
        if not any(staging.glob("neo4j-*.jar")):
            raise LineageGraphError(f"Maven resolved no Neo4j jars into {staging} (full output: {log_file})")
        (staging / _COMPLETE_MARKER).write_text(f"resolved in {time.monotonic() - started:.0f} s\n")
        shutil.rmtree(lib, ignore_errors=True)
        staging.rename(lib)
    return lib


def browser_jar() -> Path:
    """Where the Neo4j Browser jar lives once fetched: beside, not inside, the Neo4j lib dirs it serves for."""
    _, artifact_id, version = BROWSER_ARTIFACT.split(":")
    return cache_root() / "neo4j-browser" / version / f"{artifact_id}-{version}.jar"


def _browser_jar_ok(jar: Path) -> bool:
    """Size first (cheap), then SHA-256: 15 MB hash in well under a second, so every start re-checks."""
    try:
        if jar.stat().st_size != BROWSER_SIZE:
            return False
    except OSError:
        return False
    digest = hashlib.sha256()
    with jar.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest() == BROWSER_SHA256


def ensure_browser_jar(notify: Notify = to_stderr) -> Path:
    """Returns the verified Neo4j Browser jar, fetching it with Maven (strict checksums) on first use."""
    jar = browser_jar()
    if _browser_jar_ok(jar):
        return jar
    with _locked(jar.parent / ".lock"):
        if _browser_jar_ok(jar):
            return jar
        mvn = find_maven()
        find_java()
        notify(f"downloading Neo4j Browser ({BROWSER_ARTIFACT}) from Maven Central (once, ~15 MB)...")
        staging = jar.parent / f"partial-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        log_file = jar.parent / "maven.log"
        command = [
            mvn,
            "-B",
            "--no-transfer-progress",
            "--strict-checksums",  # Maven's own check against the repository's .sha1, before ours
            f"{_DEPENDENCY_PLUGIN}:copy",
            f"-Dartifact={BROWSER_ARTIFACT}",
            f"-DoutputDirectory={staging}",
        ]
        # cwd has no pom.xml: Maven runs the goal on its stub project.
        with log_file.open("w") as log:
            result = subprocess.run(command, cwd=jar.parent, stdout=log, stderr=subprocess.STDOUT, check=False)
        fetched = staging / jar.name
        try:
            if result.returncode != 0:
                raise LineageGraphError(
                    f"Maven could not fetch {BROWSER_ARTIFACT}: {_maven_error(log_file.read_text(errors='replace'))} "
                    f"(full output: {log_file})"
                )
            if not _browser_jar_ok(fetched):
                raise LineageGraphError(
                    f"{BROWSER_ARTIFACT} from Maven does not match the pinned size and SHA-256 "
                    f"({BROWSER_SIZE} bytes, {BROWSER_SHA256}); refusing to serve it"
                )
            fetched.replace(jar)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return jar
