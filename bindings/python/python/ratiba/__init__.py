"""Ratiba's tenant onboarding, from Python.

One call creates a tenant's registry rows, its own store and its identity realm, all
or nothing; ``reconcile`` cleans what a crash left. Everything is done by the Rust
core (``ratiba-core``): this package converts arguments and results, and maps errors.

    >>> import ratiba
    >>> onboarder = ratiba.Onboarder.in_memory()
    >>> tenant = onboarder.onboard({"name": "Spa Pilot", "slug": "spa_pilot",
    ...     "vertical": "spa", "owner_phone": "+254712345678",
    ...     "whatsapp_number": "+15555555555", "locale": "en",
    ...     "timezone": "Africa/Nairobi", "mpesa_enabled": True})
    >>> tenant.status
    'trial'

Blocking calls release the GIL while the core works; :class:`AsyncOnboarder` (or
``onboarder.aio``) has the same methods as coroutines for asyncio.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, List, Mapping, Optional, Union

from . import _native
from ._native import (
    FAULT_POINTS,
    FEATURES,
    ConflictError,
    Faults,
    KeycloakConfig,
    NotFoundError,
    ProvisioningError,
    RatibaError,
    TenantSpec,
    UnavailableError,
    ValidationError,
)
from ._types import (
    CatalogCommit,
    CatalogImport,
    Check,
    CommitReport,
    ExtractedRow,
    Extraction,
    OwnerSignIn,
    ReconcileItem,
    ReconcileReport,
    Relation,
    Service,
    ServiceRow,
    Staff,
    Tenant,
    TenantAdmin,
    VerifyReport,
)

__all__ = [
    "AsyncOnboarder",
    "CatalogCommit",
    "CatalogImport",
    "Check",
    "CommitReport",
    "ConflictError",
    "ExtractedRow",
    "Extraction",
    "FAULT_POINTS",
    "FEATURES",
    "Faults",
    "KeycloakConfig",
    "NotFoundError",
    "Onboarder",
    "OwnerSignIn",
    "ProvisioningError",
    "RatibaError",
    "ReconcileItem",
    "ReconcileReport",
    "Relation",
    "Service",
    "ServiceRow",
    "Staff",
    "Tenant",
    "TenantAdmin",
    "TenantSpec",
    "UnavailableError",
    "ValidationError",
    "VerifyReport",
]

Spec = Union[TenantSpec, Mapping[str, Any]]
"""An onboarding request: a :class:`TenantSpec`, or a dict of the JSON clients send."""

Image = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]"]
"""A menu photo: its bytes, or a path to read them from."""

Commit = Union[CatalogCommit, Mapping[str, Any]]


def _image_bytes(image: Optional[Image]) -> Optional[bytes]:
    if image is None:
        return None
    if isinstance(image, (bytes, bytearray, memoryview)):
        return bytes(image)
    return Path(image).read_bytes()


def _commit_dict(commit: Commit) -> Mapping[str, Any]:
    if isinstance(commit, CatalogCommit):
        return commit.to_dict()
    return commit


class _Factories:
    _native: _native.NativeOnboarder

    def __init__(self, native: _native.NativeOnboarder) -> None:
        self._native = native

    @classmethod
    def in_memory(
        cls,
        faults: Optional[Faults] = None,
        *,
        floor_kes: Optional[int] = None,
        reconcile_grace: Optional[float] = None,
    ):
        """In-memory fakes of every port; nothing touches the disk. With ``faults``,
        every port is wrapped with that (changeable) fault plan."""
        return cls(_native.NativeOnboarder.in_memory(faults, floor_kes, reconcile_grace))

    @classmethod
    def embedded(
        cls,
        data_dir: Union[str, "os.PathLike[str]"],
        *,
        faults: Optional[Faults] = None,
        floor_kes: Optional[int] = None,
        reconcile_grace: Optional[float] = None,
    ):
        """The embedded default under ``data_dir``: ``registry.db``, one SQLite file
        per tenant, realm files. No server needed."""
        return cls(
            _native.NativeOnboarder.embedded(
                os.fspath(data_dir), faults, floor_kes, reconcile_grace
            )
        )

    @classmethod
    def postgres(
        cls,
        database_url: str,
        *,
        keycloak: Optional[KeycloakConfig] = None,
        encryption_key: Optional[str] = None,
        realms_dir: Union[str, "os.PathLike[str]", None] = None,
        database: Optional[str] = None,
        faults: Optional[Faults] = None,
        floor_kes: Optional[int] = None,
        reconcile_grace: Optional[float] = None,
    ):
        """PostgreSQL (a schema per tenant) with realms in Keycloak (``keycloak=``)
        or in realm files (``realms_dir=``). ``encryption_key`` is one base64 key, or
        ``ID:BASE64,...`` with the active key first, sealing WhatsApp access tokens.
        ``database`` overrides the database named in the URL. Raises
        ``NotImplementedError`` when this build has no PostgreSQL backend."""
        return cls(
            _native.NativeOnboarder.postgres(
                database_url,
                keycloak,
                encryption_key,
                os.fspath(realms_dir) if realms_dir is not None else None,
                database,
                faults,
                floor_kes,
                reconcile_grace,
            )
        )

    @property
    def backend(self) -> str:
        """The schema backend: ``memory``, ``sqlite`` or ``postgres``."""
        return self._native.backend


class Onboarder(_Factories):
    """Onboards tenants and looks after them. Every method blocks until the core is
    done (with the GIL released) and raises a :class:`RatibaError` subclass."""

    @property
    def aio(self) -> "AsyncOnboarder":
        """The same Onboarder (same backends, same state) with asyncio methods."""
        return AsyncOnboarder(self._native)

    def onboard(self, spec: Spec) -> Tenant:
        """Creates the tenant: all of it, or nothing. ``ValidationError`` lists every
        field problem; ``ConflictError`` when the slug is taken; ``ProvisioningError``
        says what the saga undid and what it left (for ``reconcile(fix=True)``)."""
        return Tenant._from(self._native.onboard(spec))

    def get(self, slug: str) -> Tenant:
        """The tenant of ``slug``; ``NotFoundError`` when there is none."""
        return Tenant._from(self._native.get(slug))

    def list(self) -> List[Tenant]:
        """Every tenant."""
        return [Tenant._from(t) for t in self._native.list()]

    def verify(self, slug: str) -> VerifyReport:
        """Checks the tenant's registry rows, store, tables and realm."""
        return VerifyReport._from(self._native.verify(slug))

    def reset_owner_password(self, slug: str) -> OwnerSignIn:
        """Gives the tenant's owner a fresh one-time password for the dashboard's
        sign-in through the tenant's realm (the realm asks for a new one at the first
        sign-in; any earlier one stops working). The password is stored nowhere: show
        it once. ``NotFoundError`` when there is no such tenant (or realm, or owner);
        ``ConflictError`` when the realms are files (set KEYCLOAK_URL and push them to
        Keycloak first)."""
        return OwnerSignIn._from(self._native.reset_owner_password(slug))

    def delete(self, slug: str) -> None:
        """Deletes the tenant's realm, registry rows and store."""
        self._native.delete(slug)

    def reconcile(self, fix: bool = False) -> ReconcileReport:
        """Lists what failed or crashed onboardings left; with ``fix``, removes it."""
        return ReconcileReport._from(self._native.reconcile(fix))

    def extract_catalog(
        self, text: Optional[str] = None, image: Optional[Image] = None
    ) -> Extraction:
        """Reads a menu (text, a photo's bytes or path, or both) and colours its rows.
        Writes nothing."""
        return Extraction._from(self._native.extract_catalog(text, _image_bytes(image)))

    def import_catalog(
        self,
        slug: str,
        text: Optional[str] = None,
        image: Optional[Image] = None,
        *,
        commit: bool = False,
    ) -> CatalogImport:
        """Extracts a menu for a tenant and stores it as a draft; with ``commit``,
        writes the rows that carry a price too (red rows never are)."""
        return CatalogImport._from(
            self._native.import_catalog(slug, text, _image_bytes(image), commit)
        )

    def commit_catalog(self, slug: str, commit: Commit) -> CommitReport:
        """Writes reviewed services and relations, after the core's commit rules."""
        return CommitReport._from(self._native.commit_catalog(slug, _commit_dict(commit)))

    def list_services(self, slug: str) -> List[Service]:
        """The tenant's services."""
        return [Service._from(s) for s in self._native.list_services(slug)]

    def add_staff(self, slug: str, staff: Mapping[str, Any]) -> Staff:
        """Adds a staff member: ``{"name", "phone"?, "services": [...], "schedule":
        [{"weekday": "mon", "start": "09:00", "end": "17:00"}, ...]}``. Services are names
        (or ids) from the tenant's catalog; overlapping or inverted intervals raise
        :class:`ValidationError` naming the field (``schedule[1].end``)."""
        return Staff._from(self._native.add_staff(slug, dict(staff)))

    def list_staff(self, slug: str) -> List[Staff]:
        """The tenant's staff with their services and weekly schedules."""
        return [Staff._from(s) for s in self._native.list_staff(slug)]

    def update_staff(self, slug: str, id: str, staff: Mapping[str, Any]) -> Staff:
        """Replaces a staff member's name, phone, services and schedule."""
        return Staff._from(self._native.update_staff(slug, id, dict(staff)))

    def remove_staff(self, slug: str, id: str) -> None:
        """Removes a staff member."""
        self._native.remove_staff(slug, id)


