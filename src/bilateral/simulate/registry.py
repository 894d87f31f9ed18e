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
    """A model instance from its name and parameters.

    Parameters
    ----------
    model
        A name of `MODELS` (``compromise``, ``nash``, ``eum``, ``smp``) or a model instance.
    **params
        The model's parameters (its constructor's keywords).

    Returns
    -------
    BargainingModel
        A new instance; for an instance given, itself, or a clone with ``params`` set when any
        are given.

    Raises
    ------
    BilateralError
        For an unknown name or parameter, listing the choices.

    Examples
    --------
    >>> simulate.get_model("eum", max_rounds=50).solve(simulate.load_stakeholders("russia-japan")).trace
    """
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
