"""The snapshot: every source's tidy rows in one validated, provenance-tracked table.

``build`` turns raw files into ``observations.parquet`` + ``datapackage.json``;
``load`` reads them back (nothing is read at import time).
"""

from dashboard.snapshot.io import DEFAULT_DIR, load, load_package

__all__ = ["DEFAULT_DIR", "load", "load_package"]
