"""The claims' predicate language (``dtao.sim.predicate``): parsing, evaluation on a run's
tables by hand-computed values, and every mistake as one line naming the predicate."""

from __future__ import annotations

import math

import pytest

from dtao.sim import predicate
from dtao.sim.predicate import PredicateError, evaluate, parse

DAY = 7_200

# a hand-made run: three samples (days 0, 1, 2), two subnets, one agent
RUN = {
    "network": {
        "run_block": [0, DAY, 2 * DAY],
        "root_apy_simple": [math.nan, 0.10, 0.08],
        "nakamoto": [3, 2, 2],
        "manipulation_cost_tao": [100.0, None, 140.0],
    },
    "subnets": {
        "run_block": [0, 0, DAY, DAY, 2 * DAY, 2 * DAY],
        "netuid": [1, 2, 1, 2, 1, 2],
        "emission_share": [0.4, 0.6, 0.3, 0.7, 0.25, 0.75],
    },
    "agents": {
        "run_block": [0, DAY, 2 * DAY],
        "agent": ["alpha", "alpha", "alpha"],
        "exit_value": [10, 8, 9],
    },
}


@pytest.mark.parametrize(
    ("text", "verdict", "numbers"),
    [
        ("root_apy_simple[day=2] < root_apy_simple[day=1]", True, [0.08, 0.10]),
        ("root_apy_simple[first] == 0.1", True, [0.1]),  # the NaN sample is skipped
        (
            "emission_share[netuid=2, last] > 1.2 * emission_share[netuid=2, first]",
            True,
            [0.75, 0.6],
        ),
        ("emission_share[netuid=1, day=1.5] == 0.3", True, [0.3]),
        ("max(emission_share[netuid=1]) - min(emission_share[netuid=1]) > 0.2", False, [0.4, 0.25]),
        (
            "mean(exit_value[agent=alpha]) == 9 and sum(exit_value[agent=alpha]) == 27",
            True,
            [9, 27],
        ),
        ("manipulation_cost_tao[last] / manipulation_cost_tao[first] >= 1.4", True, [140, 100]),
        ("mean(manipulation_cost_tao) == 120", True, [120]),  # the null sample is skipped
        ("not nakamoto[last] > 2 or nakamoto[first] < 0", True, [2, 3]),
        ("-nakamoto[first] + 2 * (1 + 1) == 1", True, [3]),
    ],
)
def test_evaluates_by_hand(text, verdict, numbers):
    got, read = evaluate(text, RUN)
    assert got is verdict
    assert list(read.values()) == pytest.approx(numbers)


def test_a_preset_key_reads_that_presets_run():
    other = {"network": {"run_block": [0, DAY], "nakamoto": [1, 1]}}
    got, read = evaluate(
        "nakamoto[last] > nakamoto[preset=root-vote, last]", RUN, {"root-vote": other}
    )
    assert got is True and read == {"nakamoto[last]": 2, "nakamoto[preset=root-vote, last]": 1}
    assert predicate.presets(parse("max(nakamoto[preset=launch]) > nakamoto[last]")) == {"launch"}
    with pytest.raises(PredicateError, match=r"no run under launch$"):
        evaluate("nakamoto[preset=launch, last] > 0", RUN, {"root-vote": other})


def test_numbers_are_labelled_by_what_was_read():
    _, read = evaluate("emission_share[netuid=2,last] > max(exit_value[agent=alpha])", RUN)
    assert read == {"emission_share[netuid=2, last]": 0.75, "max(exit_value[agent=alpha])": 10}


def test_the_tree_reads_no_code():
    tree = parse("nakamoto[last] > 1 and gini[first] < 0.5")
    assert isinstance(tree, predicate.Node) and tree.op == "and"
    assert [predicate.label(r) for r in predicate.refs(tree)] == ["nakamoto[last]", "gini[first]"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os')", "unexpected"),
        ("nakamoto[last] >", "expected a number"),
        ("nakamoto[last] > 1 1", "expected an operator or the end"),
        ("bogus[last] > 1", "expected a number, '(', a function"),
        ("max(bogus[netuid=1])", "unknown column 'bogus'"),
        ("emission_share[last] > 0", "needs netuid="),
        ("nakamoto[netuid=1, last] > 0", "needs netuid="),
        ("exit_value[last] > 0", "needs agent="),
        ("nakamoto[netuid=x, last] > 0", "a number after netuid="),
        ("nakamoto > 1", "needs first, last or day=N"),
        ("nakamoto[] > 1", "expected first, last"),
        ("nakamoto[netuid=1] > 1", "needs netuid="),
        ("gini[netuid=1]", "needs netuid="),
        ("max(gini[last]) > 0", "takes no time key"),
        ("gini[day=1] > 0 and 3", None),
        ("(gini[last] > 0", "expected ')'"),
    ],
)
def test_parse_errors_are_one_line(text, message):
    with pytest.raises(PredicateError) as info:
        if message is None:
            evaluate(text, RUN | {"network": RUN["network"] | {"gini": [0.1, 0.2, 0.3]}})
        else:
            parse(text)
    line = str(info.value)
    assert "\n" not in line and text in line
    if message is not None:
        assert message in line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nakamoto[day=3] > 0", "after the run's end (day 2)"),
        ("nakamoto[last] / (nakamoto[first] - 3) > 0", "division by zero"),
        ("nakamoto[last] + (nakamoto[first] > 1) > 0", "a comparison where a number"),
        ("nakamoto[last]", "a number where a comparison"),
        ("emission_share[netuid=9, last] > 0", "has no values in this run"),
    ],
)
def test_evaluation_errors_are_one_line(text, message):
    with pytest.raises(PredicateError, match=message.replace("(", r"\(").replace(")", r"\)")):
        evaluate(text, RUN)
