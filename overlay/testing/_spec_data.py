"""Static facts about every operation of every surface: rendered by `make generate` from the pinned specs.

The table lives in the generated layer (`generated/spec_data.py`, covered by `make check-generated`);
the fake imports it from here, relatively, so it works under any package name.
"""

from __future__ import annotations

from .._generated.spec_data import OPERATIONS

__all__ = ["OPERATIONS"]
