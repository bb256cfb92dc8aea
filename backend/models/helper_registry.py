"""The registry of 帮办代办人: people allowed to file on someone else's behalf."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamped

HELPER_KINDS = {
    "relative": "亲属",
    "community_worker": "社区工作者（网格员、社工）",
    "volunteer": "志愿者",
}


class RegisteredHelper(Timestamped, Base):
    """A registered helper, kept by staff; deactivated rather than deleted."""

    __tablename__ = "registered_helper"
    __table_args__ = (Index("ix_registered_helper_district_active", "district", "is_active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))  # a key of HELPER_KINDS
    organisation: Mapped[str | None] = mapped_column(String(60))  # 社区, 社工站, 志愿队 ...
    district: Mapped[str] = mapped_column(String(16))  # the 区县 whose staff keep this entry
    # Phone: encrypted, keyed hash for matching, masked for display.
    phone_enc: Mapped[str] = mapped_column(Text)
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    phone_masked: Mapped[str] = mapped_column(String(11))
    # ID number: optional, same treatment.
    id_number_enc: Mapped[str | None] = mapped_column(Text)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    id_number_masked: Mapped[str | None] = mapped_column(String(18))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    deactivated_at: Mapped[datetime | None]
    deactivated_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
