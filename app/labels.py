# ruff: noqa: RUF001  (the languages' own letters and apostrophes)
"""The domain's codes as the faces name them (frontend/static/js/i18n.js): what a spreadsheet, a
Word document or a CSV shows a person instead of the code. Written once, here: the participants'
spreadsheet reads them back (app/participants_io.py), the outcome summary (app/outcome.py) and
the day's record (app/exports.py) write them. In English, and the constituencies in the six UN
languages too (the outcome summary is written in any of them). A value not listed is shown as it
is."""

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
#: The constituencies in the six UN languages, as the faces name them (frontend/static/js/i18n.js,
#: ``constituency.*``): what the outcome summary prints in the language it is written in.
CONSTITUENCY_LABELS_BY_LANGUAGE: Final[Mapping[str, Mapping[str, str]]] = {
    "en": CONSTITUENCY_LABELS,
    "fr": {
        "migrant_association": "Association de migrants",
        "local_and_regional_authorities": "Autorités locales et régionales",
        "civil_society": "Société civile",
        "migrant_and_diaspora_organisation": "Organisation de migrants et de la diaspora",
        "academia": "Milieu universitaire",
        "private_sector": "Secteur privé",
        "trade_union": "Syndicat",
        "parliamentarian": "Parlementaire",
        "national_human_rights_institution": "Institution nationale des droits de l’homme",
        "faith_based_organisation": "Organisation confessionnelle",
        "red_cross_red_crescent": "Croix-Rouge / Croissant-Rouge",
        "media": "Médias",
        "human_rights_mechanism": "Mécanisme des droits de l’homme",
        "member_state": "État Membre",
        "un_system": "Système des Nations Unies",
        "other": "Autre",
    },
    "es": {
        "migrant_association": "Asociación de migrantes",
        "local_and_regional_authorities": "Autoridades locales y regionales",
        "civil_society": "Sociedad civil",
        "migrant_and_diaspora_organisation": "Organización de migrantes y de la diáspora",
        "academia": "Mundo académico",
        "private_sector": "Sector privado",
        "trade_union": "Sindicato",
        "parliamentarian": "Parlamentario/a",
        "national_human_rights_institution": "Institución nacional de derechos humanos",
        "faith_based_organisation": "Organización confesional",
        "red_cross_red_crescent": "Cruz Roja / Media Luna Roja",
        "media": "Medios de comunicación",
        "human_rights_mechanism": "Mecanismo de derechos humanos",
        "member_state": "Estado Miembro",
        "un_system": "Sistema de las Naciones Unidas",
        "other": "Otro",
    },
    "ru": {
        "migrant_association": "Ассоциация мигрантов",
        "local_and_regional_authorities": "Местные и региональные органы власти",
        "civil_society": "Гражданское общество",
        "migrant_and_diaspora_organisation": "Организация мигрантов и диаспоры",
        "academia": "Академическое сообщество",
        "private_sector": "Частный сектор",
        "trade_union": "Профсоюз",
        "parliamentarian": "Парламентарий",
        "national_human_rights_institution": "Национальное правозащитное учреждение",
        "faith_based_organisation": "Религиозная организация",
        "red_cross_red_crescent": "Красный Крест / Красный Полумесяц",
        "media": "Средства массовой информации",
        "human_rights_mechanism": "Правозащитный механизм",
        "member_state": "Государство-член",
        "un_system": "Система ООН",
        "other": "Другое",
    },
    "zh": {
        "migrant_association": "移民协会",
        "local_and_regional_authorities": "地方和区域当局",
        "civil_society": "民间社会",
        "migrant_and_diaspora_organisation": "移民和侨民组织",
        "academia": "学术界",
        "private_sector": "私营部门",
        "trade_union": "工会",
        "parliamentarian": "议员",
        "national_human_rights_institution": "国家人权机构",
        "faith_based_organisation": "基于信仰的组织",
        "red_cross_red_crescent": "红十字会/红新月会",
        "media": "媒体",
        "human_rights_mechanism": "人权机制",
        "member_state": "会员国",
        "un_system": "联合国系统",
        "other": "其他",
    },
    "ar": {
        "migrant_association": "جمعية مهاجرين",
        "local_and_regional_authorities": "السلطات المحلية والإقليمية",
        "civil_society": "المجتمع المدني",
        "migrant_and_diaspora_organisation": "منظمة مهاجرين ومغتربين",
        "academia": "الأوساط الأكاديمية",
        "private_sector": "القطاع الخاص",
        "trade_union": "نقابة عمالية",
        "parliamentarian": "برلماني",
        "national_human_rights_institution": "مؤسسة وطنية لحقوق الإنسان",
        "faith_based_organisation": "منظمة دينية",
        "red_cross_red_crescent": "الصليب الأحمر / الهلال الأحمر",
        "media": "وسائط الإعلام",
        "human_rights_mechanism": "آلية لحقوق الإنسان",
        "member_state": "دولة عضو",
        "un_system": "منظومة الأمم المتحدة",
        "other": "أخرى",
    },
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
#: The floor languages, the genders and the attendances in the six UN languages, as the faces
#: name them (frontend/static/js/i18n.js ``language.*``, ``join.gender_*``, ``who.*``): what the
#: participants' spreadsheet takes as well as the English (a secretariat in Geneva types French).
LANGUAGE_LABELS_BY_LANGUAGE: Final[Mapping[str, Mapping[str, str]]] = {
    "en": LANGUAGE_LABELS,
    "fr": {
        "ar": "Arabe",
        "zh": "Chinois",
        "en": "Anglais",
        "fr": "Français",
        "ru": "Russe",
        "es": "Espagnol",
        "other": "Autre langue",
    },
    "es": {
        "ar": "Árabe",
        "zh": "Chino",
        "en": "Inglés",
        "fr": "Francés",
        "ru": "Ruso",
        "es": "Español",
        "other": "Otro idioma",
    },
    "ru": {
        "ar": "Арабский",
        "zh": "Китайский",
        "en": "Английский",
        "fr": "Французский",
        "ru": "Русский",
        "es": "Испанский",
        "other": "Другой язык",
    },
    "zh": {
        "ar": "阿拉伯语",
        "zh": "中文",
        "en": "英语",
        "fr": "法语",
        "ru": "俄语",
        "es": "西班牙语",
        "other": "其他语言",
    },
    "ar": {
        "ar": "العربية",
        "zh": "الصينية",
        "en": "الإنكليزية",
        "fr": "الفرنسية",
        "ru": "الروسية",
        "es": "الإسبانية",
        "other": "لغة أخرى",
    },
}
GENDER_LABELS_BY_LANGUAGE: Final[Mapping[str, Mapping[str, str]]] = {
    "en": GENDER_LABELS,
    "fr": {
        "woman": "Femme",
        "man": "Homme",
        "another": "Autre genre",
    },
    "es": {
        "woman": "Mujer",
        "man": "Hombre",
        "another": "Otro género",
    },
    "ru": {
        "woman": "Женщина",
        "man": "Мужчина",
        "another": "Другое",
    },
    "zh": {
        "woman": "女",
        "man": "男",
        "another": "其他性别",
    },
    "ar": {
        "woman": "امرأة",
        "man": "رجل",
        "another": "غير ذلك",
    },
}
ATTENDANCE_LABELS_BY_LANGUAGE: Final[Mapping[str, Mapping[str, str]]] = {
    "en": ATTENDANCE_LABELS,
    "fr": {
        "in_room": "Dans la salle",
        "remote": "À distance",
    },
    "es": {
        "in_room": "En la sala",
        "remote": "A distancia",
    },
    "ru": {
        "in_room": "В зале",
        "remote": "Удалённо",
    },
    "zh": {
        "in_room": "在会场",
        "remote": "远程",
    },
    "ar": {
        "in_room": "في القاعة",
        "remote": "عن بُعد",
    },
}
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
#: A row of the day's record (``reports.day_record``): a turn given and spoken, or given and
#: skipped (the speaker was not there); a place in the queue that left it unheard; a floor
#: request never given a place, whatever became of it (every request has its row).
TURN_STATUS_LABELS: Final[Mapping[str, str]] = {
    "spoken": "Spoken",
    "skipped": "Skipped",
    # a place in the queue, not heard in the segment: still waiting when it ended...
    "carried": "Not heard: carried",
    "dropped": "Not heard: dropped",
    "waiting": "Not heard: left in the queue",
    # ...or gone from the queue before: withdrawn after approval, or taken out by the moderator
    "withdrawn": "Not heard: withdrawn",
    "removed": "Not heard: removed by the moderator",
    # a floor request never given a place in the queue
    "request_carried": "Request not granted: carried",
    "request_dropped": "Request not granted: dropped",
    "request_waiting": "Request not granted: left waiting",
    "request_withdrawn": "Request withdrawn",
    "request_declined": "Request declined",
    "request_removed": "Request removed",
}


def label(labels: Mapping[str, str], code: str) -> str:
    """The code's label, or the code itself when it has none."""
    return labels.get(code, code)
