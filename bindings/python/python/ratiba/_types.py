"""The records ratiba returns: plain frozen dataclasses built from the core's JSON
shapes (the same as the CLI's ``--json`` and the HTTP API)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Type, TypeVar

T = TypeVar("T")


def _pick(cls: Type[T], data: Mapping[str, Any], **nested: Any) -> T:
    """Builds ``cls`` from the keys it declares; keys a newer core adds are ignored."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values = {k: v for k, v in data.items() if k in names}
    values.update(nested)
    return cls(**values)


class _Record:
    def to_dict(self) -> Dict[str, Any]:
        """The record as the JSON shape it came from."""
        out = dataclasses.asdict(self)  # type: ignore[call-overload]
        for key, value in out.items():
            if isinstance(value, datetime):
                out[key] = value.isoformat().replace("+00:00", "Z")
        return out


@dataclass(frozen=True)
class TenantAdmin(_Record):
    phone_number: str
    role: str
    is_active: bool

    @classmethod
    def _from(cls, data: Mapping[str, Any]) -> "TenantAdmin":
        return _pick(cls, data)


@dataclass(frozen=True)
class Tenant(_Record):
    """A tenant as every frontend returns it. It never holds a credential."""

    id: str
    name: str
    slug: str
    vertical: str
    status: str
    locale: str
    timezone: str
    whatsapp_number: str
    voice_number: Optional[str]
    mpesa_enabled: bool
    created_at: datetime
    admins: List[TenantAdmin] = field(default_factory=list)

    @property
    def owner(self) -> Optional[TenantAdmin]:
        """The admin with role ``owner``."""
        return next((a for a in self.admins if a.role == "owner"), None)

    @classmethod
    def _from(cls, data: Mapping[str, Any]) -> "Tenant":
        created = datetime.fromisoformat(str(data["created_at"]).replace("Z", "+00:00"))
        admins = [TenantAdmin._from(a) for a in data.get("admins", [])]
        return _pick(cls, data, created_at=created, admins=admins)


@dataclass(frozen=True)
class Check(_Record):
    name: str
    ok: bool
    detail: str
    #: A failed warning (no staff schedule yet, say) does not make the report fail.
    warning: bool = False

    @classmethod
    def _from(cls, data: Mapping[str, Any]) -> "Check":
        return _pick(cls, data)


@dataclass(frozen=True)
class VerifyReport(_Record):
    """``verify``: every check of a tenant's registry rows, store and realm."""

    slug: str
    ok: bool
    checks: List[Check]

    @property
    def failed(self) -> List[Check]:
        """Failed checks that make the report fail (warnings left out)."""
        return [c for c in self.checks if not c.ok and not c.warning]

    @property
    def warnings(self) -> List[Check]:
        """Failed warnings: worth doing, not blocking."""
        return [c for c in self.checks if not c.ok and c.warning]

    @classmethod
    def _from(cls, data: Mapping[str, Any]) -> "VerifyReport":
        return _pick(cls, data, checks=[Check._from(c) for c in data.get("checks", [])])


@dataclass(frozen=True)
class OwnerSignIn(_Record):
    """``reset_owner_password``: what the tenant's owner needs for their first
    dashboard sign-in. The password works once (the realm then asks the owner to
    choose their own) and is stored nowhere: show it once. It is left out of the
    record's ``repr``/``str``; read it from ``temporary_password``."""

    realm: str
    """The tenant's realm (its slug): the owner types it on the sign-in page."""
    username: str
    """The owner's phone number without ``+``."""
    temporary_password: str = field(repr=False)

    @classmethod
    def _from(cls, data: Mapping[str, Any]) -> "OwnerSignIn":
        return _pick(cls, data)


@dataclass(frozen=True)
class ReconcileItem(_Record):
    leftover: str
    reason: str
    action: str

    @classmethod
    def _from(cls, data: Mapping[str, Any]) -> "ReconcileItem":
        return _pick(cls, data)


