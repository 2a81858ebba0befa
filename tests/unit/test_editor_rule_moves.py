"""Moving a rule in the editor moves it in the rule order: priority, then definition."""

from __future__ import annotations

from typing import Any

from policy_service.admin.rule_order import move_request, moved


def _rows(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"name": name, "priority": priority} for name, priority in pairs]


def _shown(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["name"], r["priority"]) for r in rows]


def test_moving_up_past_a_lower_priority_swaps_places_and_priorities() -> None:
    rows = _rows(("a", "10"), ("b", "20"), ("c", "30"))
    assert _shown(moved(rows, 2, -1)) == [("a", "10"), ("c", "20"), ("b", "30")]


def test_moving_down_among_equal_priorities_swaps_only_places() -> None:
    rows = _rows(("a", "10"), ("b", "10"), ("c", "30"))
    assert _shown(moved(rows, 0, 1)) == [("b", "10"), ("a", "10"), ("c", "30")]


def test_a_move_works_on_the_firing_order_not_the_listed_order() -> None:
    rows = _rows(("late", "90"), ("early", "10"), ("middle", "50"))  # fires early, middle, late
    assert _shown(moved(rows, 2, -1)) == [("middle", "10"), ("early", "50"), ("late", "90")]


def test_the_first_rule_cannot_move_up_nor_the_last_down() -> None:
    rows = _rows(("a", "10"), ("b", "20"))
    assert _shown(moved(rows, 0, -1)) == _shown(rows)
    assert _shown(moved(rows, 1, 1)) == _shown(rows)


def test_the_pressed_button_is_counted_without_the_rows_ticked_for_deletion() -> None:
    form = {"move_rule": "3:up", "rules-1-delete": "1"}
    assert move_request(form) == (2, -1)
    assert move_request({"move_rule": "1:up", "rules-1-delete": "1"}) is None
    assert move_request({"move_rule": "x:sideways"}) is None
    assert move_request({}) is None
