"""The bargaining models by name: one interface, many models (``get_model("eum", max_rounds=50)``)."""

from __future__ import annotations

from typing import Any

from bilateral.errors import BilateralError
from bilateral.simulate.base import BargainingModel
from bilateral.simulate.compromise import Compromise
from bilateral.simulate.eum import ExpectedUtility
from bilateral.simulate.nash import Nash
from bilateral.simulate.smp import SpatialModel

MODELS: dict[str, type[BargainingModel]] = {
    "compromise": Compromise,
    "nash": Nash,
    "eum": ExpectedUtility,
    "smp": SpatialModel,
}


def get_model(model: str | BargainingModel, **params: Any) -> BargainingModel:
    """A model instance from its name and parameters, or the instance itself (a clone with
    ``params`` set, when any are given). An unknown name or parameter raises
    :class:`BilateralError` listing the choices."""
    if isinstance(model, BargainingModel):
        return model.clone().set_params(**params) if params else model
    if model not in MODELS:
        raise BilateralError(f"unknown model {model!r} — use one of {', '.join(MODELS)} or all")
    return MODELS[model]().set_params(**params)


def get_models(models: str | list[Any] | tuple[Any, ...]) -> list[BargainingModel]:
    """Instances for ``"all"``, one name, or a list of names/instances."""
    if isinstance(models, str):
        models = list(MODELS) if models == "all" else [models]
    return [get_model(m) for m in models]
