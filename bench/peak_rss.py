"""Run a command and write its wall time and its own peak RSS to a JSON file; exit with its exit code.

The bench cannot read a sync's peak memory from ``wait4`` itself: Linux records the old address space's
high-water mark at ``exec``, and a child spawned with vfork (as subprocess does) execs from its parent's,
so the child's ``ru_maxrss`` is at least the parent's RSS at that moment. By the incremental sync at 1M
entities the bench holds a few hundred MB (the account's trial components it changed) and reported that
as the sync's peak. This process is started fresh, with only the standard library, and spawns the sync
from its own few MB.

Usage: python -S bench/peak_rss.py OUT.json COMMAND [ARG...]
"""

import json
import os
import sys
import time


def main() -> int:
    out, argv = sys.argv[1], sys.argv[2:]
    started = time.monotonic()
    pid = os.posix_spawnp(argv[0], argv, os.environ)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.monotonic() - started
    with open(out, "w") as f:
        json.dump({"seconds": seconds, "peak_rss_kb": usage.ru_maxrss}, f)
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code  # killed by a signal: the shell's convention


if __name__ == "__main__":
    sys.exit(main())
