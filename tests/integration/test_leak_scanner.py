"""No real value leaves: fit, sample, profile and serve a table with known personal data on
a real `syndata serve`, then search every file under SYNDATA_HOME (but the uploaded real
table itself), every API response, the server's log and the CLI's output for any of the
known values. It must find none.

The known values are made to be findable: surnames no name list holds, so that a hit is a
leak and not a coincidence of Faker's output; names repeat often enough (30 to 60 times)
to look like categories; rare categories (seen once or twice) of an ordinary column stand
beside frequent ones, which must keep being learned.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from serve_process import ADMIN, Server, cli, service_env, wait_job

FIRST = [
    "Maria",
    "James",
    "Anna",
    "Peter",
    "Laura",
    "David",
    "Sofia",
    "Thomas",
    "Emma",
    "Lucas",
    "Julia",
    "Henrik",
    "Clara",
    "Oskar",
    "Nora",
    "Felix",
    "Ida",
    "Viktor",
    "Elena",
    "Jonas",
]
LAST = [
    "Qvistbergh",
    "Zornadel",
    "Brakowitz",
    "Ellingsrud",
    "Tamvakis",
    "Oyelaran",
    "Gruszecki",
    "Vantongeren",
    "Marchetto",
    "Kowalczuk",
]
RARE_CITIES = ["Quillonby", "Farthmoor", "Ostvalla", "Pemberwick", "Drennahy"]
FREQUENT_CITIES = ["Springfield", "Riverton", "Lakeside", "Fairview"]


def _people(rows: int = 1200, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    names = [f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}" for i in range(30)]
    chosen = rng.integers(len(names), size=rows)
    phones = [
        f"+1-{rng.integers(200, 999)}-{rng.integers(200, 999)}-{rng.integers(1000, 9999)}"
        for _ in range(rows)
    ]
    emails = [
        f"{names[c].split()[0].lower()}.{names[c].split()[1].lower()}{i}@mailbox.test"
        for i, c in enumerate(chosen)
    ]
    ssns = [
        f"{rng.integers(100, 665)}-{rng.integers(10, 99)}-{rng.integers(1000, 9999)}"
        for _ in range(rows)
    ]
    notes = [
        f"Spoke with {names[c]} on the phone, call back at {p} about the refund"
        for c, p in zip(chosen, phones, strict=True)
    ]
    cities = list(rng.choice(FREQUENT_CITIES, size=rows))
    for i, city in enumerate(RARE_CITIES):  # seen once or twice: rare under any k >= 3
        cities[i] = city
        if i % 2:
            cities[rows - 1 - i] = city
    return pd.DataFrame(
        {
            "customer": [names[c] for c in chosen],
            "contact": emails,
            "tel": phones,
            "ssn": ssns,
            "notes": notes,
            "city": cities,
            "segment": rng.choice(["retail", "business", "vip"], size=rows, p=[0.6, 0.3, 0.1]),
            "amount": np.round(rng.lognormal(4, 0.6, rows), 2),
            "age": rng.integers(18, 90, size=rows),
        }
    )


def _known(frame: pd.DataFrame) -> set[str]:
    """Every value that must not leave: personal data, and the rare cities."""
    values = {
        *frame["customer"],
        *frame["contact"],
        *frame["tel"],
        *frame["ssn"],
        *frame["notes"],
        *LAST,
        *RARE_CITIES,
    }
    values |= {t.replace("-", "") for t in frame["tel"]} | {
        s.replace("-", "") for s in frame["ssn"]
    }
    return {v for v in values if len(v) >= 6}


def _hits(known: set[str], where: str, data: bytes, found: dict[str, set[str]]) -> None:
    variants = [data]
    if b"\x00" in data:  # UTF-16/32 text inside binary files (pickles, SQLite pages)
        variants.append(data.replace(b"\x00", b""))
    for value in known:
        encoded = value.encode("utf-8")
        if any(encoded in v for v in variants):
            found.setdefault(where, set()).add(value)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict, Path]]:
    base = tmp_path_factory.mktemp("leaks")
    monkeypatch = pytest.MonkeyPatch()
    env = service_env(base, monkeypatch)
    env.pop("SYNDATA_MASKING_SECRET", None)  # a fresh install: the secret is generated
    env.pop("SYNDATA_ENCRYPTION_KEY", None)
    frame = _people()
    csv = base / "people.csv"
    frame.to_csv(csv, index=False)
    server = Server(env, workers=1).start()
    yield server, env, csv
    server.stop()
    monkeypatch.undo()


def test_nothing_a_fit_sample_and_profile_write_or_answer_holds_a_real_value(served) -> None:
    server, env, csv = served
    frame = pd.read_csv(csv, dtype=str)
    known = _known(frame)
    answers: list[tuple[str, bytes]] = []

    def keep(label: str, response) -> dict:
        assert response.status_code < 400, (label, response.text[:500])
        answers.append((label, response.content))
        return response.json() if "json" in response.headers.get("content-type", "") else {}

    with server.client(ADMIN) as http, open(csv, "rb") as handle:
        dataset = keep(
            "upload", http.post("/datasets", files={"file": ("people.csv", handle, "text/csv")})
        )["dataset_id"]
        fit = keep(
            "fit",
            http.post(
                "/models/people/fit",
                json={"dataset": dataset, "pii": "regenerate", "attacks": False},
            ),
        )
        fitted = wait_job(http, fit["job_id"])
        assert fitted["status"] == "completed", fitted.get("error")
        profiled = keep(
            "profile",
            http.post("/jobs", json={"job_type": "profile", "config": {"dataset": dataset}}),
        )
        assert wait_job(http, profiled["job_id"])["status"] == "completed"
        sample = keep("sample", http.post("/models/people/sample", json={"rows": 3000, "seed": 5}))
        sampled = wait_job(http, sample["job_id"])
        assert sampled["status"] == "completed", sampled.get("error")
        for job in (fit["job_id"], profiled["job_id"], sample["job_id"]):
            keep(f"job {job}", http.get(f"/jobs/{job}"))
            keep(f"logs {job}", http.get(f"/jobs/{job}/logs"))
        bundle = http.get(f"/jobs/{sample['job_id']}/result")
        answers.append(("result zip", bundle.content))
        result = http.get(
            f"/jobs/{sample['job_id']}/result", params={"table": "people", "format": "csv"}
        )
        answers.append(("result csv", result.content))
        profile_result = http.get(f"/jobs/{profiled['job_id']}/result")
        answers.append(("profile result", profile_result.content))
        for path in (
            "/jobs",
            "/models",
            "/models/people",
            "/datasets",
            f"/datasets/{dataset}",
            "/stats",
            "/metrics",
        ):
            response = http.get(path)
            answers.append((path, response.content))
    cli_out = cli("profile", "--data", str(csv), "--output", str(csv.parent / "p.html"), env=env)
    assert cli_out.returncode == 0, cli_out.stderr
    answers.append(("cli profile", (cli_out.stdout + cli_out.stderr).encode()))

    found: dict[str, set[str]] = {}
    home = Path(env["SYNDATA_HOME"])
    scanned = 0
    uploaded: dict[str, set[str]] = {}
    for root, _, files in os.walk(home):
        for name in files:
            path = Path(root) / name
            if Path(root).is_relative_to(home / "uploads"):  # the real table uploaded
                _hits(known, name, path.read_bytes(), uploaded)
                continue
            _hits(known, str(path.relative_to(home)), path.read_bytes(), found)
            scanned += 1
    assert uploaded, "the scan finds the values where they are: in the upload"
    for label, content in answers:
        _hits(known, label, content, found)
        if content[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                for member in archive.namelist():
                    _hits(known, f"{label}:{member}", archive.read(member), found)
    for log in [server.log, csv.parent / "p.html"]:
        _hits(known, log.name, log.read_bytes(), found)
    print(
        f"searched {scanned} files, {len(answers)} answers and 2 logs for "
        f"{len(known)} known values: {sum(map(len, found.values()))} found"
    )
    assert scanned > 10  # the model, MLflow's files, the store, the audit log ...
    assert found == {}, json.dumps({k: sorted(v)[:5] for k, v in found.items()}, indent=1)

    # what must still be learned is learned: frequent categories, the columns' shapes
    synthetic = pd.read_csv(io.BytesIO(result.content), dtype=str)
    assert set(synthetic["segment"]) == {"retail", "business", "vip"}
    assert set(synthetic["city"]) == set(FREQUENT_CITIES)
    assert synthetic["customer"].notna().all() and synthetic["notes"].notna().all()
    assert (home / "secrets" / "masking.key").stat().st_mode & 0o777 == 0o600
