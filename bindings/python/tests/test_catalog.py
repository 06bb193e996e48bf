"""Catalog extraction, import and commit through the Python API."""

import pytest

import ratiba


@pytest.fixture
def onboarder(spec):
    o = ratiba.Onboarder.in_memory()
    o.onboard(spec)
    return o


def test_extract_colours_rows(onboarder, menu):
    ex = onboarder.extract_catalog(menu)
    assert ex.rows, ex
    by_name = {r.name: r for r in ex.rows}
    assert by_name["Haircut"].confidence == "green" and by_name["Haircut"].price_kes == 1500
    for row in ex.rows:
        assert row.confidence in {"green", "yellow", "red"}
        if row.confidence == "red":
            assert row.price_kes is None
    assert all(isinstance(r, ratiba.Relation) for r in ex.relations)


def test_extract_from_bytes_and_path(onboarder, menu, tmp_path):
    path = tmp_path / "menu.txt"
    path.write_text(menu)
    assert onboarder.extract_catalog(image=path) == onboarder.extract_catalog(menu)
    assert onboarder.extract_catalog(image=menu.encode()) == onboarder.extract_catalog(menu)


def test_extract_needs_a_menu(onboarder):
    with pytest.raises(ratiba.ValidationError) as info:
        onboarder.extract_catalog()
    assert info.value.errors[0]["field"] == "menu"
    with pytest.raises(ratiba.ValidationError) as bad:
        onboarder.extract_catalog(image=b"\xff\xfe\x00garbage")
    assert bad.value.errors[0]["field"] == "image"


def test_image_without_ocr_is_refused_not_guessed(onboarder):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with pytest.raises(ratiba.RatibaError):
        onboarder.extract_catalog(image=png)


def test_import_and_commit(onboarder, menu):
    draft = onboarder.import_catalog("spa_pilot", menu)
    assert draft.import_id and draft.committed is None
    assert onboarder.list_services("spa_pilot") == []
    done = onboarder.import_catalog("spa_pilot", menu, commit=True)
    assert done.committed is not None and done.committed.created > 0
    names = {s.name for s in onboarder.list_services("spa_pilot")}
    assert "Haircut" in names


def test_commit_catalog_rules(onboarder):
    report = onboarder.commit_catalog(
        "spa_pilot",
        ratiba.CatalogCommit(services=[ratiba.ServiceRow("Henna", 1200, 60, "Beauty")]),
    )
    assert report.created == 1
    again = onboarder.commit_catalog(
        "spa_pilot", {"services": [{"name": "henna", "price_kes": 1200, "duration_minutes": 60, "category": "Beauty"}], "relations": []}
    )
    assert again.created == 0
    with pytest.raises(ratiba.ValidationError) as info:
        onboarder.commit_catalog("spa_pilot", {"services": [{"name": "Cheap", "price_kes": 10}], "relations": []})
    assert any("price_kes" in e["field"] for e in info.value.errors)
    with pytest.raises(ratiba.ValidationError):
        onboarder.commit_catalog("spa_pilot", {"services": "nope"})


def test_import_for_missing_tenant(onboarder, menu):
    with pytest.raises(ratiba.NotFoundError):
        onboarder.import_catalog("nobody_here", menu)


def test_extract_fault(spec, menu):
    o = ratiba.Onboarder.in_memory(ratiba.Faults().unavailable("extract"))
    with pytest.raises(ratiba.UnavailableError):
        o.extract_catalog(menu)


def test_async_catalog(onboarder, menu):
    import asyncio

    async def main():
        a = onboarder.aio
        ex = await a.extract_catalog(menu)
        imp = await a.import_catalog("spa_pilot", menu, commit=True)
        assert imp.extraction == ex
        assert await a.list_services("spa_pilot")

    asyncio.run(main())
