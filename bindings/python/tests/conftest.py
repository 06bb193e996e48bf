import json
import os
import uuid
from pathlib import Path

import pytest

import ratiba

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def spec() -> dict:
    return json.loads((EXAMPLES / "spa_pilot.json").read_text())


@pytest.fixture
def menu() -> str:
    return (EXAMPLES / "menu.txt").read_text()


def unique_slug(prefix: str = "py") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def postgres_url() -> str:
    """The test server of scripts/services/postgres.sh; under CI=true it must be there."""
    url = os.environ.get("RATIBA_TEST_DATABASE_URL", "")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("RATIBA_TEST_DATABASE_URL is not set under CI=true (scripts/test.sh starts a PostgreSQL)")
        pytest.skip("RATIBA_TEST_DATABASE_URL is not set")
    if "postgres" not in ratiba.FEATURES:
        pytest.fail("this build of ratiba has no PostgreSQL backend")
    return url
