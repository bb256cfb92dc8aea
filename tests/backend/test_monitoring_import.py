"""Importing cross-check files: each rule's alert, idempotency, bad rows, streaming."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from backend.errors import InvalidInput
from backend.models import MonitoringAlert, MonitoringImport
from backend.services.monitoring.importer import ImportSummary, LineSplitter, import_records
from backend.services.monitoring.records import RecordKind
from backend.settings import Settings
from tests.backend.conftest import staff_token
from tests.backend.factories import make_id
from tests.backend.monitoring_steps import REJECT, Db, chunks_of, cipher_of, csv_file, household

DAY = (date.today() - timedelta(days=20)).isoformat()


async def run_import(db: Db, settings: Settings, kind: RecordKind, data: bytes, *,
                     chunk: int = 1 << 16, batch_rows: int = 5000) -> ImportSummary:
    return await import_records(db=db, cipher=cipher_of(settings), kind=kind,
                                chunks=chunks_of(data, chunk), filename="test.csv", source="cli",
                                batch_rows=batch_rows)


async def alerts(db: Db) -> list[MonitoringAlert]:
    async with db() as session:
        return list(await session.scalars(select(MonitoringAlert).order_by(MonitoringAlert.id)))


async def test_each_rule_makes_its_alert(client: TestClient, db: Db, settings: Settings,
                                         service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    dibao = await household(client, service_headers, staff)
    tekun = await household(client, service_headers, staff, assistance_type="tekun")
    edge = await household(client, service_headers, staff, assistance_type="dibao_edge")
    rejected = await household(client, service_headers, staff, moves=REJECT)
    newborn = make_id(date.today().strftime("%Y%m%d"))

    files = {
        RecordKind.DEATHS: [[dibao.applicant, DAY], [edge.son, DAY], [make_id("19400101"), DAY]],
        RecordKind.DETENTION: [[tekun.son, DAY, "服刑", "2030-01-01"], [rejected.son, DAY, "羁押", ""]],
        RecordKind.NEW_MEMBERS: [[dibao.applicant, DAY, "出生", newborn]],
        RecordKind.DISABILITY: [[edge.granddaughter, DAY, "肢体", "二级"],
                                [rejected.applicant, DAY, "智力", "一级"],
                                [dibao.son, DAY, "精神", "一级"]],
        RecordKind.MARRIAGE: [[edge.applicant, DAY, "离婚"], [rejected.applicant, DAY, "结婚"]],
    }
    summaries = {kind: await run_import(db, settings, kind, csv_file(kind, rows))
                 for kind, rows in files.items()}
    assert [(s.rows_read, s.matched, s.alerts_created, s.no_action, s.bad_rows)
            for s in summaries.values()] == [
        (3, 2, 2, 0, 0), (2, 2, 1, 1, 0), (1, 1, 1, 0, 0), (3, 3, 3, 0, 0), (2, 2, 1, 1, 0)]

    made = [(a.kind, a.person_group, a.member_role, a.action, a.priority, a.reason)
            for a in await alerts(db)]
    assert made == [
        ("deaths", "recipient", "applicant", "suspend_review", "high",
         f"低保对象（申请人本人）于{DAY}死亡，请暂停待遇并复核家庭保障情况"),
        ("deaths", "edge", "member", "household_review", "normal",
         f"低保边缘家庭（家庭成员）于{DAY}死亡，家庭人口变化，请复核低保边缘家庭认定"),
        ("detention", "recipient", "member", "review", "high",
         f"特困人员（家庭成员）自{DAY}起处于服刑状态，请复核其是否仍计入保障范围、待遇是否调整"),
        ("new_members", "recipient", "applicant", "household_review", "normal",
         f"低保对象（申请人本人）家庭于{DAY}新增成员（出生），请复核家庭人口和待遇"),
        ("disability", "edge", "member", "proactive", "high",
         f"低保边缘家庭（家庭成员）于{DAY}新认定为二级肢体残疾，可能符合救助条件，请主动发现、上门了解"),
        ("disability", "rejected", "applicant", "proactive", "high",
         f"未获批准的申请家庭（申请人本人）于{DAY}新认定为一级智力残疾，可能符合救助条件，请主动发现、上门了解"),
        ("disability", "recipient", "member", "benefit_review", "normal",
         f"低保对象（家庭成员）于{DAY}新认定为一级精神残疾，请复核是否需要调整待遇（如重度残疾人单独施保、加发）"),
        ("marriage", "edge", "applicant", "review", "normal",
         f"低保边缘家庭（申请人本人）于{DAY}离婚，家庭成员可能变化，请复核"),
    ]
    stored = await alerts(db)
    assert all(a.district == "渝中区" and a.status == "open" and a.person_masked.startswith("500***")
               for a in stored)
    assert stored[2].facts == {"detention_type": "服刑", "release_date": "2030-01-01"}
    assert stored[3].facts["new_member_id_masked"] == newborn[:3] + "*" * 11 + newborn[-4:]
    every_id = [dibao.applicant, dibao.son, edge.son, edge.applicant, edge.granddaughter, tekun.son,
                rejected.applicant, newborn]
    text = json.dumps([[a.reason, a.facts, a.person_masked] for a in stored], ensure_ascii=False)
    assert not any(number in text for number in every_id)


async def test_the_same_file_twice_makes_no_duplicates(client: TestClient, db: Db, settings: Settings,
                                                       service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    dibao = await household(client, service_headers, staff)
    rows = [[dibao.applicant, DAY], [dibao.son, DAY], [dibao.son, DAY]]  # one row twice
    data = csv_file(RecordKind.DEATHS, rows)
    first = await run_import(db, settings, RecordKind.DEATHS, data)
    assert (first.matched, first.alerts_created, first.duplicates) == (3, 2, 1)
    second = await run_import(db, settings, RecordKind.DEATHS, data, batch_rows=1)
    assert (second.matched, second.alerts_created, second.duplicates) == (3, 0, 3)
    assert len(await alerts(db)) == 2
    # A different date is another fact about the person, so another alert.
    third = await run_import(db, settings, RecordKind.DEATHS,
                             csv_file(RecordKind.DEATHS, [[dibao.son, "2024-01-02"]]))
    assert third.alerts_created == 1
    async with db() as session:
        imports = list(await session.scalars(select(MonitoringImport).order_by(MonitoringImport.id)))
    assert [(i.status, i.rows_read, i.alerts_created, i.duplicates) for i in imports] == [
        ("done", 3, 2, 1), ("done", 3, 0, 3), ("done", 1, 1, 0)]


async def test_bad_rows_are_reported_and_good_rows_imported(
        client: TestClient, db: Db, settings: Settings, service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    people = await household(client, service_headers, staff, assistance_type="tekun")
    wrong_check = people.son[:-1] + ("0" if people.son[-1] != "0" else "1")
    future = (date.today() + timedelta(days=3)).isoformat()
    later = date.today() - timedelta(days=5)
    lines = [
        "身份证号,开始日期,类型,预计释放日期".encode(),                  # 1
        f"{people.applicant},{DAY},羁押,".encode(),                      # 2 good
        f"{people.son},{DAY},羁押".encode(),                             # 3 three columns
        f"{wrong_check},{DAY},羁押,".encode(),                           # 4 checksum
        f"{people.son},2026-13-01,羁押,".encode(),                       # 5 no such date
        f"{people.son},{future},羁押,".encode(),                         # 6 in the future
        b"",                                                             # 7 blank: skipped
        f"{people.son},{DAY.replace('-', '/')},服刑,2031-02-03".encode(),  # 8 good
        f"{people.granddaughter},{DAY},".encode() + b"\xff\xfe,",        # 9 not UTF-8
        f"{people.granddaughter},{DAY},拘留,".encode(),                  # 10 unknown value
        f'"{people.granddaughter}","{DAY}","服刑",""'.encode(),           # 11 good, quoted
        f'"{people.granddaughter},{DAY},服刑,'.encode(),                  # 12 unbalanced quote
        f"{people.granddaughter},{DAY},服刑,明年".encode(),               # 13 bad optional date
        f"{people.applicant},{later:%Y%m%d},服刑,".encode(),              # 14 good, no newline at end
    ]
    data = b"\r\n".join(lines)
    summary = await run_import(db, settings, RecordKind.DETENTION, data, chunk=5, batch_rows=2)
    assert summary.rows_read == 12
    assert summary.bad_rows == 8
    assert [(b["line"], b["reason"]) for b in summary.bad_row_samples] == [
        (3, "列数不对：应为4列，实际为3列"),
        (4, "身份证号不对：身份证号校验位不对，请核对后重新输入"),
        (5, "开始日期不是有效日期（应为 2026-03-02 这样的格式）"),
        (6, "开始日期晚于今天"),
        (9, "不是 UTF-8 编码的文字"),
        (10, "类型只能是：羁押、服刑"),
        (12, "CSV 格式不对（引号不配对）"),
        (13, "预计释放日期不是有效日期（应为 2026-03-02 这样的格式）"),
    ]
    # Lines 2, 8, 11 and 14: three people, line 14 a second record for the applicant.
    assert (summary.matched, summary.alerts_created) == (4, 4)
    assert [(a.event_date, a.facts) for a in await alerts(db)] == [
        (date.fromisoformat(DAY), {"detention_type": "羁押"}),
        (date.fromisoformat(DAY), {"detention_type": "服刑", "release_date": "2031-02-03"}),
        (date.fromisoformat(DAY), {"detention_type": "服刑"}),
        (later, {"detention_type": "服刑"})]


async def test_an_interrupted_import_is_run_again(client: TestClient, db: Db, settings: Settings,
                                                 service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    people = await household(client, service_headers, staff)
    data = csv_file(RecordKind.DEATHS, [[people.applicant, DAY], [people.son, DAY], [people.granddaughter, DAY]])
    cut = data.index(people.granddaughter.encode())

    async def upload_that_breaks():  # type: ignore[no-untyped-def]
        yield data[:cut]
        raise ConnectionResetError("the upload broke off")

    with pytest.raises(ConnectionResetError):
        await import_records(db=db, cipher=cipher_of(settings), kind=RecordKind.DEATHS,
                             chunks=upload_that_breaks(), filename="x.csv", source="api", batch_rows=1)
    assert len(await alerts(db)) == 2  # the batches before the break are in
    again = await run_import(db, settings, RecordKind.DEATHS, data)
    assert (again.alerts_created, again.duplicates) == (1, 2)
    async with db() as session:
        statuses = list(await session.scalars(select(MonitoringImport.status).order_by(MonitoringImport.id)))
    assert statuses == ["failed", "done"]


async def test_bad_row_list_is_capped_but_every_bad_row_counted(db: Db, settings: Settings) -> None:
    rows = [["不是身份证号", DAY]] * 150 + [[make_id(), DAY]]
    summary = await run_import(db, settings, RecordKind.DEATHS, csv_file(RecordKind.DEATHS, rows))
    assert (summary.rows_read, summary.bad_rows, summary.matched) == (151, 150, 0)
    assert len(summary.bad_row_samples) == 100
    assert summary.bad_row_samples[-1]["line"] == 101


async def test_a_file_with_the_wrong_header_is_refused_whole(db: Db, settings: Settings) -> None:
    data = csv_file(RecordKind.DEATHS, [[make_id(), DAY]])
    with pytest.raises(InvalidInput) as refused:
        await run_import(db, settings, RecordKind.MARRIAGE, data)
    assert refused.value.code == "bad_header"
    assert "身份证号,变更日期,变更类型" in refused.value.message
    with pytest.raises(InvalidInput) as quoted:
        await run_import(db, settings, RecordKind.DEATHS, '"身份证号,死亡日期\n'.encode())
    assert quoted.value.code == "bad_header"
    with pytest.raises(InvalidInput) as empty:
        await run_import(db, settings, RecordKind.DEATHS, b"\n\n")
    assert empty.value.code == "empty_file"
    # Excel's byte-order mark before the header is fine.
    summary = await run_import(db, settings, RecordKind.DEATHS, b"\xef\xbb\xbf" + data)
    assert summary.rows_read == 1 and summary.bad_rows == 0
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(MonitoringImport)) == 1


def test_line_splitter_is_indifferent_to_chunk_boundaries() -> None:
    data = "身份证号,死亡日期\r\n1,2\n\n长" * 3 + "x" * 50 + "\nlast"
    whole = LineSplitter()
    expected = whole.feed(data.encode()) + whole.close()
    for size in (1, 2, 3, 7, 64):
        splitter = LineSplitter()
        raw = data.encode()
        got = [item for start in range(0, len(raw), size) for item in splitter.feed(raw[start:start + size])]
        assert got + splitter.close() == expected, size
    assert expected[-1] == (11, "last")


def test_line_splitter_reports_an_overlong_line_and_goes_on() -> None:
    splitter = LineSplitter(max_line_bytes=20)
    out = splitter.feed(b"a,b\n" + b"x" * 30)
    out += splitter.feed(b"y" * 30)
    out += splitter.feed(b"z\nc,d\n")
    assert [(line, item if isinstance(item, str) else item.reason) for line, item in out] == [
        (1, "a,b"), (2, "这一行太长"), (3, "c,d")]


def test_line_splitter_finds_the_line_that_is_not_utf8() -> None:
    splitter = LineSplitter()
    out = splitter.feed("甲\r\n".encode() + b"\xff\xfe\r\n" + "乙\r\n丙".encode()) + splitter.close()
    assert [(line, item if isinstance(item, str) else item.reason) for line, item in out] == [
        (1, "甲"), (2, "不是 UTF-8 编码的文字"), (3, "乙"), (4, "丙")]
