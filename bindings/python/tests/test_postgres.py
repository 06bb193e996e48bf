"""The same API on PostgreSQL (and Keycloak when the test one is up), in a throwaway
database of the server scripts/services/postgres.sh started."""

import os
import uuid

import pytest

import ratiba
from conftest import unique_slug


@pytest.fixture
def database(postgres_url):
    psycopg = pytest.importorskip("psycopg")
    name = f"ratiba_test_py_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def realms(tmp_path):
    url = os.environ.get("RATIBA_TEST_KEYCLOAK_URL")
    if url:
        password = os.environ.get("RATIBA_TEST_KEYCLOAK_PASSWORD", "keycloak_dev")
        return {"keycloak": ratiba.KeycloakConfig(url, password=password)}
    return {"realms_dir": tmp_path / "realms"}


def test_postgres_onboarding_and_faults(postgres_url, database, spec, menu, tmp_path):
    faults = ratiba.Faults()
    o = ratiba.Onboarder.postgres(postgres_url, database=database, faults=faults, **realms(tmp_path))
    assert o.backend == "postgres"
    slug = unique_slug("pypg")
    tenant = o.onboard(dict(spec, slug=slug))
    try:
        assert o.get(slug) == tenant
        assert o.verify(slug).ok, o.verify(slug)
        imp = o.import_catalog(slug, menu, commit=True)
        assert imp.committed is not None and imp.committed.created > 0
        with pytest.raises(ratiba.ConflictError):
            o.onboard(dict(spec, slug=slug))

        # A failed step leaves nothing; a failed compensation is named and reconciled.
        other = unique_slug("pyfail")
        faults.fail("realm_create")
        with pytest.raises(ratiba.ProvisioningError) as info:
            o.onboard(dict(spec, slug=other))
        assert info.value.left_behind == []
        faults.clear()
        faults.fail_after("realm_create").fail("realm_delete")
        with pytest.raises(ratiba.ProvisioningError) as left:
            o.onboard(dict(spec, slug=other))
        assert left.value.left_behind[0]["name"] == other
        faults.clear()
        fixed = o.reconcile(fix=True)
        assert fixed.failures == 0 and fixed.items
        assert o.reconcile().clean
        assert [t.slug for t in o.list()] == [slug]
    finally:
        faults.clear()
        o.delete(slug)
    assert o.list() == []


def test_postgres_encryption_key_and_async(postgres_url, database, spec, tmp_path):
    import asyncio
    import base64

    key = base64.b64encode(os.urandom(32)).decode()
    o = ratiba.AsyncOnboarder.postgres(postgres_url, database=database, encryption_key=key, **realms(tmp_path))
    slug = unique_slug("pyaio")

    async def main():
        t = await o.onboard(dict(spec, slug=slug, whatsapp_access_token="EAAG-secret-token"))
        assert "EAAG" not in repr(t)
        assert (await o.verify(slug)).ok
        await o.delete(slug)
        assert await o.list() == []

    asyncio.run(main())


def test_postgres_needs_a_realm_backend(postgres_url):
    with pytest.raises(ValueError, match="keycloak"):
        ratiba.Onboarder.postgres(postgres_url)


def test_postgres_down_is_unavailable(tmp_path):
    if "postgres" not in ratiba.FEATURES:
        pytest.skip("no PostgreSQL backend in this build")
    with pytest.raises(ratiba.RatibaError) as info:
        ratiba.Onboarder.postgres("postgres://nobody@127.0.0.1:1/none", realms_dir=tmp_path)
    assert info.value.code in {"UNAVAILABLE", "PROVISIONING"}
