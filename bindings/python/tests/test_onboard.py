"""Onboarding through the Python API: results, validation, blocking and asyncio."""

import asyncio
import dataclasses
import re
import threading

import pytest

import ratiba
from conftest import unique_slug


def test_onboard_returns_tenant(spec):
    o = ratiba.Onboarder.in_memory()
    tenant = o.onboard(spec)
    assert isinstance(tenant, ratiba.Tenant)
    assert tenant.slug == "spa_pilot"
    assert tenant.status == "trial"
    assert tenant.owner is not None and tenant.owner.phone_number == "+254712345678"
    assert tenant.created_at.tzinfo is not None
    assert o.get("spa_pilot") == tenant
    assert [t.slug for t in o.list()] == ["spa_pilot"]
    assert o.backend == "memory"
    assert tenant.to_dict()["created_at"].endswith("Z")


def test_tenant_spec_validates_and_is_accepted(spec):
    s = ratiba.TenantSpec(**spec)
    assert s.slug == "spa_pilot" and s.vertical == "spa" and s.mpesa_enabled
    assert ratiba.TenantSpec.from_dict(spec).name == "Spa Pilot"
    tenant = ratiba.Onboarder.in_memory().onboard(s)
    assert tenant.name == "Spa Pilot"


def test_validation_error_lists_every_field(spec):
    bad = dict(spec, slug="1spa", owner_phone="0712345678", timezone="EAT")
    with pytest.raises(ratiba.ValidationError) as info:
        ratiba.Onboarder.in_memory().onboard(bad)
    err = info.value
    assert isinstance(err, ratiba.RatibaError)
    assert err.kind == "validation" and err.code == "VALIDATION"
    fields = {e["field"]: e["message"] for e in err.errors}
    assert set(fields) == {"slug", "owner_phone", "timezone"}
    assert "+254712345678" in fields["owner_phone"]
    assert "Africa/Nairobi" in fields["timezone"]
    # The same problems when building a TenantSpec.
    with pytest.raises(ratiba.ValidationError) as again:
        ratiba.TenantSpec(**bad)
    assert again.value.errors == err.errors


def test_bad_slug_argument_is_a_validation_error():
    with pytest.raises(ratiba.ValidationError) as info:
        ratiba.Onboarder.in_memory().get("Not A Slug")
    assert info.value.errors[0]["field"] == "slug"


def test_conflict_and_not_found(spec):
    o = ratiba.Onboarder.in_memory()
    o.onboard(spec)
    with pytest.raises(ratiba.ConflictError) as info:
        o.onboard(spec)
    assert info.value.code == "CONFLICT"
    with pytest.raises(ratiba.NotFoundError) as nf:
        o.get("nobody_here")
    assert nf.value.code == "NOT_FOUND" and nf.value.errors == []
    with pytest.raises(ratiba.NotFoundError):
        o.delete("nobody_here")


def test_verify_and_delete(spec):
    o = ratiba.Onboarder.in_memory()
    o.onboard(spec)
    report = o.verify("spa_pilot")
    assert report.ok and report.failed == [] and report.checks
    assert [w.name for w in report.warnings] == ["catalog", "staff_schedules"], "no menu or staff yet: warnings"
    o.delete("spa_pilot")
    assert o.list() == []
    assert o.reconcile().clean


def test_reset_owner_password(tmp_path, spec):
    o = ratiba.Onboarder.in_memory()
    o.onboard(spec)
    sign_in = o.reset_owner_password("spa_pilot")
    assert isinstance(sign_in, ratiba.OwnerSignIn)
    assert sign_in.realm == "spa_pilot"
    assert sign_in.username == "254712345678"
    password = sign_in.temporary_password
    assert re.fullmatch(r"[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}", password), password
    assert password not in repr(sign_in) and password not in str(sign_in)
    assert sign_in.to_dict()["temporary_password"] == password
    # Each call makes a new password; asyncio too.
    again = asyncio.run(o.aio.reset_owner_password("spa_pilot"))
    assert again.username == sign_in.username and again.temporary_password != password
    with pytest.raises(ratiba.NotFoundError) as nf:
        o.reset_owner_password("nobody_here")
    assert nf.value.code == "NOT_FOUND"
    # Realm files hold no credentials: nobody can sign in to them.
    embedded = ratiba.Onboarder.embedded(tmp_path)
    embedded.onboard(spec)
    with pytest.raises(ratiba.ConflictError) as conflict:
        embedded.reset_owner_password("spa_pilot")
    assert conflict.value.code == "CONFLICT"
    assert "KEYCLOAK_URL" in str(conflict.value)


def test_embedded_persists(tmp_path, spec):
    o = ratiba.Onboarder.embedded(tmp_path)
    assert o.backend == "sqlite"
    o.onboard(spec)
    assert (tmp_path / "registry.db").exists()
    again = ratiba.Onboarder.embedded(str(tmp_path))
    assert again.get("spa_pilot").slug == "spa_pilot"
    assert again.verify("spa_pilot").ok


def test_records_are_frozen(spec):
    tenant = ratiba.Onboarder.in_memory().onboard(spec)
    with pytest.raises(dataclasses.FrozenInstanceError):
        tenant.name = "x"  # type: ignore[misc]


def test_asyncio_api(spec):
    async def main():
        o = ratiba.AsyncOnboarder.in_memory()
        specs = [dict(spec, slug=unique_slug("aio")) for _ in range(5)]
        tenants = await asyncio.gather(*(o.onboard(s) for s in specs))
        assert sorted(t.slug for t in tenants) == sorted(s["slug"] for s in specs)
        assert len(await o.list()) == 5
        assert (await o.verify(specs[0]["slug"])).ok
        with pytest.raises(ratiba.ConflictError):
            await o.onboard(specs[0])
        with pytest.raises(ratiba.NotFoundError):
            await o.get("nobody_here")
        # `.sync` and `.aio` share the same backends.
        assert o.sync.get(specs[1]["slug"]).slug == specs[1]["slug"]
        await o.delete(specs[1]["slug"])
        assert (await o.reconcile()).clean

    asyncio.run(main())


def test_concurrent_onboarding_of_one_slug_has_one_winner(spec):
    async def main():
        o = ratiba.Onboarder.in_memory().aio
        results = await asyncio.gather(*(o.onboard(spec) for _ in range(8)), return_exceptions=True)
        won = [r for r in results if isinstance(r, ratiba.Tenant)]
        lost = [r for r in results if not isinstance(r, ratiba.Tenant)]
        assert len(won) == 1
        assert all(isinstance(e, ratiba.ConflictError) for e in lost), lost
        assert (await o.reconcile()).clean

    asyncio.run(main())


def test_blocking_calls_release_the_gil(spec):
    """A delay inside the core must not stop other Python threads."""
    faults = ratiba.Faults().delay("schema_prepare", 0.5)
    o = ratiba.Onboarder.in_memory(faults)
    ticks = []
    done = threading.Event()

    def ticker():
        while not done.is_set():
            ticks.append(1)
            done.wait(0.01)

    thread = threading.Thread(target=ticker)
    thread.start()
    try:
        o.onboard(spec)
    finally:
        done.set()
        thread.join()
    assert len(ticks) > 10
