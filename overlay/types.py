"""Every model and enum of the API, and the request types arguments take, public (like `openai.types`).

`from sendmux.types import ProviderItem` (a model), `from sendmux.types import FilterRuleParam` (the
TypedDict of a request object's JSON shape; arguments take it or the model). Names load on first use, so
importing this module stays as cheap as `import sendmux`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._generated import models as _models
from ._generated import params as _params

if TYPE_CHECKING:
    from ._generated.models import *  # noqa: F403
    from ._generated.params import *  # noqa: F403

__all__: list[str] = []
__all__ += _models.__all__
__all__ += _params.__all__


def __getattr__(name: str) -> Any:
    for package in (_models, _params):
        if name in package._MODULES:
            value = getattr(package, name)
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
