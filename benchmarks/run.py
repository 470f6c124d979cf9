"""Run every benchmark script of this folder in turn (``make bench``).

Each ``bench_*.py`` is a standalone script that measures against a baseline in the same process
and prints ratios; this runner only calls them one after the other with their default settings,
so the machine is not shared between two benchmarks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    """Run each benchmark; return non-zero when one of them fails to run."""
    status = 0
    for script in sorted(Path(__file__).parent.glob("bench_*.py")):
        print(f"=== {script.name}", flush=True)
        status |= subprocess.run([sys.executable, str(script)], check=False).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
