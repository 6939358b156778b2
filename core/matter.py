"""A citizen's matter, in the words both the live show and the follow-up use: its category, its
urgency and the citizen's satisfaction with an answer."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from core.labels import register


class Category(enum.StrEnum):
    ENQUIRY = "enquiry"  # 咨询
    HELP = "help"  # 求助
    COMPLAINT = "complaint"  # 投诉
    REPORT = "report"  # 举报
    SUGGESTION = "suggestion"  # 建议
    PRAISE = "praise"  # 表扬


class Urgency(enum.StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"  # ordinary emergency: hand over within 15 minutes
    MAJOR = "major"  # major emergency: within 10 minutes


class Satisfaction(enum.StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASIC = "basic"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意


register(
    Category,
    {
        Category.ENQUIRY: _l("Enquiry"),
        Category.HELP: _l("Request for help"),
        Category.COMPLAINT: _l("Complaint"),
        Category.REPORT: _l("Report of wrongdoing"),
        Category.SUGGESTION: _l("Suggestion"),
        Category.PRAISE: _l("Praise"),
    },
)
register(
    Urgency,
    {
        Urgency.NORMAL: _l("Normal"),
        Urgency.URGENT: _l("Urgent"),
        Urgency.MAJOR: _l("Major emergency"),
    },
)
register(
    Satisfaction,
    {
        Satisfaction.SATISFIED: _l("Satisfied"),
        Satisfaction.BASIC: _l("Basically satisfied"),
        Satisfaction.UNSATISFIED: _l("Unsatisfied"),
    },
)
