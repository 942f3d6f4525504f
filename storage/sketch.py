"""datasketch, imported without the scipy.integrate it does not need here.

datasketch's LSH modules import ``scipy.integrate.quad`` at import time, only to choose band
parameters when none are given; medradar always gives them. scipy.integrate costs every crawl
process about 45 MB of memory and 0.3 s of start-up. While datasketch is imported, a stand-in
module offers a ``quad`` that imports the real one on first call; the stand-in is removed
right after, so any later ``import scipy.integrate`` gets the real module.
"""

from __future__ import annotations

import sys
import types
from typing import Any


def _quad(*args: Any, **kwargs: Any) -> Any:
    from scipy.integrate import quad

    return quad(*args, **kwargs)


def _import() -> None:
    if "datasketch" in sys.modules or "scipy.integrate" in sys.modules:
        return
    stand_in = types.ModuleType("scipy.integrate")
    stand_in.quad = _quad  # type: ignore[attr-defined]
    sys.modules["scipy.integrate"] = stand_in
    try:
        import datasketch  # noqa: F401
    finally:
        if sys.modules.get("scipy.integrate") is stand_in:
            del sys.modules["scipy.integrate"]


_import()

from datasketch import MinHash, MinHashLSH  # noqa: E402
from datasketch.storage import OrderedStorage, UnorderedStorage  # noqa: E402

__all__ = ["MinHash", "MinHashLSH", "OrderedStorage", "UnorderedStorage"]
