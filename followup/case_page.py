"""The page of one follow-up case, where the unit's handler and reviewer, the oversight office and
the callback agent see the case and act on it.

The server only embeds what the script needs (the case as ``GET /api/cases/<id>`` gives it, the
units for reassigning, which actions on single callbacks, extensions and notices the viewer may
take); static/js/followup/case.js draws the page from it and fetches the case again after every
action. A case the viewer's unit may not see is answered 404, as the API does.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import select

from broadcast.models import Unit
from core.access import requires
from core.accounts import User
from core.api import ApiError
from core.extensions import db
from followup.models import Case
from followup.policy import policy_for
from followup.serialize import case_json
from followup.workflow import ACTIONS, check_may_act, may_see

bp = Blueprint("case_page", __name__)


@bp.get("/followup/cases/<int:case_id>")
@requires()
def case_page(case_id: int) -> Any:
    case = db.session.get(Case, case_id)
    if case is None or not may_see(case, current_user):
        abort(404)
    page = {
        "case": case_json(case, current_user),
        "units": _units(),
        "item_actions": item_actions(case, current_user),
        "head_signoff_required": policy_for(case.programme_id).head_signoff_required,
    }
    return render_template("followup/case.html", case=case, page=page)


def item_actions(case: Case, user: User) -> dict[str, list[str]]:
    """The actions on one callback, extension or notice the viewer's role and unit allow, each with
    the case states it starts from, so the script offers them beside the items that still fit
    after a refetch. The server checks again when one is taken."""
    allowed: dict[str, list[str]] = {}
    for action in ACTIONS.values():
        if not action.per_item:
            continue
        try:
            check_may_act(case, action, user)
        except ApiError:
            continue
        allowed[action.name] = sorted(action.sources)
    return allowed


def _units() -> list[dict[str, Any]]:
    # Names and sections only: the units' contact people and phones are not this page's business.
    units = db.session.scalars(select(Unit).order_by(Unit.name))
    return [
        {"id": u.id, "name": u.name, "sections": [{"id": s.id, "name": s.name} for s in u.sections]}
        for u in units
    ]
