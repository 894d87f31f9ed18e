"""Former home of the event datasets' citations (now in ``catalog.yaml``'s references and
:data:`bilateral.data.catalog.DATASET_KEYS`); kept importable until ``measure/index.py`` imports
``DATASET_KEYS`` from ``bilateral.data.catalog``."""

from bilateral.data.catalog import DATASET_KEYS

__all__ = ["DATASET_KEYS"]
