"""Person names inside longer text: after a title, a verb or greeting, a preposition, or alone."""

from __future__ import annotations

import regex

from syndata.privacy.recognizers.name_tokens import common, initial, known
from syndata.privacy.recognizers.text import fold
from syndata.privacy.recognizers.wordlists.cues import (
    ABBREVIATED_CUES,
    CUE_FILLERS,
    DETERMINERS,
    GREETINGS,
    MONTH_ABBREVIATIONS,
    NAME_CUES,
    NAME_PREPOSITIONS,
    PLACE_PREPOSITIONS,
)
from syndata.privacy.recognizers.wordlists.people import (
    EXTRA_TITLES,
    LOWER_TITLES,
    ORG_WORDS,
    PARTICLES,
    names,
    non_name,
    non_names,
)
from syndata.privacy.recognizers.wordlists.places import places

TOKEN = regex.compile(
    r"(?:[dDlL]['’])?[\p{L}\p{M}][\p{L}\p{M}'’-]*(?:\.(?:ra|na|ssa)\b)?\.?|"
    r"['’]t\b"
)  # "sig.ra", "dott.ssa" are one word


def names_in_context(text: str) -> list[tuple[int, int, float]]:
    """Names after a title, a verb or greeting, or a preposition (see ``NAME_CUES``)."""
    tokens = [(m.start(), m.end()) for m in TOKEN.finditer(text)]
    words = [text[s:e] for s, e in tokens]
    found: list[tuple[int, int, float]] = []
    _, _, titles, _ = names()
    for i, word in enumerate(words[:-1]):
        key = fold(word).rstrip(".")
        if (
            (key in titles or key in EXTRA_TITLES)
            and (word[0].isupper() or ("." in word and key in LOWER_TITLES))
            and (len(key) > 1 or word.endswith("."))
            and joined(text, tokens, i)
        ):
            span = name_after(text, tokens, words, i + 1, after="title")
            if span:
                found.append((span[0], span[1], 0.65))
            continue
        if word.endswith(".") and len(key) > 1 and key not in ABBREVIATED_CUES:
            continue  # a cue ends a sentence: "... we called. Berlin was ..."
        j = i + 1
        if (
            key in NAME_CUES
            and j < len(words)
            and fold(words[j]) in CUE_FILLERS
            and (joined(text, tokens, i))
        ):
            j += 1  # "call back Anna", "spoke with Anna", "llamar a Ana"
        greeting = key in GREETINGS
        if greeting and not starts_sentence(text, tokens[i][0]):
            continue  # "Hello Kitty" inside a sentence is no greeting
        if key in NAME_CUES and joined(text, tokens, j - 1, greeting=greeting):
            span = name_after(text, tokens, words, j, after="verb")
            if span:
                found.append(span)
        elif key in NAME_PREPOSITIONS and joined(text, tokens, i):
            span = name_after(text, tokens, words, j, after="preposition")
            if span:
                found.append(span)
    return found


def starts_sentence(text: str, start: int) -> bool:
    """Nothing but a sentence end, a line break, a dash or a quote before ``start``."""
    return bool(regex.search(r"(?:^|[.!?:;\n>]|--?|[\"'(])[ \t]*$", text[:start]))


def joined(text: str, tokens: list[tuple[int, int]], i: int, greeting: bool = False) -> bool:
    """Only blanks (after a greeting, a comma too) between token ``i`` and the next."""
    if i + 1 >= len(tokens):
        return False
    gap = text[tokens[i][1] : tokens[i + 1][0]]
    return bool(regex.fullmatch(r"[ \t]+" if not greeting else r"[ \t]*,?[ \t]+", gap))


