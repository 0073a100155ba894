"""The profile shows the rules every row obeys (JSON and HTML), none about personal data."""

from __future__ import annotations

import json

import pandas as pd
from palmerpenguins import load_penguins

from syndata.privacy.detect import detect_pii
from syndata.profiling import profile_table


def test_the_penguins_profile_names_the_species_island_rule():
    profile = profile_table(load_penguins(), "penguins")
    rules = profile.to_dict()["invariants"]
    assert {"type": "fixed_combinations", "group": ["species", "island"]}.items() <= {
        **rules[-1],
        "group": list(rules[-1]["group"]),
    }.items()
    page = profile.to_html()
    assert "Rules every row obeys" in page
    assert "species × island: 5 of 9 combinations occur" in page
    json.dumps(profile.to_dict())  # plain data


def test_rules_about_personal_data_are_left_out():
    names = ["Anna Smith", "John Miller", "Maria Garcia", "Peter Jones"] * 25
    frame = pd.DataFrame(
        {
            "full_name": names,
            "first_name": [n.split()[0] for n in names],  # determined by full_name
            "team": ["a", "b"] * 50,
            "score": [(7 * i) % 50 for i in range(100)],
            "bonus": [(7 * i) % 50 + 1 + i % 3 for i in range(100)],
        }
    )
    profile = profile_table(frame, "staff")
    profile.mark_pii(detect_pii(frame).findings)
    personal = {f["column"] for f in profile.pii}
    assert "full_name" in personal
    assert profile.invariants, "score < bonus is still found"
    assert all(not personal & set(i.columns()) for i in profile.invariants)
