"""The registry's index of who is the same person (app/registry.py): kept as it is written, so
that a floor request, a join and a correction ask it instead of comparing every name."""

from __future__ import annotations

import pytest

from app.floor.model import Constituency, Speaker
from app.registry import Registry


def _speaker(participant_id: str, name: str, organisation: str = "ITUC") -> Speaker:
    return Speaker(
        name=name,
        organisation=organisation,
        constituency=Constituency.TRADE_UNION,
        participant_id=participant_id,
    )


def test_the_other_registrations_of_a_person_as_a_person_compares_them() -> None:
    registry = Registry([("p1", _speaker("p1", "A\u00efcha Benali"))])
    registry["p2"] = _speaker("p2", "AICHA benali")  # the same person, typed otherwise
    registry["p3"] = _speaker("p3", "Bruno Silva")
    registry["p4"] = _speaker("p4", "A\u00efcha Benali", "UNHCR")  # another organisation
    assert registry.same_person("p1") == {"p2"}
    assert registry.same_person("p2") == {"p1"}
    assert registry.same_person("p3") == frozenset()
    assert registry.same_person("p4") == frozenset()
    assert registry.same_person("nobody") == frozenset()
    assert list(registry.named("aicha BENALI", "ituc")) == ["p1", "p2"]
    assert registry.named("Chen Wei", "") == {}


def test_the_index_follows_corrections_and_removals() -> None:
    registry = Registry()
    registry["p1"] = _speaker("p1", "Amina Diallo")
    registry["p2"] = _speaker("p2", "Amina Diallo")
    registry["p2"] = _speaker("p2", "Amina Diallo-Sow")  # corrected: another person now
    assert registry.same_person("p1") == frozenset()
    assert list(registry.named("Amina Diallo-Sow", "ITUC")) == ["p2"]
    registry["p3"] = _speaker("p3", "Amina Diallo")
    assert registry.pop("p3") is not None and registry.pop("p3", None) is None
    assert registry.same_person("p1") == frozenset()
    registry.setdefault("p4", _speaker("p4", "Amina Diallo"))
    registry.setdefault("p4", _speaker("p4", "Someone Else"))  # there already: unchanged
    assert registry.same_person("p1") == {"p4"} and registry["p4"].name == "Amina Diallo"
    del registry["p4"]
    assert registry.same_person("p1") == frozenset() and "p4" not in registry
    with pytest.raises(TypeError, match="one participant at a time"):
        registry.update({"p5": _speaker("p5", "X")})
