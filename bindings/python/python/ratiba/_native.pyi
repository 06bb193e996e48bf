"""Type stubs of ``ratiba._native``, the pyo3 module under :mod:`ratiba`."""

from typing import Any, Awaitable, Dict, List, Literal, Optional, Union, overload

FAULT_POINTS: List[str]
"""Where a fault can be injected: each saga step and compensation."""
FEATURES: List[str]
"""Optional backends this build has: ``postgres``, ``keycloak``."""

class RatibaError(Exception):
    """Every error of ratiba."""

    kind: str
    """``validation``, ``conflict``, ``not_found``, ``unavailable``, ``backend`` or ``provisioning``."""
    code: str
    """``VALIDATION``, ``CONFLICT``, ``NOT_FOUND``, ``UNAVAILABLE`` or ``PROVISIONING`` (as in Node)."""
    message: str
    """One sentence; ``str(err)`` adds every field problem and the saga's report."""
    errors: List[Dict[str, str]]
    """Field problems, each ``{"field": ..., "message": ...}``; empty unless a ValidationError."""
    retry_after: Optional[float]
    """Seconds to wait before trying again (UnavailableError), else None."""
    saga: Optional[Dict[str, Any]]
    """For a failed onboarding: ``{onboarding_id, failed_step, undone, left_behind}``."""
    onboarding_id: Optional[str]
    failed_step: Optional[str]
    """``journal``, ``schema``, ``realm`` or ``commit``."""
    undone: List[str]
    """Completed steps that were undone, in the order they were undone."""
    left_behind: List[Dict[str, str]]
    """What could not be undone (``{"kind": "realm"|"tenant_store", "name": ...}``), journaled for ``reconcile(fix=True)``."""

class ValidationError(RatibaError): ...
class ConflictError(RatibaError): ...
class NotFoundError(RatibaError): ...
class UnavailableError(RatibaError): ...
class ProvisioningError(RatibaError): ...

FaultKind = Literal["fail", "fail_after", "unavailable"]

class Faults:
    """A shared, changeable fault plan. Points: see :data:`FAULT_POINTS`
    (``journal_start``, ``schema_prepare``, ``realm_create``, ``schema_commit``,
    ``schema_rollback``, ``realm_delete``, ``journal_finish``, ``extract``)."""

    def __init__(self) -> None: ...
    def fail(self, point: str, times: Optional[int] = None) -> "Faults":
        """Fail before doing anything (every call, or the next ``times`` calls)."""
    def fail_after(self, point: str, times: Optional[int] = None) -> "Faults":
        """Do the work, then report failure (a lost reply)."""
    def unavailable(self, point: str, times: Optional[int] = None) -> "Faults":
        """Fail with a retryable UnavailableError."""
    def set(self, point: str, kind: FaultKind, times: Optional[int] = None) -> "Faults": ...
    def delay(self, point: str, seconds: float) -> "Faults":
        """Delay every call at ``point`` (and still run it)."""
    def clear(self) -> None:
        """Remove every rule."""

class TenantSpec:
    """A valid onboarding request; constructing one validates it (ValidationError
    lists every field problem)."""

    def __init__(
        self,
        *,
        name: str = ...,
        slug: str = ...,
        vertical: str = ...,
        owner_phone: str = ...,
        whatsapp_number: str = ...,
        locale: str = ...,
        timezone: str = ...,
        mpesa_enabled: bool = ...,
        voice_number: Optional[str] = ...,
        card_enabled: bool = ...,
        cash_enabled: bool = ...,
        whatsapp_phone_number_id: Optional[str] = ...,
        whatsapp_access_token: Optional[str] = ...,
        whatsapp_business_account_id: Optional[str] = ...,
    ) -> None: ...
    @staticmethod
    def from_dict(value: Union["TenantSpec", Dict[str, Any]]) -> "TenantSpec": ...
    @staticmethod
    def from_json(text: str) -> "TenantSpec": ...
    @property
    def name(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def vertical(self) -> str: ...
    @property
    def owner_phone(self) -> str: ...
    @property
    def whatsapp_number(self) -> str: ...
    @property
    def voice_number(self) -> Optional[str]: ...
    @property
    def locale(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    @property
    def mpesa_enabled(self) -> bool: ...
    @property
    def card_enabled(self) -> bool: ...
    @property
    def cash_enabled(self) -> bool: ...
    @property
    def has_whatsapp_credentials(self) -> bool: ...

class KeycloakConfig:
    """How to reach Keycloak's Admin REST API: password login (``admin_user`` and
    ``password`` on ``admin_realm``) or a service account (``client_id`` and
    ``client_secret``). Timeouts in seconds."""

    url: str
    admin_user: str
    admin_realm: str
    client_id: Optional[str]
    def __init__(
        self,
        url: str,
        admin_user: str = "admin",
        password: Optional[str] = None,
        admin_realm: str = "master",
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        request_timeout: Optional[float] = None,
        create_timeout: Optional[float] = None,
    ) -> None: ...

Json = Any

class NativeOnboarder:
    """The core's Onboarder. With ``aio=True`` each method returns an awaitable;
    otherwise it blocks (GIL released). Results are the core's JSON shapes."""

    @staticmethod
    def in_memory(
        faults: Optional[Faults] = None,
        floor_kes: Optional[int] = None,
        reconcile_grace: Optional[float] = None,
    ) -> "NativeOnboarder": ...
    @staticmethod
    def embedded(
        data_dir: str,
        faults: Optional[Faults] = None,
        floor_kes: Optional[int] = None,
        reconcile_grace: Optional[float] = None,
    ) -> "NativeOnboarder": ...
    @staticmethod
    def postgres(
        database_url: str,
        keycloak: Optional[KeycloakConfig] = None,
        encryption_key: Optional[str] = None,
        realms_dir: Optional[str] = None,
        database: Optional[str] = None,
        faults: Optional[Faults] = None,
        floor_kes: Optional[int] = None,
        reconcile_grace: Optional[float] = None,
    ) -> "NativeOnboarder": ...
    @property
    def backend(self) -> str: ...
    def onboard(self, spec: Union[TenantSpec, Dict[str, Any]], aio: bool = False) -> Json: ...
    def get(self, slug: str, aio: bool = False) -> Json: ...
    def list(self, aio: bool = False) -> Json: ...
    def verify(self, slug: str, aio: bool = False) -> Json: ...
    def reset_owner_password(self, slug: str, aio: bool = False) -> Json:
        """``{realm, username, temporary_password}``: a fresh one-time password for the
        owner's dashboard sign-in (ConflictError when the realms are files)."""
    def delete(self, slug: str, aio: bool = False) -> Json: ...
    def reconcile(self, fix: bool = False, aio: bool = False) -> Json: ...
    def extract_catalog(
        self, text: Optional[str] = None, image: Optional[bytes] = None, aio: bool = False
    ) -> Json: ...
    def import_catalog(
        self,
        slug: str,
        text: Optional[str] = None,
        image: Optional[bytes] = None,
        commit: bool = False,
        aio: bool = False,
    ) -> Json: ...
    def commit_catalog(self, slug: str, commit: Dict[str, Any], aio: bool = False) -> Json: ...
    def list_services(self, slug: str, aio: bool = False) -> Json: ...
    def add_staff(self, slug: str, staff: Json, aio: bool = False) -> Json: ...
    def list_staff(self, slug: str, aio: bool = False) -> Json: ...
    def update_staff(self, slug: str, id: str, staff: Json, aio: bool = False) -> Json: ...
    def remove_staff(self, slug: str, id: str, aio: bool = False) -> Json: ...
