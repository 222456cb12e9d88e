"""The domain's codes as the faces name them in English (frontend/static/js/i18n.js, English):
what a spreadsheet, a Word document or a CSV shows a person instead of the code. Written once,
here: the participants' spreadsheet reads them back (app/participants_io.py), the outcome summary
(app/outcome.py) and the day's record (app/exports.py) write them. A value not listed is shown
as it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

CONSTITUENCY_LABELS: Final[Mapping[str, str]] = {
    "migrant_association": "Migrant association",
    "local_and_regional_authorities": "Local and regional authorities",
    "civil_society": "Civil society",
    "migrant_and_diaspora_organisation": "Migrant and diaspora organisation",
    "academia": "Academia",
    "private_sector": "Private sector",
    "trade_union": "Trade union",
    "parliamentarian": "Parliamentarian",
    "national_human_rights_institution": "National human rights institution",
    "faith_based_organisation": "Faith-based organisation",
    "red_cross_red_crescent": "Red Cross / Red Crescent",
    "media": "Media",
    "human_rights_mechanism": "Human rights mechanism",
    "member_state": "Member State",
    "un_system": "UN system",
    "other": "Other",
}
LANGUAGE_LABELS: Final[Mapping[str, str]] = {
    "ar": "Arabic",
    "zh": "Chinese",
    "en": "English",
    "fr": "French",
    "ru": "Russian",
    "es": "Spanish",
    "other": "Another language",
}
GENDER_LABELS: Final[Mapping[str, str]] = {
    "woman": "Woman",
    "man": "Man",
    "another": "Another gender",
}
ATTENDANCE_LABELS: Final[Mapping[str, str]] = {"in_room": "In the room", "remote": "Remote"}
#: A turn's kind (app/floor/model.py TurnKind), as the console names it.
TURN_KIND_LABELS: Final[Mapping[str, str]] = {
    "panellist": "Panellist",
    "intervention": "Floor intervention",
    "point_of_order": "Point of order",
    "right_of_reply": "Right of reply",
    "moderator_summary": "Moderator's summary",
    "remarks": "Remarks",
    "question": "Question",
    "answer": "Answer",
}
#: A turn in the day's record: given and spoken, or given and skipped (the speaker was not there).
TURN_STATUS_LABELS: Final[Mapping[str, str]] = {"spoken": "Spoken", "skipped": "Skipped"}


def label(labels: Mapping[str, str], code: str) -> str:
    """The code's label, or the code itself when it has none."""
    return labels.get(code, code)
