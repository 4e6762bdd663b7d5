"""`make demo` runs examples/quickstart.py; so does this test, as a user would (a fresh process)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "quickstart.py"


def test_quickstart_runs_and_shows_each_flow() -> None:
    # The walkthrough must not depend on the caller's Sendmux settings (or reach a real API with them).
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENDMUX_")}
    proc = subprocess.run(
        [sys.executable, str(EXAMPLE)], capture_output=True, text=True, timeout=60, env=env, cwd=ROOT
    )
    out = proc.stdout
    assert proc.returncode == 0, f"exit {proc.returncode}\n{out}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr

    expected = [
        # 1. create a domain and verify it
        r"created mail\.example\.com \(mdom_\w+\): verification_status=pending",
        r"verify -> status=verified",
        # 2. sending accounts across pages
        r"page 1: Relay 1, Relay 2, Relay 3  \(has_more=True, request_id=req_\w+\)",
        r"page 3: Relay 7  \(has_more=False",
        r"fetched every page lazily: 7 accounts",
        # 3. webhook and its rotated secret
        r"created webhook whk_\w+ for message\.delivered, message\.bounced",
        r"rotated: new secret whsec_",
        # 4. a 304 from the ETag cache, visible in the raw response and the DEBUG log line
        r"first GET:  HTTP 200, ETag W/\"[^\"]+\", from_cache=False",
        r"GET /domains/mdom_\w+ -> 304 request_id=req_\w+ attempt=1",
        r"second GET: HTTP 304, from_cache=True -> mail\.example\.com",
        # 5. an error with its request id
        r"NotFoundError: status=404 code=not_found",
        r"request_id=req_\w+  <- quote this",
        # 6. a retried 503, logged at INFO
        r"INFO sendmux: retrying GET /providers in 0\.20 s \(attempt 2 of 3\) after 503 service_unavailable",
        r"succeeded after the retry: 3 accounts",
    ]
    missing = [pattern for pattern in expected if not re.search(pattern, out)]
    assert not missing, f"missing from the output: {missing}\n{out}"
    # The sections come in order.
    positions = [out.index(f"== {n}.") for n in range(1, 7)]
    assert positions == sorted(positions)
    # Secrets are shown masked, never whole.
    assert not re.search(r"whsec_[0-9A-Za-z]{8,}", out)
