"""Tests of the vectorised regex value generator."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndata.errors import RegexNotGeneratable
from syndata.rules import regex_gen
from syndata.rules.regex_gen import RegexGenerator, compile_regex

EMAIL = r"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$"

# pattern, whether 10,000 values must not all be equal
PATTERNS = [
    (r"\(\d{3}\) \d{3}-\d{4}", True),
    (EMAIL, True),
    (r"[A-Z]{2}\d{6}", True),
    (r"(foo|bar|baz)-\d+", True),
    (r"[^aeiou\s]{5}", True),
    (r"x?y*z+", True),
    (r"(?:ab){2,3}c", True),
    (r"(?P<p>[0-9a-f]{8})-[0-9a-f]{4}", True),
    (r".{3,10}", True),
    (r"\w+@\w+\.com", True),
    (r"^ACC-[0-9]{6}$", True),
    (r"\AINV\d{5}\Z", True),
    (r"[A-Z]{3}-\d{4}", True),
    (r"\D\W\S\s", True),
    (r"[\d\s_]{4}", True),
    (r"[^\d]{3}[^a-z\W]{3}", True),
    (r"(?i)[^a-z]{4}", True),
    (r"(?i)hello-[^k]{3}", True),
    (r"(?a)\w{5}", True),
    (r"[α-ω]{3}[^\x00-\x7f]", True),
    (r"(a|bc|)+d", True),
    (r"(?:(?:x|yy){1,3}-){2}", True),
    (r"a{2,5}?b*?c??d++(?>e|f)", True),
    (r"(?x) [0-9]{3}  # area code\n - [0-9]{4}", True),
    (r"\bfoo\b-\w+", True),
    (r"^\w+\b\.\B\.$", True),
    (r"\d{0}x", False),
    (r"literal only", False),
    (r"^$", False),
    (r"", False),
]


def _mismatches(pattern: str, values: np.ndarray) -> list[str]:
    rx = re.compile(pattern)
    return [v for v in values.tolist() if rx.fullmatch(v) is None]


@pytest.mark.parametrize(("pattern", "varied"), PATTERNS)
def test_every_value_fully_matches(pattern: str, varied: bool) -> None:
    values = compile_regex(pattern).generate(10_000, np.random.default_rng(7))
    assert values.shape == (10_000,)
    assert values.dtype.kind == "U"
    assert _mismatches(pattern, values) == []
    assert (len(set(values.tolist())) > 1) is varied


@pytest.mark.parametrize("pattern", [p for p, _ in PATTERNS])
def test_same_seed_same_values(pattern: str) -> None:
    gen = compile_regex(pattern)
    first = gen.generate(2_000, np.random.default_rng(42))
    again = gen.generate(2_000, np.random.default_rng(42))
    assert first.dtype == again.dtype
    assert np.array_equal(first, again)


def test_different_seeds_differ() -> None:
    gen = compile_regex(r"[A-Z]{2}\d{6}")
    a = gen.generate(100, np.random.default_rng(1))
    b = gen.generate(100, np.random.default_rng(2))
    assert not np.array_equal(a, b)


def test_returns_regex_generator_with_pattern() -> None:
    gen = compile_regex(EMAIL)
    assert isinstance(gen, RegexGenerator)
    assert gen.pattern == EMAIL
    assert gen.min_length == 6


def test_dtype_is_fixed_width_little_endian_unicode() -> None:
    values = compile_regex(r"[A-Z]{3}-\d{4}").generate(5, np.random.default_rng(0))
    assert values.dtype == np.dtype("<U8")
    assert all(len(v) == 8 for v in values.tolist())


def test_no_embedded_nul_characters() -> None:
    values = compile_regex(r"(a|bb|)[xy]?-(c|)+").generate(5_000, np.random.default_rng(3))
    assert not any("\x00" in v for v in values.tolist())
    assert _mismatches(r"(a|bb|)[xy]?-(c|)+", values) == []


def test_zero_rows() -> None:
    values = compile_regex(r"\d{3}").generate(0, np.random.default_rng(0))
    assert values.shape == (0,)
    assert values.dtype.kind == "U"


def test_negative_rows_rejected() -> None:
    with pytest.raises(ValueError, match="n must be >= 0"):
        compile_regex("a").generate(-1, np.random.default_rng(0))


def test_alternation_is_uniform_over_branches() -> None:
    values = compile_regex(r"(foo|barbaz|q)").generate(30_000, np.random.default_rng(5))
    counts = Counter(values.tolist())
    assert set(counts) == {"foo", "barbaz", "q"}
    for count in counts.values():
        assert abs(count / 30_000 - 1 / 3) < 0.02


def test_repeat_lengths_cover_the_range_uniformly() -> None:
    values = compile_regex(r".{3,10}").generate(40_000, np.random.default_rng(6))
    lengths = Counter(len(v) for v in values.tolist())
    assert set(lengths) == set(range(3, 11))
    for count in lengths.values():
        assert abs(count / 40_000 - 1 / 8) < 0.02


def test_dot_draws_printable_ascii_without_newline() -> None:
    values = compile_regex(r".{20}").generate(2_000, np.random.default_rng(8))
    chars = set("".join(values.tolist()))
    assert chars <= {chr(c) for c in range(0x20, 0x7F)}
    assert len(chars) > 80


def test_negated_class_is_complement_within_printable_ascii() -> None:
    values = compile_regex(r"[^a-z]").generate(20_000, np.random.default_rng(9))
    expected = {chr(c) for c in range(0x20, 0x7F)} - set("abcdefghijklmnopqrstuvwxyz")
    assert set(values.tolist()) == expected


def test_ignorecase_negated_class_excludes_both_cases() -> None:
    values = compile_regex(r"(?i)[^a-y]").generate(20_000, np.random.default_rng(9))
    chars = set(values.tolist())
    assert "A" not in chars and "a" not in chars
    assert {"z", "Z"} <= chars


@pytest.mark.parametrize(
    ("pattern", "max_repeat", "low", "high"),
    [
        (r"a*", 3, 0, 3),
        (r"a+", 3, 1, 4),
        (r"a{2,}", 5, 2, 7),
        (r"a*", 0, 0, 0),
        (r"a+?", 8, 1, 9),
    ],
)
def test_unbounded_repeats_are_capped(pattern: str, max_repeat: int, low: int, high: int) -> None:
    values = compile_regex(pattern, max_repeat=max_repeat).generate(
        5_000, np.random.default_rng(10)
    )
    lengths = {len(v) for v in values.tolist()}
    assert lengths == set(range(low, high + 1))


def test_invalid_max_repeat() -> None:
    with pytest.raises(ValueError, match="max_repeat"):
        compile_regex("a*", max_repeat=-1)


def test_chunked_generation_matches_and_is_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(regex_gen, "_CHUNK_CELLS", 100)
    gen = compile_regex(r"(foo|bar)-[a-z]{0,12}")
    values = gen.generate(3_001, np.random.default_rng(11))
    assert values.shape == (3_001,)
    assert _mismatches(gen.pattern, values) == []
    assert np.array_equal(values, gen.generate(3_001, np.random.default_rng(11)))
    assert len({len(v) for v in values.tolist()}) == 13


@pytest.mark.parametrize(
    ("pattern", "capacity"),
    [
        (r"[ab]{2}", 4),
        (r"(x|yz)", 2),
        (r"\d{3}", 1000),
        (r"a", 1),
        (r"", 1),
        (r"^ACC-[0-9]{6}$", 10**6),
        (r"a{2,4}", 3),
        (r"[ab]{0,2}", 7),
        (r"a?", 2),
        (r"(?:ab){2,3}c", 2),
        (r"[A-Z]{2}\d{6}", 26**2 * 10**6),
        (r"[0-9a-f]{32}", 16**32),
        (r"(foo|bar)[0-9]", 20),
        (r"[^a-z]", 95 - 26),
        (r"\w", 63),
        (r"a+", None),
        (r"x*y", None),
        (r"(a|b{2,})", None),
        (EMAIL, None),
    ],
)
def test_capacity(pattern: str, capacity: int | None) -> None:
    assert compile_regex(pattern).capacity() == capacity


@pytest.mark.parametrize("pattern", [r"[ab]{0,2}", r"(x|yz){1,2}", r"[a-c]-?\d"])
def test_capacity_equals_distinct_values_seen(pattern: str) -> None:
    gen = compile_regex(pattern)
    values = gen.generate(20_000, np.random.default_rng(12))
    assert len(set(values.tolist())) == gen.capacity()


@pytest.mark.parametrize(
    ("pattern", "fragments"),
    [
        (
            r"(a)\1",
            [
                "cannot generate values for regex '(a)\\1'",
                "backreferences are not supported",
                "position 3",
                "rewrite the pattern without \\1",
            ],
        ),
        (r"(?P<x>a)(?P=x)", ["backreferences", "(?P=x)"]),
        (r"(?=a)b", ["lookahead", "(?=", "position 0"]),
        (r"(?!a)b", ["lookahead", "(?!"]),
        (r"(?<=a)b", ["lookbehind", "(?<="]),
        (r"b(?<!a)", ["lookbehind", "(?<!", "position 1"]),
        (r"(a)?(?(1)b|c)", ["conditional groups are not supported", "alternation"]),
        (r"[^\s\S]", ["[^\\s\\S]", "matches no character"]),
        (r"(", ["invalid syntax", "missing ), unterminated subpattern", "position 0"]),
        (r"a{3,2}", ["invalid syntax", "min repeat greater than max repeat", "position 2"]),
        (r"[z-a]", ["invalid syntax", "bad character range"]),
        (r"a^b", ["^ is only supported at the start"]),
        (r"a$b", ["$ is only supported at the end"]),
        (r"(^a)+", ["^ is only supported at the start"]),
        (r"a\bb", ["\\b is only supported where"]),
        (r"\b", ["\\b is only supported where"]),
        (r"a\B-", ["\\B is only supported where"]),
        (r"\w+\b\w", ["\\b"]),
        (r"a*+a", ["does not match", "possessive"]),
        (r"(?>a|ab)c", ["does not match"]),
        (r"\x00", ["NUL"]),
        (r"a{60000}b{60000}", ["up to 120000 characters", "lower the repeat bounds"]),
    ],
)
def test_rejected_patterns(pattern: str, fragments: list[str]) -> None:
    with pytest.raises(RegexNotGeneratable) as info:
        compile_regex(pattern)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message
    assert isinstance(info.value, ValueError)
    assert info.value.pattern == pattern


def test_non_string_pattern_rejected() -> None:
    with pytest.raises(TypeError):
        compile_regex(b"abc")  # type: ignore[arg-type]


@pytest.mark.parametrize("pattern", [r"[A-Z]{3}-\d{4}", EMAIL])
def test_one_million_rows_in_chunks_all_match(pattern: str) -> None:
    values = compile_regex(pattern).generate(1_000_000, np.random.default_rng(0))
    assert values.shape == (1_000_000,)
    assert _mismatches(pattern, values[::1_000]) == []


# ----------------------------------------------------------------- property-based

_ATOMS = st.sampled_from(
    [
        "a",
        "b",
        "Z",
        "7",
        "-",
        r"\.",
        r"\$",
        " ",
        "[abc]",
        "[a-f0-9]",
        "[^a-y]",
        r"[^\W_]",
        r"[\d.]",
        r"\d",
        r"\w",
        r"\s",
        r"\D",
        r"\W",
        r"\S",
        ".",
        "[xyz-]",
        r"[^\s\d]",
        "é",
    ]
)
_QUANTIFIERS = st.sampled_from(
    ["", "", "", "?", "*", "+", "{2}", "{0,3}", "{1,2}", "{3,}", "??", "*?", "+?", "{1,3}?"]
)


def _quantified(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(inner, _QUANTIFIERS).map(lambda t: t[0] + t[1])


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    sequence = st.lists(children, min_size=1, max_size=4).map("".join)
    group = st.tuples(
        st.sampled_from(["(", "(?:", "(?P<g>"]),
        st.lists(sequence, min_size=1, max_size=3).map("|".join),
    )
    return _quantified(group.map(lambda t: f"{t[0]}{t[1]})")) | sequence


_PATTERNS = st.recursive(_quantified(_ATOMS), _extend, max_leaves=8).map(
    lambda p: p.replace("(?P<g>", "(", p.count("(?P<g>") - 1) if p.count("(?P<g>") > 1 else p
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=_PATTERNS, anchored=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_random_patterns_always_fully_match(pattern: str, anchored: bool, seed: int) -> None:
    if anchored:
        pattern = f"^{pattern}$"
    gen = compile_regex(pattern, max_repeat=4)
    values = gen.generate(300, np.random.default_rng(seed))
    assert values.shape == (300,)
    assert _mismatches(pattern, values) == []
    assert np.array_equal(values, gen.generate(300, np.random.default_rng(seed)))
    capacity = gen.capacity()
    if capacity is not None:
        assert len(set(values.tolist())) <= capacity
