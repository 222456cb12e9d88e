"""The registered participants of a meeting day, by id, as the engine holds them
(``Hearing.speakers``), indexed by who each is as a person (``participants_io.person_key``).

A plain ``dict`` to read (the engine and the core read it on every command: a subclass keeps
``dict``'s own lookups), that keeps its index as it is written: ``same_person`` answers "is any
other registration this person?" in constant time. A floor request had compared the name of
every speaker waiting (0.11-0.14 ms a request with 1,000 waiting: issue 16, the burst's CPU per
request), and a join or a correction every registered name. Written only through ``[id] =
speaker``, ``setdefault``, ``pop`` and ``del``, as the engine does."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from .floor.model import Speaker
from .participants_io import remembered_person_key


class Registry(dict[str, Speaker]):
    """Participant id -> ``Speaker``, with who is the same person."""

    __slots__ = ("_ids_of", "_key_of")

    def __init__(self, speakers: Iterable[tuple[str, Speaker]] = ()) -> None:
        super().__init__()
        self._key_of: dict[str, Hashable] = {}
        #: person -> their registrations' ids, in the order they were registered
        self._ids_of: dict[Hashable, dict[str, None]] = {}
        for participant_id, speaker in speakers:
            self[participant_id] = speaker

    def __setitem__(self, participant_id: str, speaker: Speaker) -> None:
        self._unindex(participant_id)
        super().__setitem__(participant_id, speaker)
        key = remembered_person_key(speaker.name, speaker.organisation)
        self._key_of[participant_id] = key
        self._ids_of.setdefault(key, {})[participant_id] = None

    def __delitem__(self, participant_id: str) -> None:
        super().__delitem__(participant_id)
        self._unindex(participant_id)

    def pop(self, participant_id: str, *default: Speaker | None) -> Speaker | None:  # type: ignore[override]
        self._unindex(participant_id)
        return super().pop(participant_id, *default)

    def _unindex(self, participant_id: str) -> None:
        key = self._key_of.pop(participant_id, None)
        if key is None:
            return
        ids = self._ids_of[key]
        ids.pop(participant_id, None)
        if not ids:
            del self._ids_of[key]

    def setdefault(self, participant_id: str, speaker: Speaker) -> Speaker:
        if participant_id not in self:
            self[participant_id] = speaker
        return self[participant_id]

    def update(self, *args: object, **kwargs: object) -> None:
        raise TypeError("write a Registry one participant at a time: [id] = speaker")

    def same_person(self, participant_id: str) -> frozenset[str]:
        """The other registrations of the person registered as ``participant_id`` (their second
        phone, joined under the same name and organisation), as a person compares them."""
        key = self._key_of.get(participant_id)
        ids = self._ids_of.get(key) if key is not None else None
        if ids is None or len(ids) == 1:
            return frozenset()
        return frozenset(ids.keys() - {participant_id})

    def named(self, name: str, organisation: str) -> dict[str, Speaker]:
        """The registrations of whoever is called ``name`` of ``organisation``, as a person
        compares them ("AICHA benali" is "A\u00efcha Benali"), by id."""
        ids = self._ids_of.get(remembered_person_key(name, organisation), {})
        return {participant_id: self[participant_id] for participant_id in ids}
