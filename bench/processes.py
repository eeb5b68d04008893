"""What the memory benchmarks share: a measurement in a fresh Python process, and the peak and
resident memory the kernel reports for a process."""

import json
import re
import subprocess
import sys
from pathlib import Path

from bench import generate


def status(text: str | None = None) -> dict[str, int]:
    """VmHWM and VmRSS in kB, from /proc/<pid>/status (this process's when `text` is None)."""
    if text is None:
        text = Path("/proc/self/status").read_text()
    return {
        key: int(value)
        for key, value in re.findall(r"^(VmHWM|VmRSS):\s+(\d+) kB", text, flags=re.MULTILINE)
    }


def run_child(module: str, arguments: list[str], timeout: int) -> dict:
    """`python -m <module> --child ARGS` in a fresh process; its last line of output is JSON."""
    run = subprocess.run(
        [sys.executable, "-m", module, "--child", *arguments],
        cwd=generate.PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = run.stdout.strip().splitlines()
    if run.returncode or not lines:
        tail = (run.stderr.strip().splitlines() or ["no output"])[-1]
        return {"failed": f"exit status {run.returncode}: {tail[:300]}"}
    return json.loads(lines[-1])