def name_after(
    text: str, tokens: list[tuple[int, int]], words: list[str], j: int, *, after: str
) -> tuple[int, int, float] | None:
    """The name that starts at token ``j``, with the capitalised names that follow it.

    After a title any capitalised word starts a name; after a verb or greeting a listed
    name or a capitalised word that is neither a common word nor a place; after a
    preposition only a listed name that is neither common nor a place.
    """
    if j >= len(words):
        return None
    first, last, _, _ = names()
    place_names = places()[0]
    k = j
    while (
        k < len(words) - 1
        and fold(words[k]).rstrip(".") in PARTICLES | {"'t", "’t"}
        and (joined(text, tokens, k))
    ):
        k += 1  # "van 't Riet", "de la Fuente"
    word = words[k].rstrip(".")
    titles = names()[2] | EXTRA_TITLES
    if not word or non_name(word) or fold(word) in titles:
        return None
    listed = known(word, first) or known(word, last)
    capitalised = word[0].isupper() and not (word.isupper() and len(word) > 1)
    if capitalised and after == "title":
        score = 0.65
    elif capitalised:
        if listed and after == "preposition" and (common(word) or fold(word) in place_names):
            return None  # "from Florence", "by Chance"
        if not listed and (
            after == "preposition"
            or fold(word) in non_names()
            or fold(word) in place_names
            or len(word) < 2
        ):
            return None
        score = 0.6 if listed else 0.45
    elif (
        listed
        and after == "verb"
        and k == j
        and not common(word)
        and (fold(word) not in non_names())
    ):
        return (tokens[k][0], tokens[k][0] + len(word), 0.45)  # "hi bernardo"
    else:
        return None
    end = tokens[k][0] + len(word)
    n = k + 1
    while (
        n < len(words)
        and n - k <= 3
        and joined(text, tokens, n - 1)
        and not (words[n - 1].endswith(".") and not initial(words[n - 1]))
    ):
        nxt = words[n].rstrip(".")
        key = fold(nxt)
        if key in PARTICLES and n + 1 < len(words):
            n += 1
            continue
        if (
            not nxt
            or not nxt[0].isupper()
            or non_name(nxt)
            or key in ORG_WORDS
            or (nxt.isupper() and len(nxt) > 1)
        ):
            break
        end = tokens[n][0] + len(nxt)
        n += 1
    return (tokens[j][0], end, score)


def first_names_alone(
    text: str, found: list[tuple[int, int, float]]
) -> list[tuple[int, int, float]]:
    """A listed first name on its own ("Erik will call back"), scored 0.45.

    Capitalised, neither a common word nor a place, not after a determiner ("the
    Rosemary extract") and not inside a run of capitalised words ("Hello Kitty").
    """
    first = names()[0]
    place_names = places()[0]
    tokens = [(m.start(), m.end()) for m in TOKEN.finditer(text)]
    words = [text[s:e] for s, e in tokens]
    out: list[tuple[int, int, float]] = []
    for i, raw in enumerate(words):
        word = raw.rstrip(".")
        start, end = tokens[i][0], tokens[i][0] + len(word)
        if (
            len(word) < 3
            or not word[0].isupper()
            or word.isupper()
            or any(s < end and start < e for s, e, _ in found)
        ):
            continue
        key = fold(word)
        if (
            not known(word, first)
            or common(word)
            or non_name(word)
            or key in place_names
            or key in non_names()
        ):
            continue
        if (
            key in MONTH_ABBREVIATIONS
            or regex.search(r"\d[ \t]*$", text[:start])
            or (regex.match(r"[ \t]*\d", text[end:]))
        ):
            continue  # "27 Jan 2020", "20433 Noël" (a town after its postal code)
        before = words[i - 1] if i else ""
        joined_before = i > 0 and joined(text, tokens, i - 1)
        if joined_before and (
            fold(before) in DETERMINERS | PLACE_PREPOSITIONS
            or (before[:1].isupper() and not starts_sentence(text, tokens[i - 1][0]))
        ):
            continue
        if (
            i + 1 < len(words)
            and joined(text, tokens, i)
            and words[i + 1][:1].isupper()
            and not raw.endswith(".")
        ):
            continue
        out.append((start, end, 0.45))
    return out


def merge(spans: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Overlapping spans joined, with the highest score."""
    out: list[tuple[int, int, float]] = []
    for start, end, score in sorted(spans):
        if out and start < out[-1][1]:
            s, e, best = out[-1]
            out[-1] = (s, max(e, end), max(best, score))
        else:
            out.append((start, end, score))
    return out
