"""A pairing stated as a task one side takes on for the other (A 承担 B 的结对帮扶任务), by the clause's
structure rather than by the verb: any short predicate, lists on either side, counted places before 的.
Sentences of our own with invented places."""

from __future__ import annotations

import pytest

from graphkit.extract.pipeline import extract_text


def pairings(text: str) -> set[tuple[str, str]]:
    return {(r["from"], r["to"]) for r in extract_text(text)["relations"] if r["type"] == "pairing"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("鹭川市星河科技有限公司承担了青岚县白石村的结对帮扶任务。", {("鹭川市星河科技有限公司", "白石村")}),
        ("按照省里安排,鹭川市接过青岚县、云岭县两县的对口支援工作。", {("鹭川市", "青岚县"), ("鹭川市", "云岭县")}),
        ("鹭川市主要负责青岚县、云岭县两县12个乡镇的帮扶工作。", {("鹭川市", "青岚县"), ("鹭川市", "云岭县")}),
        ("鹭川市教育局和鹭川市卫健委做好青岚县的对口帮扶工作。",
         {("鹭川市教育局", "青岚县"), ("鹭川市卫健委", "青岚县")}),
    ],
)
def test_a_task_taken_on_for_a_place_is_a_pairing(text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= pairings(text)


@pytest.mark.parametrize(
    "text",
    [
        "青岚县白石村的结对帮扶任务已经完成。",  # no one takes the task on
        "鹭川市,青岚县的结对帮扶工作受到表扬。",  # the comma ends the clause: 鹭川市 is not its subject
    ],
)
def test_no_pairing_without_a_subject_in_the_clause(text: str) -> None:
    assert not {p for p in pairings(text) if "鹭川市" in p[0] and "白石村" in p[1] or p == ("鹭川市", "青岚县")}
