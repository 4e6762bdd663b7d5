"""Parsing response bodies: `orjson` when installed (`pip install 'sendmux[speedups]'`), else the stdlib.

A body orjson refuses is read again by the stdlib, so both accept the same bodies and raise the same errors.  `SENDMUX_JSON=stdlib` keeps the stdlib
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
        _fast = orjson.loads
        _stdlib = json.loads

        def _loads(data: bytes | str) -> Any:
            try:
                return _fast(data)
            except ValueError:
                # orjson refuses some JSON the stdlib reads (integers past 64 bits, NaN, nesting past 1024):
                # the stdlib decides, so both backends accept and refuse the same bodies, with one wording.
                return _stdlib(data)

        loads = _loads
        BACKEND = "orjson"
