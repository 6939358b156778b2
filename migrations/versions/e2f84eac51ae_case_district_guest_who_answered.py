"""The case keeps the caller's district; the clerk's record names the guest who answered

Existing cases take the district from the call they were made from.

Revision ID: e2f84eac51ae
Revises: b37876047a17
Create Date: 2026-12-06 21:30:59.249153

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e2f84eac51ae"
down_revision = "b37876047a17"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("air_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_by_guest_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_air_records_answered_by_guest_id_guests"),
            "guests",
            ["answered_by_guest_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("district", sa.String(length=64), nullable=False, server_default=""))

    op.execute(
        "UPDATE cases SET district = (SELECT calls.district FROM calls WHERE calls.id = cases.call_id) "
        "WHERE call_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("district")

    with op.batch_alter_table("air_records", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_air_records_answered_by_guest_id_guests"), type_="foreignkey")
        batch_op.drop_column("answered_by_guest_id")
