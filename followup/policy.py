"""Each programme's deadline and reply policy, kept as JSON beside the programme; a programme
that never set one follows the defaults of followup.deadlines (15 days, 30 when complex)."""

from __future__ import annotations

from flask import g, has_app_context
from sqlalchemy import select

from core.accounts import User
from core.db import utcnow
from core.extensions import db
from followup.deadlines import DeadlinePolicy
from followup.models import DeadlinePolicyRecord


def policy_for(programme_id: int) -> DeadlinePolicy:
    """Read once per request (or job): a desk's list asks it for every row."""
    known = _read_policies()
    if programme_id not in known:
        stored = _record(programme_id)
        known[programme_id] = DeadlinePolicy.model_validate(stored.rules) if stored else DeadlinePolicy()
    return known[programme_id]


def _read_policies() -> dict[int, DeadlinePolicy]:
    if not has_app_context():
        return {}
    return g.setdefault("deadline_policies", {})


def save_policy(programme_id: int, policy: DeadlinePolicy, actor: User) -> DeadlinePolicy:
    """Store ``policy`` for the programme. Cases keep the deadline they were given; the policy
    applies to cases made, reassigned or redone from now on."""
    stored = _record(programme_id) or DeadlinePolicyRecord(programme_id=programme_id, rules={})
    stored.rules = policy.model_dump(mode="json")
    stored.updated_at = utcnow()
    stored.updated_by_id = actor.id
    db.session.add(stored)
    db.session.commit()
    _read_policies()[programme_id] = policy
    return policy


def _record(programme_id: int) -> DeadlinePolicyRecord | None:
    query = select(DeadlinePolicyRecord).where(DeadlinePolicyRecord.programme_id == programme_id)
    return db.session.scalar(query)
