"""Reports that an on-air commitment is kept, with their evidence (photos, documents)

The unit reports the commitment kept; the office confirms or rejects the report.

Revision ID: 653dbb463ba3
Revises: a6c031983586
Create Date: 2026-12-06 23:07:36.620225

"""

import sqlalchemy as sa
from alembic import op

import core.db

# revision identifiers, used by Alembic.
revision = "653dbb463ba3"
down_revision = "a6c031983586"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "commitment_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=False),
        sa.Column("reported_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", core.db.UTCDateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_commitment_reports_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_commitment_reports_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"], ["users.id"], name=op.f("fk_commitment_reports_reported_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_reports")),
    )
    with op.batch_alter_table("commitment_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitment_reports_case_id"), ["case_id"], unique=False)

    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("commitment_report_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_attachments_commitment_report_id"), ["commitment_report_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_attachments_commitment_report_id_commitment_reports"),
            "commitment_reports",
            ["commitment_report_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_attachments_commitment_report_id_commitment_reports"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_attachments_commitment_report_id"))
        batch_op.drop_column("commitment_report_id")

    with op.batch_alter_table("commitment_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_reports_case_id"))

    op.drop_table("commitment_reports")