@dataclass(frozen=True)
class ReconcileReport(_Record):
    """``reconcile``: what failed or crashed onboardings left, and what was done."""

    items: List[ReconcileItem]
    clean: bool
    """Nothing was found."""
    failures: int
    """Items whose removal failed."""

    @classmethod
    def _from(cls, data: Mapping[str, Any]) -> "ReconcileReport":
        return _pick(cls, data, items=[ReconcileItem._from(i) for i in data.get("items", [])])


@dataclass(frozen=True)
class ExtractedRow(_Record):
    """One row read from a menu, coloured by the core: ``green``, ``yellow`` or
    ``red`` (a red row never carries a price)."""

    name: str
    price_kes: Optional[int]
    duration_minutes: Optional[int]
    category: Optional[str]
    confidence: str
    reasons: List[str] = field(default_factory=list)
    price_max_kes: Optional[int] = None
    duration_max_minutes: Optional[int] = None

    @classmethod
    def _from(cls, data: Mapping[str, Any]) -> "ExtractedRow":
        return _pick(cls, data)


@dataclass(frozen=True)
class Relation(_Record):
    service: str
    related: str
    relation_type: str = "cross_sell"

    @classmethod
    def _from(cls, data: Mapping[str, Any]) -> "Relation":
        return _pick(cls, data)


@dataclass(frozen=True)
class Extraction(_Record):
    rows: List[ExtractedRow]
    relations: List[Relation]

    @classmethod
    def _from(cls, data: Mapping[str, Any]) -> "Extraction":
        return cls(
            rows=[ExtractedRow._from(r) for r in data.get("rows", [])],
            relations=[Relation._from(r) for r in data.get("relations", [])],
        )


@dataclass(frozen=True)
class CommitReport(_Record):
    created: int
    updated: int
    unchanged: int
    relations: int

    @classmethod
    def _from(cls, data: Mapping[str, Any]) -> "CommitReport":
        return _pick(cls, data)


@dataclass(frozen=True)
class CatalogImport(_Record):
    """``import_catalog``: the stored draft, and what was committed (with ``commit=True``)."""

    import_id: str
    extraction: Extraction
    committed: Optional[CommitReport]
    needs_price: List[str]
    """Red rows, never committed: the owner must type their price."""

    @classmethod
    def _from(cls, data: Mapping[str, Any]) -> "CatalogImport":
        committed = data.get("committed")
        return _pick(
            cls,
            data,
            extraction=Extraction._from(data.get("extraction", {})),
            committed=CommitReport._from(committed) if committed is not None else None,
        )


@dataclass(frozen=True)
class ServiceRow(_Record):
    """One service to commit; it always has a price (KES, at or above the floor)."""

    name: str
    price_kes: int
    duration_minutes: Optional[int] = None
    category: Optional[str] = None


@dataclass(frozen=True)
class CatalogCommit(_Record):
    """A reviewed catalog for ``commit_catalog``."""

    services: List[ServiceRow] = field(default_factory=list)
    relations: List[Relation] = field(default_factory=list)
    import_id: Optional[str] = None


@dataclass(frozen=True)
class Service(_Record):
    """A service as stored."""

    id: str
    name: str
    price_kes: int
    duration_minutes: Optional[int]
    category: Optional[str]

    @classmethod
    def _from(cls, data: Mapping[str, Any]) -> "Service":
        return _pick(cls, data)


@dataclass(frozen=True)
class Staff(_Record):
    """A staff member as stored: the services they perform and their weekly schedule
    (``{"weekday", "start", "end"}`` intervals in the tenant's timezone)."""

    id: str
    name: str
    phone: Optional[str]
    services: List[str]
    schedule: List[Dict[str, Any]]

    @classmethod
    def _from(cls, data: Mapping[str, Any]) -> "Staff":
        return _pick(cls, data)
