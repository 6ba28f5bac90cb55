"""A small, safe expression language for a claim's verdict over a run's metric series
(``docs/claims.md``, "Predicates"). Parsed by hand into a tree and evaluated on the run's
tables; nothing is ever passed to ``eval``.

Grammar (keywords and names are case-sensitive; numbers are decimals such as ``0.01``)::

    expr  := or
    or    := and ("or" and)*
    and   := not ("and" not)*
    not   := "not" not | cmp
    cmp   := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
    sum   := term (("+" | "-") term)*
    term  := unary (("*" | "/") unary)*
    unary := "-" unary | atom
    atom  := NUMBER | point | FUNC "(" series ")" | "(" expr ")"
    point := COLUMN "[" key ("," key)* "]"   with exactly one of first | last | day=N
    series:= COLUMN ("[" key ("," key)* "]")?   with no time key (every sample of the run)
    key   := "first" | "last" | "day" "=" NUMBER | "netuid" "=" INT | "agent" "=" NAME
           | "preset" "=" NAME
    FUNC  := "min" | "max" | "mean" | "sum"

A ``COLUMN`` is a column of the run's ``network``, ``subnets`` (needs ``netuid=``) or ``agents``
(needs ``agent=``) table (``docs/simulator.md``, "Outputs"). ``day=N`` is the last sample at or
before run block N × 7 200. ``preset=NAME`` reads the run of the same scenario under another
preset (a claim's ``compare`` list); without it, the claim's own run. Null and NaN samples are
skipped everywhere (``first`` is the first sample with a value); a series with no value left is
an error. Every error is a :class:`PredicateError` of one line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from dtao.errors import ConfigError
from dtao.sim.collector import AGENT_SCHEMA, BLOCKS_PER_DAY, NETWORK_SCHEMA, SUBNET_SCHEMA

_KEYS = {"block", "run_block", "netuid", "agent"}
TABLE_OF = {
    **{f.name: "network" for f in NETWORK_SCHEMA if f.name not in _KEYS},
    **{f.name: "subnets" for f in SUBNET_SCHEMA if f.name not in _KEYS},
    **{f.name: "agents" for f in AGENT_SCHEMA if f.name not in _KEYS},
}
FUNCS = ("min", "max", "mean", "sum")
COMPARE = ("<=", ">=", "==", "!=", "<", ">")
_TOKEN = re.compile(
    r"\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][\w:.-]*)|(<=|>=|==|!=|[<>+\-*/()\[\],=]))"
)


class PredicateError(ConfigError):
    """A predicate that cannot be parsed or evaluated (one line)."""


@dataclass(frozen=True)
class Ref:
    """A column of one table, filtered to a subnet or an agent, at a time (or all times)."""

    column: str
    netuid: int | None = None
    agent: str | None = None
    when: str | None = None  # "first" | "last" | "day"; None: the whole series
    day: float = 0.0
    preset: str | None = None  # None: the claim's own run; else its run under this preset

    def text(self) -> str:
        keys = [] if self.preset is None else [f"preset={self.preset}"]
        if self.netuid is not None:
            keys.append(f"netuid={self.netuid}")
        if self.agent is not None:
            keys.append(f"agent={self.agent}")
        if self.when == "day":
            keys.append(f"day={self.day:g}")
        elif self.when is not None:
            keys.append(self.when)
        return f"{self.column}[{', '.join(keys)}]"


@dataclass(frozen=True)
class Node:
    """An operator (``op``) over its arguments; leaves are numbers, refs or function calls."""

    op: str
    args: tuple[Any, ...]


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise PredicateError(f"predicate {text!r}: unexpected {text[pos:].strip()[:12]!r}")
        out.append(match.group(match.lastindex or 0))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def fail(self, what: str) -> PredicateError:
        got = self.toks[self.i] if self.i < len(self.toks) else "the end"
        return PredicateError(f"predicate {self.text!r}: expected {what} (got {got!r})")

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            raise self.fail(repr(expected) if expected else "more")
        self.i += 1
        return tok

    def parse(self) -> Any:
        node = self.or_()
        if self.peek() is not None:
            raise self.fail("an operator or the end")
        return node

    def _chain(self, ops: tuple[str, ...], sub: Any) -> Any:
        node = sub()
        while self.peek() in ops:
            op = self.take()
            node = Node(op, (node, sub()))
        return node

    def or_(self) -> Any:
        return self._chain(("or",), self.and_)

    def and_(self) -> Any:
        return self._chain(("and",), self.not_)

    def not_(self) -> Any:
        if self.peek() == "not":
            self.take()
            return Node("not", (self.not_(),))
        return self.cmp()

    def cmp(self) -> Any:
        left = self.sum()
        if self.peek() in COMPARE:
            op = self.take()
            return Node(op, (left, self.sum()))
        return left

    def sum(self) -> Any:
        return self._chain(("+", "-"), self.term)

    def term(self) -> Any:
        return self._chain(("*", "/"), self.unary)

    def unary(self) -> Any:
        if self.peek() == "-":
            self.take()
            return Node("neg", (self.unary(),))
        return self.atom()

    def atom(self) -> Any:
        tok = self.peek()
        if tok is None:
            raise self.fail("a number, a series or '('")
        if tok[0].isdigit():
            return float(self.take())
        if tok == "(":
            self.take()
            node = self.or_()
            self.take(")")
            return node
        if tok in FUNCS:
            self.take()
            self.take("(")
            ref = self.ref(point=False)
            self.take(")")
            return Node(tok, (ref,))
        if tok in TABLE_OF:
            return self.ref(point=True)
        raise self.fail(f"a number, '(', a function ({', '.join(FUNCS)}) or a column")

    def ref(self, point: bool) -> Ref:
        column = self.take()
        if column not in TABLE_OF:
            raise PredicateError(
                f"predicate {self.text!r}: unknown column {column!r} "
                f"(known: {', '.join(sorted(TABLE_OF))})"
            )
        keys: dict[str, Any] = {}
        bracket = self.peek() == "["
        if bracket:
            self.take("[")
        while bracket:
            key = self.take()
            if key in ("first", "last"):
                keys["when"] = key
            elif key in ("day", "netuid", "agent", "preset"):
                self.take("=")
                value = self.take()
                if key in ("agent", "preset"):
                    keys[key] = value
                elif not value[0].isdigit() or (key == "netuid" and not value.isdigit()):
                    raise self.fail(f"a number after {key}=")
                elif key == "netuid":
                    keys["netuid"] = int(value)
                else:
                    keys["when"], keys["day"] = "day", float(value)
            else:
                raise self.fail("first, last, day=N, netuid=N, agent=NAME or preset=NAME")
            if self.peek() == "]":
                break
            self.take(",")
        if bracket:
            self.take("]")
        ref = Ref(column, **keys)
        table = TABLE_OF[column]
        if (table == "subnets") != (ref.netuid is not None):
            raise PredicateError(
                f"predicate {self.text!r}: {ref.text()} needs netuid= exactly for subnet columns"
            )
        if (table == "agents") != (ref.agent is not None):
            raise PredicateError(
                f"predicate {self.text!r}: {ref.text()} needs agent= exactly for agent columns"
            )
        if point and ref.when is None:
            raise PredicateError(
                f"predicate {self.text!r}: {ref.text()} needs first, last or day=N"
            )
        if not point and ref.when is not None:
            raise PredicateError(
                f"predicate {self.text!r}: {ref.text()} inside a function takes no time key"
            )
        return ref


def parse(text: str) -> Any:
    """The tree of a predicate (``PredicateError`` naming the first problem)."""
    return _Parser(text).parse()


def refs(tree: Any) -> list[Any]:
    """The series points and function calls of a tree, in reading order."""
    if isinstance(tree, Ref):
        return [tree]
    if isinstance(tree, Node):
        if tree.op in FUNCS:
            return [tree]
        return [r for arg in tree.args for r in refs(arg)]
    return []


def label(item: Any) -> str:
    """The text of a point or a function call (the report's number labels)."""
    if isinstance(item, Ref):
        return item.text()
    return f"{item.op}({item.args[0].text()})"


def series(run: dict[str, Any], ref: Ref) -> list[tuple[int, float]]:
    """(run_block, value) of a ref's column, filtered, nulls and NaN dropped."""
    table = run[TABLE_OF[ref.column]]
    rows = range(len(table["run_block"]))
    if ref.netuid is not None:
        rows = [i for i in rows if table["netuid"][i] == ref.netuid]  # type: ignore[assignment]
    if ref.agent is not None:
        rows = [i for i in rows if table["agent"][i] == ref.agent]  # type: ignore[assignment]
    out = []
    for i in rows:
        value = table[ref.column][i]
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            out.append((table["run_block"][i], float(value)))
    return out


def presets(tree: Any) -> set[str]:
    """The other presets whose runs a tree reads (``preset=NAME`` keys)."""
    out = set()
    for item in refs(tree):
        ref = item if isinstance(item, Ref) else item.args[0]
        if ref.preset is not None:
            out.add(ref.preset)
    return out


def _value(runs: dict[str | None, dict[str, Any]], item: Any, text: str) -> float:
    ref = item if isinstance(item, Ref) else item.args[0]
    if ref.preset not in runs:
        raise PredicateError(f"predicate {text!r}: {ref.text()}: no run under {ref.preset}")
    run = runs[ref.preset]
    points = series(run, ref)
    if not points:
        raise PredicateError(f"predicate {text!r}: {ref.text()} has no values in this run")
    if isinstance(item, Node):
        values = [v for _, v in points]
        if item.op == "mean":
            return sum(values) / len(values)
        if item.op == "min":
            return min(values)
        return max(values) if item.op == "max" else sum(values)
    if ref.when == "first":
        return points[0][1]
    if ref.when == "last":
        return points[-1][1]
    limit = ref.day * BLOCKS_PER_DAY
    last_block = max(run[TABLE_OF[ref.column]]["run_block"])
    if limit > last_block:
        raise PredicateError(
            f"predicate {text!r}: {ref.text()} is after the run's end "
            f"(day {last_block / BLOCKS_PER_DAY:g})"
        )
    before = [v for b, v in points if b <= limit]
    if not before:
        raise PredicateError(f"predicate {text!r}: {ref.text()} has no value by then")
    return before[-1]


def evaluate(
    text: str, run: dict[str, Any], others: dict[str, dict[str, Any]] | None = None
) -> tuple[bool, dict[str, float]]:
    """The verdict of a predicate on a run's tables (``dtao.sim.report.load_run``'s shape:
    ``network``, ``subnets``, ``agents`` as column dicts) and the value of every point and
    function it reads, by label. ``others``: preset → the same scenario's run under it (what
    ``preset=NAME`` keys read)."""
    tree = parse(text)
    runs: dict[str | None, dict[str, Any]] = {None: run}
    runs.update(others or {})
    numbers: dict[str, float] = {}

    def ev(node: Any) -> Any:
        if isinstance(node, float):
            return node
        if isinstance(node, Ref) or node.op in FUNCS:
            value = _value(runs, node, text)
            numbers[label(node)] = value
            return value
        if node.op == "not":
            return not _truth(ev(node.args[0]), text)
        if node.op == "neg":
            return -_number(ev(node.args[0]), text)
        if node.op in ("and", "or"):
            left = _truth(ev(node.args[0]), text)
            right = _truth(ev(node.args[1]), text)  # both sides read: every number is shown
            return left and right if node.op == "and" else left or right
        a, b = _number(ev(node.args[0]), text), _number(ev(node.args[1]), text)
        if node.op == "/":
            if b == 0:
                raise PredicateError(f"predicate {text!r}: division by zero")
            return a / b
        return _BINARY[node.op](a, b)

    verdict = ev(tree)
    return _truth(verdict, text), numbers


_BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def _truth(value: Any, text: str) -> bool:
    if not isinstance(value, bool):
        raise PredicateError(f"predicate {text!r}: a number where a comparison was expected")
    return value


def _number(value: Any, text: str) -> float:
    if isinstance(value, bool):
        raise PredicateError(f"predicate {text!r}: a comparison where a number was expected")
    return float(value)
