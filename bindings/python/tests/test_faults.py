"""Fault injection for harnesses: fail a step and nothing is left; fail a
compensation and the error names the leftover, which reconcile(fix=True) removes."""

import pytest

import ratiba

STEPS = ["journal_start", "schema_prepare", "realm_create", "schema_commit"]


def assert_nothing_left(o: ratiba.Onboarder) -> None:
    assert o.list() == []
    assert o.reconcile().clean, o.reconcile()


def test_fault_points_are_the_cores():
    assert set(STEPS) <= set(ratiba.FAULT_POINTS)
    assert {"schema_rollback", "realm_delete", "journal_finish", "extract"} <= set(ratiba.FAULT_POINTS)


def test_unknown_fault_point_or_kind():
    with pytest.raises(ValueError, match="realm_create"):
        ratiba.Faults().fail("realm_creat")
    with pytest.raises(ValueError, match="fail_after"):
        ratiba.Faults().set("realm_create", "explode")


@pytest.mark.parametrize("point", STEPS)
@pytest.mark.parametrize("backend", ["memory", "embedded"])
def test_failed_step_leaves_nothing(point, backend, spec, tmp_path):
    faults = ratiba.Faults().fail(point)
    if backend == "memory":
        o = ratiba.Onboarder.in_memory(faults)
    else:
        o = ratiba.Onboarder.embedded(tmp_path, faults=faults)
    with pytest.raises(ratiba.ProvisioningError) as info:
        o.onboard(spec)
    err = info.value
    assert err.kind == "backend" and err.code == "PROVISIONING"
    assert err.left_behind == []
    assert f"injected fault at {point}" in str(err)
    if point != "journal_start":
        assert err.failed_step in {"schema", "realm", "commit"}
        assert err.onboarding_id
    assert_nothing_left(o)
    # The plan is live: clear it and the same Onboarder works.
    faults.clear()
    assert o.onboard(spec).slug == "spa_pilot"
    assert o.verify("spa_pilot").ok


def test_failed_compensation_names_the_leftover_and_reconcile_cleans(spec):
    faults = ratiba.Faults().fail_after("realm_create").fail("realm_delete")
    o = ratiba.Onboarder.in_memory(faults)
    with pytest.raises(ratiba.ProvisioningError) as info:
        o.onboard(spec)
    err = info.value
    assert err.kind == "provisioning"
    assert err.failed_step == "realm"
    assert err.undone == ["schema"]
    assert err.left_behind == [
        {"kind": "realm", "name": "spa_pilot", "onboarding_id": err.onboarding_id}
    ]
    assert "realm 'spa_pilot'" in str(err) and "reconcile" in str(err)
    assert err.saga["failed_step"] == "realm"

    faults.clear()
    dry = o.reconcile()
    assert [i.leftover for i in dry.items] == ["realm 'spa_pilot'"]
    assert dry.items[0].action.startswith("would")
    fixed = o.reconcile(fix=True)
    assert [i.action for i in fixed.items] == ["removed"] and fixed.failures == 0
    assert_nothing_left(o)
    assert o.onboard(spec).slug == "spa_pilot"


def test_failed_rollback_on_embedded_leaves_a_store_reconcile_removes(spec, tmp_path):
    faults = ratiba.Faults().fail("realm_create").fail("schema_rollback")
    o = ratiba.Onboarder.embedded(tmp_path, faults=faults)
    with pytest.raises(ratiba.ProvisioningError) as info:
        o.onboard(spec)
    assert info.value.failed_step == "realm"
    faults.clear()
    report = o.reconcile(fix=True)
    assert report.failures == 0
    assert_nothing_left(o)


def test_unavailable_is_retryable(spec):
    faults = ratiba.Faults().unavailable("realm_create", times=1)
    o = ratiba.Onboarder.in_memory(faults)
    with pytest.raises(ratiba.UnavailableError) as info:
        o.onboard(spec)
    assert info.value.code == "UNAVAILABLE"
    assert info.value.retry_after == 1.0
    assert o.list() == []
    # The rule struck once; the retry goes through.
    assert o.onboard(spec).slug == "spa_pilot"


def test_faults_reach_the_async_api(spec):
    import asyncio

    faults = ratiba.Faults().fail("schema_commit")
    o = ratiba.AsyncOnboarder.in_memory(faults)

    async def main():
        with pytest.raises(ratiba.ProvisioningError) as info:
            await o.onboard(spec)
        assert info.value.failed_step == "commit"
        assert await o.list() == []
        assert (await o.reconcile()).clean

    asyncio.run(main())


def test_crash_mid_saga_is_reconciled_after_the_grace(spec):
    """journal_finish fails after a committed onboarding: reconcile closes the entry."""
    faults = ratiba.Faults().fail("journal_finish")
    o = ratiba.Onboarder.in_memory(faults, reconcile_grace=0)
    tenant = o.onboard(spec)
    faults.clear()
    report = o.reconcile(fix=True)
    assert any("journal" in i.leftover for i in report.items), report
    assert o.reconcile().clean
    assert o.get("spa_pilot") == tenant
