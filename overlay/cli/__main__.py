"""`python -m sendmux.cli`: the same as the `sendmux` console script."""

from __future__ import annotations

import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
