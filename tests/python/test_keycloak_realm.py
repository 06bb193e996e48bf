"""A realm that `ratiba tenants create` made in Keycloak, read back with the
python-keycloak admin client (code nobody here wrote).

Environment: RATIBA_TEST_KEYCLOAK_URL, RATIBA_TEST_KEYCLOAK_PASSWORD (the test
Keycloak), RATIBA_KC_REALM (the tenant's slug), RATIBA_KC_TENANT_ID and
RATIBA_KC_OWNER_PHONE (from the CLI's JSON output).
"""

import json
import os

import pytest
from keycloak import KeycloakAdmin

REALM = os.environ["RATIBA_KC_REALM"]
TENANT_ID = os.environ["RATIBA_KC_TENANT_ID"]
OWNER_PHONE = os.environ["RATIBA_KC_OWNER_PHONE"]


@pytest.fixture(scope="module")
def admin():
    return KeycloakAdmin(
        server_url=os.environ["RATIBA_TEST_KEYCLOAK_URL"],
        username="admin",
        password=os.environ["RATIBA_TEST_KEYCLOAK_PASSWORD"],
        realm_name=REALM,
        user_realm_name="master",
        timeout=30,
    )


def test_realm_is_enabled_and_tagged(admin):
    realm = admin.get_realm(REALM)
    assert realm["realm"] == REALM
    assert realm["enabled"] is True
    assert realm["displayName"] == "Spa Pilot"
    assert realm["attributes"]["ratiba.onboarding_id"] == TENANT_ID
    assert realm["attributes"]["ratiba.tenant_slug"] == REALM


def test_realm_roles(admin):
    names = {r["name"] for r in admin.get_realm_roles()}
    assert {"owner", "admin", "staff"} <= names


def test_admin_client_is_public_with_pkce(admin):
    clients = [c for c in admin.get_clients() if c["clientId"] == "tenant-admin"]
    assert len(clients) == 1
    client = admin.get_client(clients[0]["id"])
    assert client["publicClient"] is True
    assert client["standardFlowEnabled"] is True
    assert client["directAccessGrantsEnabled"] is False
    assert client["attributes"]["pkce.code.challenge.method"] == "S256"
    assert client["redirectUris"] == ["http://localhost:8010/admin/*"]


def test_owner_user_has_role_and_phone_number(admin):
    username = OWNER_PHONE.lstrip("+")
    user_id = admin.get_user_id(username)
    assert user_id, f"no user {username}"
    user = admin.get_user(user_id)
    assert user["enabled"] is True
    assert user["attributes"]["phone_number"] == [OWNER_PHONE]
    roles = {r["name"] for r in admin.get_realm_roles_of_user(user_id)}
    assert "owner" in roles
    members = {u["username"] for u in admin.get_realm_role_members("owner")}
    assert members == {username}


def test_user_profile_declares_phone_number(admin):
    profile = admin.get_realm_users_profile()
    declared = {a["name"]: a for a in profile["attributes"]}
    assert "phone_number" in declared, json.dumps(profile)[:500]
    assert declared["phone_number"]["permissions"]["edit"] == ["admin"]