class AsyncOnboarder(_Factories):
    """:class:`Onboarder` for asyncio: the same methods, as coroutines, run on the
    module's tokio runtime."""

    @property
    def sync(self) -> Onboarder:
        """The same Onboarder with blocking methods."""
        return Onboarder(self._native)

    async def onboard(self, spec: Spec) -> Tenant:
        return Tenant._from(await self._native.onboard(spec, aio=True))

    async def get(self, slug: str) -> Tenant:
        return Tenant._from(await self._native.get(slug, aio=True))

    async def list(self) -> List[Tenant]:
        return [Tenant._from(t) for t in await self._native.list(aio=True)]

    async def verify(self, slug: str) -> VerifyReport:
        return VerifyReport._from(await self._native.verify(slug, aio=True))

    async def reset_owner_password(self, slug: str) -> OwnerSignIn:
        return OwnerSignIn._from(await self._native.reset_owner_password(slug, aio=True))

    async def delete(self, slug: str) -> None:
        await self._native.delete(slug, aio=True)

    async def reconcile(self, fix: bool = False) -> ReconcileReport:
        return ReconcileReport._from(await self._native.reconcile(fix, aio=True))

    async def extract_catalog(
        self, text: Optional[str] = None, image: Optional[Image] = None
    ) -> Extraction:
        return Extraction._from(
            await self._native.extract_catalog(text, _image_bytes(image), aio=True)
        )

    async def import_catalog(
        self,
        slug: str,
        text: Optional[str] = None,
        image: Optional[Image] = None,
        *,
        commit: bool = False,
    ) -> CatalogImport:
        return CatalogImport._from(
            await self._native.import_catalog(slug, text, _image_bytes(image), commit, aio=True)
        )

    async def commit_catalog(self, slug: str, commit: Commit) -> CommitReport:
        return CommitReport._from(
            await self._native.commit_catalog(slug, _commit_dict(commit), aio=True)
        )

    async def list_services(self, slug: str) -> List[Service]:
        return [Service._from(s) for s in await self._native.list_services(slug, aio=True)]

    async def add_staff(self, slug: str, staff: Mapping[str, Any]) -> Staff:
        return Staff._from(await self._native.add_staff(slug, dict(staff), aio=True))

    async def list_staff(self, slug: str) -> List[Staff]:
        return [Staff._from(s) for s in await self._native.list_staff(slug, aio=True)]

    async def update_staff(self, slug: str, id: str, staff: Mapping[str, Any]) -> Staff:
        return Staff._from(await self._native.update_staff(slug, id, dict(staff), aio=True))

    async def remove_staff(self, slug: str, id: str) -> None:
        await self._native.remove_staff(slug, id, aio=True)


for _m in ("onboard", "get", "list", "verify", "reset_owner_password", "delete", "reconcile",
           "extract_catalog", "import_catalog", "commit_catalog", "list_services", "add_staff",
           "list_staff", "update_staff", "remove_staff"):
    getattr(AsyncOnboarder, _m).__doc__ = getattr(Onboarder, _m).__doc__
del _m
