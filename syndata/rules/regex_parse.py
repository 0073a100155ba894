"""From Python's parse of a regex to the tree of generator nodes (``Builder``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias, cast

import numpy as np
from numpy.typing import NDArray

from syndata.errors import RegexNotGeneratable
from syndata.rules.regex_codes import (
    _ANY,
    _ASSERT,
    _ASSERT_NOT,
    _AT,
    _AT_BEGIN,
    _AT_BOUNDARY,
    _AT_END,
    _AT_NON_BOUNDARY,
    _ATOMIC_GROUP,
    _BRANCH,
    _CATEGORY,
    _CATEGORY_CODES,
    _CATEGORY_TEXT,
    _CHAR_FLAGS,
    _GROUPREF,
    _GROUPREF_EXISTS,
    _IN,
    _LITERAL,
    _MAXREPEAT,
    _NEGATE,
    _NOT_LITERAL,
    _PRINTABLE,
    _RANGE,
    _REPEATS,
    _SUBPATTERN,
    _sre,
    _text,
    _universes,
)
from syndata.rules.regex_nodes import (
    _Alt,
    _Anchor,
    _Chars,
    _edge_kinds,
    _Literal,
    _Node,
    _Repeat,
    _Seq,
)

# --------------------------------------------------------------------------- parsing

# Python's parse of a pattern (``re._parser.SubPattern``): (opcode, argument) pairs; the
# argument's shape depends on the opcode (an int, a tuple, a list of pairs, a sub-pattern).
Parsed: TypeAlias = Iterable[tuple[object, object]]


class _Builder:
    """Turns the parsed pattern into generator nodes, rejecting what cannot be generated."""

    def __init__(self, pattern: str, max_repeat: int) -> None:
        self.pattern = pattern
        self.max_repeat = max_repeat
        self.has_anchor = False

    def fail(
        self, problem: str, fix: str, *, construct: str | None = None, position: int | None = None
    ) -> RegexNotGeneratable:
        if construct is not None and position is None:
            found = self.pattern.find(construct)
            position = found if found >= 0 else None
        return RegexNotGeneratable(
            self.pattern, problem, fix, construct=construct, position=position
        )

    def build(self, parsed: Parsed, flags: int) -> _Node:
        items: list[_Node] = []
        for op, av in parsed:
            node = self.build_op(op, av, flags)
            parts = node.items if isinstance(node, _Seq) else [node]
            for part in parts:
                prev = items[-1] if items else None
                if isinstance(part, _Literal) and isinstance(prev, _Literal):
                    items[-1] = _Literal([*prev.codes.tolist(), *part.codes.tolist()], prev.flags)
                else:
                    items.append(part)
        if len(items) == 1 and not isinstance(items[0], _Anchor):
            return items[0]
        return _Seq(items)

    def build_op(self, op: object, av: object, flags: int) -> _Node:
        if op == _LITERAL:
            if av == 0:
                raise self.fail(
                    "the NUL character cannot be generated",
                    r"remove \x00 from the pattern",
                    construct=r"\x00",
                )
            return _Literal([cast(int, av)], flags)
        if op == _ANY:
            return _Chars(_PRINTABLE, flags)
        if op == _NOT_LITERAL:
            return self.char_set([(_NEGATE, None), (_LITERAL, av)], flags)
        if op == _IN:
            return self.char_set(cast("list[tuple[object, object]]", av), flags)
        if op == _BRANCH:
            branches = cast("tuple[None, list[Parsed]]", av)[1]
            return _Alt([self.build(branch, flags) for branch in branches])
        if op == _SUBPATTERN:
            _group, add_flags, del_flags, sub = cast("tuple[int | None, int, int, Parsed]", av)
            return self.build(sub, (flags | add_flags) & ~del_flags)
        if _ATOMIC_GROUP is not None and op == _ATOMIC_GROUP:
            return self.build(cast(Parsed, av), flags)
        if op in _REPEATS:
            low, high, sub = cast("tuple[int, int, Parsed]", av)
            child = self.build(sub, flags)
            bounded = high != _MAXREPEAT
            if not bounded:
                high = low + self.max_repeat
            return _Repeat(child, int(low), int(high), bounded)
        if op == _AT:
            return self.anchor(av)
        if op in (_ASSERT, _ASSERT_NOT):
            direction = cast("tuple[int, Parsed]", av)[0]
            what = "lookahead" if direction > 0 else "lookbehind"
            opener = {(True, 1): "(?=", (False, 1): "(?!", (True, -1): "(?<=", (False, -1): "(?<!"}[
                (op == _ASSERT, 1 if direction > 0 else -1)
            ]
            raise self.fail(
                f"{what} assertions are not supported",
                f"remove the {what} {opener}...) and express the constraint with "
                "character classes or alternation",
                construct=opener,
            )
        if op == _GROUPREF:
            construct, position = self.find_backref(int(cast(int, av)))
            raise self.fail(
                "backreferences are not supported",
                f"rewrite the pattern without {construct}",
                construct=construct,
                position=position,
            )
        if op == _GROUPREF_EXISTS:
            raise self.fail(
                "conditional groups are not supported",
                "rewrite the pattern with alternation, e.g. (a|b)",
                construct="(?(",
            )
        raise self.fail(
            f"the regex construct {op} is not supported",
            "simplify the pattern to literals, classes, groups, quantifiers and alternation",
        )

    def anchor(self, code: object) -> _Node:
        self.has_anchor = True
        if code in _AT_BEGIN:
            return _Anchor("begin", "^" if code == _sre.AT_BEGINNING else r"\A")
        if code in _AT_END:
            return _Anchor("end", "$" if code == _sre.AT_END else r"\Z")
        if code == _AT_BOUNDARY:
            return _Anchor("boundary", r"\b")
        if code == _AT_NON_BOUNDARY:
            return _Anchor("non-boundary", r"\B")
        raise self.fail(f"the anchor {code} is not supported", "remove it from the pattern")

    def find_backref(self, group: int) -> tuple[str, int | None]:
        numbered = re.search(rf"\\{group}(?!\d)", self.pattern)
        if numbered:
            return numbered.group(), numbered.start()
        named = re.search(r"\(\?P=\w+\)", self.pattern)
        if named:
            return named.group(), named.start()
        return f"\\{group}", None

    def char_set(self, items: Sequence[tuple[object, object]], flags: int) -> _Node:
        negated = bool(items) and items[0][0] == _NEGATE
        members = [item for item in items if item[0] != _NEGATE]
        text = "[" + ("^" if negated else "") + "".join(_item_text(*m) for m in members) + "]"
        if negated:
            rx = re.compile(text, flags & _CHAR_FLAGS)
            codes = np.zeros(0, dtype=np.uint32)
            for universe in _universes():
                found = rx.findall(_text(universe))
                if found:
                    codes = np.array([ord(ch) for ch in found], dtype=np.uint32)
                    break
        else:
            parts = [_member_codes(op, av) for op, av in members]
            codes = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint32)
            codes = codes[codes != 0]
        if codes.size == 0:
            raise self.fail(
                f"the character class {text} matches no character that can be generated",
                "widen the class so that at least one character (other than NUL) matches",
                construct=text,
            )
        if codes.size == 1:
            return _Literal([int(codes[0])], flags)
        return _Chars(codes, flags)

    def check_anchors(self, node: _Node, before: frozenset[str], after: frozenset[str]) -> None:
        """Reject anchors that generated values could violate.

        ``before``/``after`` hold what may sit next to ``node``: "w"/"n" for a word or
        non-word character, "edge" for the start/end of the value.
        """
        if isinstance(node, _Seq):
            items = node.items
            for i, item in enumerate(items):
                left, left_empty = _edge_kinds(items[:i], last=True)
                right, right_empty = _edge_kinds(items[i + 1 :], last=False)
                self.check_anchors(
                    item,
                    left | before if left_empty else left,
                    right | after if right_empty else right,
                )
        elif isinstance(node, _Repeat):
            child = node.child
            repeated = node.high >= 2 and child.max_width > 0
            self.check_anchors(
                child,
                before | child.last_kinds() if repeated else before,
                after | child.first_kinds() if repeated else after,
            )
        elif isinstance(node, _Alt):
            for branch in node.branches:
                self.check_anchors(branch, before, after)
        elif isinstance(node, _Anchor):
            self.check_anchor(node, before, after)

    def check_anchor(self, node: _Anchor, before: frozenset[str], after: frozenset[str]) -> None:
        if node.kind == "begin" and before != {"edge"}:
            raise self.fail(
                f"{node.text} is only supported at the start of the pattern",
                f"remove {node.text} or move it to the start",
                construct=node.text,
            )
        if node.kind == "end" and after != {"edge"}:
            raise self.fail(
                f"{node.text} is only supported at the end of the pattern",
                f"remove {node.text} or move it to the end",
                construct=node.text,
            )
        if node.kind in ("boundary", "non-boundary"):
            left = {side == "w" for side in before}
            right = {side == "w" for side in after}
            known = len(left) == 1 and len(right) == 1
            if node.kind == "boundary":
                ok = known and left != right
            else:
                ok = known and left == right and "edge" not in before | after
            if not ok:
                raise self.fail(
                    f"{node.text} is only supported where the characters on both sides are "
                    "known to be word and non-word characters",
                    f"remove {node.text}, or put it between a class of word characters and "
                    "a class of non-word characters (or the start/end of the value)",
                    construct=node.text,
                )


def _item_text(op: Any, av: Any) -> str:
    """One member of a character class, written back as regex source."""
    if op == _LITERAL:
        return _char_text(av)
    if op == _RANGE:
        return f"{_char_text(av[0])}-{_char_text(av[1])}"
    if op == _CATEGORY:
        return _CATEGORY_TEXT[av]
    raise ValueError(f"unexpected class member {op}")  # pragma: no cover


def _char_text(code: int) -> str:
    if 0x20 <= code < 0x7F:
        return re.escape(chr(code))
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _member_codes(op: Any, av: Any) -> NDArray[np.uint32]:
    if op == _LITERAL:
        return np.array([av], dtype=np.uint32)
    if op == _RANGE:
        return np.arange(av[0], av[1] + 1, dtype=np.uint32)
    return _CATEGORY_CODES[av]
