"""After the show: follow-up cases (转办件) with deadlines, callbacks, supervision and scores."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from flask import Flask

if TYPE_CHECKING:
    from broadcast.models import AirSession
    from console.models import Call
    from core.accounts import User

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """The case pages, desks, API and namespace, the public page and the editors' publication desk,
    the citizen's receipt lookup and scores, the daily duty's and the demo's CLI; and follow-up
    listens to the console: a show's matters become cases when it ends, and a case follows its
    call's on-air record as corrected."""
    from console.demo import demo_cli
    from console.signals import record_saved, session_ended
    from core.extensions import socketio
    from followup.api import bp as api_bp
    from followup.callbacks_desk import bp as callbacks_bp
    from followup.case_page import bp as case_page_bp
    from followup.demo import followup_demo_cli
    from followup.desks import bp as desks_bp
    from followup.public import bp as public_bp
    from followup.publication_desk import bp as publication_bp
    from followup.realtime import NAMESPACE, DeskNamespace
    from followup.receipt import bp as receipt_bp
    from followup.scheduler import followup_cli
    from followup.scores_page import bp as scores_bp

    for blueprint in (
        api_bp,
        callbacks_bp,
        case_page_bp,
        desks_bp,
        public_bp,
        publication_bp,
        receipt_bp,
        scores_bp,
    ):
        app.register_blueprint(blueprint)
    demo_cli.add_command(followup_demo_cli)
    app.cli.add_command(followup_cli)
    socketio.on_namespace(DeskNamespace(NAMESPACE))
    session_ended.connect(_convert_ended_session, app)
    record_saved.connect(_amend_case, app)


def _convert_ended_session(app: Flask, *, session: AirSession, actor: User | None) -> None:
    """The show's end is committed already; a conversion that fails here is logged, not the
    host's error, and the daily duty makes the cases the show still owes."""
    from core.extensions import db
    from followup.conversion import convert_session

    try:
        convert_session(session, actor)
    except Exception:
        db.session.rollback()
        log.exception("the calls of session %s were not made cases; the daily duty will", session.id)


def _amend_case(app: Flask, *, call: Call, before: dict[str, Any], actor: User | None) -> None:
    """The record is committed already, so the clerk's save stands; a case that could not follow
    it is logged for the office, as the record and the case's history then differ."""
    from core.extensions import db
    from followup.amendments import amend_case

    try:
        amend_case(call, before, actor)
    except Exception:
        db.session.rollback()
        log.exception("the case of call %s did not follow its amended on-air record", call.id)
