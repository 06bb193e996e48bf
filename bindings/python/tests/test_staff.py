"""Staff and weekly schedules through the Python API."""

import asyncio

import pytest

import ratiba


@pytest.fixture
def onboarder(spec, menu):
    o = ratiba.Onboarder.in_memory()
    o.onboard(spec)
    o.import_catalog("spa_pilot", text=menu, commit=True)
    return o


STAFF = {
    "name": "Wanjiku",
    "phone": "+254712345670",
    "services": ["Manicure", "pedicure"],
    "schedule": [
        {"weekday": "mon", "start": "09:00", "end": "13:00"},
        {"weekday": "jumatatu", "start": "14:00", "end": "18:00"},
    ],
}


def test_add_list_update_remove(onboarder):
    member = onboarder.add_staff("spa_pilot", STAFF)
    assert isinstance(member, ratiba.Staff) and member.name == "Wanjiku"
    assert len(member.schedule) == 2
    assert [s.name for s in onboarder.list_staff("spa_pilot")] == ["Wanjiku"]
    updated = onboarder.update_staff("spa_pilot", member.id, {**STAFF, "name": "Wanjiku M."})
    assert updated.name == "Wanjiku M."
    onboarder.remove_staff("spa_pilot", member.id)
    assert onboarder.list_staff("spa_pilot") == []
    with pytest.raises(ratiba.NotFoundError):
        onboarder.remove_staff("spa_pilot", member.id)


def test_bad_schedules_name_their_field(onboarder):
    bad = {**STAFF, "schedule": [{"weekday": "mon", "start": "10:00", "end": "09:00"},
                                 {"weekday": "someday", "start": "9", "end": "10:00"}]}
    with pytest.raises(ratiba.ValidationError) as e:
        onboarder.add_staff("spa_pilot", bad)
    fields = {err["field"] for err in e.value.errors}
    assert "schedule[1].weekday" in fields and "schedule[1].start" in fields, e.value.errors
    overlap = {**STAFF, "schedule": [{"weekday": "tue", "start": "09:00", "end": "12:00"},
                                     {"weekday": "tue", "start": "11:00", "end": "13:00"}]}
    with pytest.raises(ratiba.ValidationError):
        onboarder.add_staff("spa_pilot", overlap)
    with pytest.raises(ratiba.ValidationError):
        onboarder.add_staff("spa_pilot", {**STAFF, "services": ["Not on the menu"]})
    with pytest.raises(ratiba.ValidationError):
        onboarder.add_staff("spa_pilot", {"name": "X", "shifts": []})


def test_asyncio(onboarder):
    async def run():
        a = onboarder.aio
        member = await a.add_staff("spa_pilot", STAFF)
        assert [s.id for s in await a.list_staff("spa_pilot")] == [member.id]
        await a.remove_staff("spa_pilot", member.id)

    asyncio.run(run())
