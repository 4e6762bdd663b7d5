"""Parsing response bodies: `orjson` when installed (`pip install 'sendmux[speedups]'`), else the stdlib.

Both raise a `ValueError` subclass on a body that is not JSON.  `SENDMUX_JSON=stdlib` keeps the stdlib
even where orjson is installed (to compare the two, or to rule orjson out).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

__all__ = ["loads", "BACKEND"]

loads: Callable[[bytes | str], Any] = json.loads
BACKEND = "json"

if os.environ.get("SENDMUX_JSON", "").strip().lower() != "stdlib":
    try:
        import orjson
    except ImportError:
        pass
    else:
        loads = orjson.loads
        BACKEND = "orjson"
