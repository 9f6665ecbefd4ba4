from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from vendorrisk.clock import now
from vendorrisk.db import Base, UTCDateTime


class VendorKey(Base):
    """A partner firm's data key, which seals every stored document of the firm, wrapped under a
    master key (``vendorrisk.storage.datakeys``). One live key per firm; deleting the row
    (``service.destroy_vendor_key``) makes the firm's documents unrecoverable.

    ``key_id`` is what the sealed files' headers name; it is random rather than the row id so
    that it is known before the row is inserted (the wrap's associated data covers it).
    """

    __tablename__ = "vendor_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True, unique=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    master_key_id: Mapped[str] = mapped_column(String(32), index=True)
    nonce: Mapped[bytes] = mapped_column(LargeBinary(12))
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary(48))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    rewrapped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
