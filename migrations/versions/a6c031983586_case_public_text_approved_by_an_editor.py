"""A case's public text, as an editor approved it (publications)

Nothing is published without an editor's check: cases answered before this revision leave the
public page until an editor approves their masked text on the publication desk.

Revision ID: a6c031983586
Revises: e2f84eac51ae
Create Date: 2026-12-06 23:09:41.928212

"""

import sqlalchemy as sa
from alembic import op

import core.db

# revision identifiers, used by Alembic.
revision = "a6c031983586"
down_revision = "e2f84eac51ae"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("reply_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=256), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_publications_approved_by_id_users")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_publications_case_id_cases")),
        sa.ForeignKeyConstraint(["reply_id"], ["replies.id"], name=op.f("fk_publications_reply_id_replies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publications")),
        sa.UniqueConstraint("case_id", name=op.f("uq_publications_case_id")),
    )


def downgrade():
    op.drop_table("publications")
