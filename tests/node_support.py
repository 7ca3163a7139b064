"""Running the JavaScript core under Node from a Python test: one JSON in, one JSON out."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def node_json(arguments: list[str], payload: Any, timeout: float = 120) -> Any:
    """``node ARGUMENTS`` with ``payload`` as JSON on standard input; its JSON answer."""
    done = subprocess.run(
        ["node", *arguments],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
