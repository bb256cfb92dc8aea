"""Importing a cross-check file: streamed, batched, idempotent.

The file comes in as byte chunks (an upload or a file read piece by piece) and is never
held whole. Rows are checked, then handled a batch at a time: ID numbers hashed with the
app's keyed hash, the batch's hashes looked up in `monitored_person` in one query, the
rules applied, and the alerts inserted in bulk, skipping any that already exist. Each
batch is its own transaction, so an interrupted import is simply run again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import String, any_, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.errors import InvalidInput
from backend.models import MonitoredPerson, MonitoringAlert, MonitoringImport
from backend.models.base import utcnow
from backend.privacy.crypto import PersonalDataCipher
from backend.privacy.id_numbers import mask_id_number
from backend.services.monitoring.population import in_window
from backend.services.monitoring.records import (
    BadRow,
    Record,
    RecordKind,
    RowParser,
    header_of,
    split_cells,
)
from backend.services.monitoring.rules import decide

BATCH_ROWS = 10_000  # rows hashed, looked up and turned into alerts together
YIELD_EVERY_LINES = 256  # lines checked between two turns of the event loop
BAD_ROW_SAMPLES = 100  # bad rows listed in the summary (all are counted)
MAX_LINE_BYTES = 4096  # longer lines are reported, not buffered
SQLITE_IN_CHUNK = 900  # bound parameters per look-up on SQLite
FILE_CHUNK_BYTES = 1 << 16  # small reads: the batch in flight gets the loop often

_MP = MonitoredPerson
_ALERT = MonitoringAlert.__table__
_ALERT_KEY = ["kind", "id_hash", "event_date", "case_id"]


@dataclass
class ImportSummary:
    """What became of a file's rows."""

    kind: str
    import_id: int | None = None
    rows_read: int = 0  # data rows (the header and blank lines not counted)
    matched: int = 0  # rows whose person is in the monitored population
    alerts_created: int = 0
    duplicates: int = 0  # alerts that existed already (same file twice, or twice in a file)
    no_action: int = 0  # matches no rule asks anything about
    bad_rows: int = 0
    bad_row_samples: list[dict[str, Any]] = field(default_factory=list)  # line and reason

    def bad(self, line: int, reason: str) -> None:
        self.bad_rows += 1
        if len(self.bad_row_samples) < BAD_ROW_SAMPLES:
            self.bad_row_samples.append({"line": line, "reason": reason})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class LineSplitter:
    """Byte chunks in, numbered text lines out; a line that is too long or not UTF-8 is a
    `BadRow` in its place. Nothing but the unfinished last line is kept between chunks."""

    def __init__(self, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self._max = max_line_bytes
        self._pending = b""
        self._overlong = False
        self.line_no = 0

    def feed(self, chunk: bytes) -> list[tuple[int, str | BadRow]]:
        data = self._pending + chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            self._pending = data
            self._check_pending()
            return []
        body: bytes | None = data[:cut]
        out: list[tuple[int, str | BadRow]] = []
        if self._overlong:  # the end of a line whose start was dropped
            first, found, rest = data[:cut].partition(b"\n")
            out.append(self._line(first))
            body = rest if found else None
        if body is not None:
            self._lines(body, out)
        self._pending = data[cut + 1:]
        self._check_pending()
        return out

    def _lines(self, body: bytes, out: list[tuple[int, str | BadRow]]) -> None:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:  # find the lines at fault, one by one
            out.extend(self._line(raw) for raw in body.split(b"\n"))
            return
        if text.endswith("\r"):  # the body ends where a "\r\n" was cut
            text = text[:-1]
        lines = text.replace("\r\n", "\n").split("\n")
        start = self.line_no + 1
        self.line_no += len(lines)
        out.extend(zip(range(start, self.line_no + 1), lines, strict=True))

    def _check_pending(self) -> None:
        if len(self._pending) > self._max:
            self._pending = b""
            self._overlong = True

    def close(self) -> list[tuple[int, str | BadRow]]:
        if self._pending or self._overlong:
            raw, self._pending = self._pending, b""
            return [self._line(raw)]
        return []

    def _line(self, raw: bytes) -> tuple[int, str | BadRow]:
        self.line_no += 1
        if self._overlong:
            self._overlong = False
            return self.line_no, BadRow("这一行太长")
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        try:
            return self.line_no, raw.decode("utf-8")
        except UnicodeDecodeError:
            return self.line_no, BadRow("不是 UTF-8 编码的文字")


async def read_file_chunks(path: Path, size: int = FILE_CHUNK_BYTES) -> AsyncIterator[bytes]:
    """A file piece by piece, read off the event loop."""
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        while chunk := await asyncio.to_thread(handle.read, size):
            yield chunk
    finally:
        await asyncio.to_thread(handle.close)


class _Importer:
    """One import. Checking rows (CPU here) overlaps the database work of the previous batch,
    which runs as a task; one batch at a time is in flight, so batches land in file order."""

    def __init__(self, *, db: async_sessionmaker[AsyncSession], cipher: PersonalDataCipher,
                 kind: RecordKind, district: str | None, today: date, batch_rows: int) -> None:
        self.db = db
        self.cipher = cipher
        self.kind = kind
        self.district = district
        self.parser = RowParser(kind, today=today)
        self.summary = ImportSummary(kind=kind.value)
        self.now = utcnow()
        self.batch_rows = batch_rows
        self._batch_records: list[Record] = []
        self._in_flight: asyncio.Task[None] | None = None
        self._header_seen = False

    async def run(self, chunks: AsyncIterable[bytes], *, filename: str | None, source: str,
                  staff_id: int | None) -> ImportSummary:
        splitter = LineSplitter()
        origin = (filename, source, staff_id)
        try:
            async for chunk in chunks:
                await self._take(splitter.feed(chunk), origin)
            await self._take(splitter.close(), origin)
            if not self._header_seen:
                raise InvalidInput("文件是空的，第一行应为表头：" + ",".join(header_of(self.kind)),
                                   code="empty_file")
            await self._dispatch()
            await self._wait_in_flight()
        except BaseException as exc:
            # The batch in flight lands unless this import is being cancelled; the first error
            # is the one to report, the rest is best effort.
            if isinstance(exc, asyncio.CancelledError) and self._in_flight is not None:
                self._in_flight.cancel()
            with contextlib.suppress(BaseException):
                await self._wait_in_flight()
            with contextlib.suppress(Exception):
                await self._finish("failed")
            raise
        await self._finish("done")
        return self.summary

    async def _take(self, lines: list[tuple[int, str | BadRow]],
                    origin: tuple[str | None, str, int | None]) -> None:
        for line, item in lines:
            if not self._header_seen:
                self._header_seen = await self._header(line, item, *origin)
            elif (record := self._row(line, item)) is not None:
                self._batch_records.append(record)
                if len(self._batch_records) >= self.batch_rows:
                    await self._dispatch()
            if not line % YIELD_EVERY_LINES:
                # Let the batch in flight take its next step (each is a round trip to the
                # database), so that it does not wait for a whole chunk of checking.
                await asyncio.sleep(0)

    async def _dispatch(self) -> None:
        """Hand the rows checked so far to the database, once the previous batch is in."""
        await self._wait_in_flight()
        if self._batch_records:
            records, self._batch_records = self._batch_records, []
            self._in_flight = asyncio.create_task(self._batch(records))

    async def _wait_in_flight(self) -> None:
        if self._in_flight is not None:
            task, self._in_flight = self._in_flight, None
            await task

    async def _header(self, line: int, item: str | BadRow, filename: str | None, source: str,
                      staff_id: int | None) -> bool:
        if isinstance(item, str) and not item.strip():
            return False
        try:
            fits = isinstance(item, str) and self.parser.check_header(split_cells(item))
        except BadRow:
            fits = False
        if not fits:
            raise InvalidInput(f"第{line}行应为表头：" + ",".join(header_of(self.kind)),
                               code="bad_header")
        async with self.db.begin() as session:
            record = MonitoringImport(kind=self.kind.value, filename=(filename or None) and filename[:200],
                                      source=source, staff_id=staff_id)
            session.add(record)
            await session.flush()
            self.summary.import_id = record.id
        return True

    def _row(self, line: int, item: str | BadRow) -> Record | None:
        if isinstance(item, BadRow):
            self.summary.rows_read += 1
            self.summary.bad(line, item.reason)
            return None
        if not item.strip():
            return None  # blank lines carry nothing
        self.summary.rows_read += 1
        try:
            return self.parser.parse(line, split_cells(item))
        except BadRow as exc:
            self.summary.bad(line, exc.reason)
            return None

    async def _batch(self, records: list[Record]) -> None:
        lookup_hash = self.cipher.lookup_hash
        hashes = [lookup_hash(record.id_number) for record in records]
        async with self.db.begin() as session:
            people = await self._monitored(session, set(hashes))
            alerts = self._alerts(records, hashes, people)
            if alerts:
                created = len((await session.execute(_insert_alerts(session), alerts)).all())
                self.summary.alerts_created += created
                self.summary.duplicates += len(alerts) - created

    async def _monitored(self, session: AsyncSession, hashes: set[str]) -> dict[str, list[Any]]:
        columns = (_MP.id_hash, _MP.case_id, _MP.district, _MP.category, _MP.member_role, _MP.until)
        scope = [in_window(self.now)]
        if self.district is not None:
            scope.append(_MP.district == self.district)
        if _dialect(session) == "postgresql":
            wanted = [_MP.id_hash == any_(literal(list(hashes), postgresql.ARRAY(String)))]
            rows = list(await session.execute(select(*columns).where(*wanted, *scope)))
        else:
            ordered = list(hashes)
            rows = []
            for start in range(0, len(ordered), SQLITE_IN_CHUNK):
                chunk = ordered[start:start + SQLITE_IN_CHUNK]
                rows.extend(await session.execute(select(*columns).where(_MP.id_hash.in_(chunk), *scope)))
        found: dict[str, list[Any]] = {}
        for row in rows:
            found.setdefault(row.id_hash, []).append(row)
        return found

    def _alerts(self, records: list[Record], hashes: list[str],
                people: dict[str, list[Any]]) -> list[dict[str, Any]]:
        alerts: list[dict[str, Any]] = []
        seen: set[tuple[str, date, int]] = set()
        summary = self.summary
        for record, id_hash in zip(records, hashes, strict=True):
            matches = people.get(id_hash)
            if not matches:
                continue
            summary.matched += 1
            masked = mask_id_number(record.id_number)
            event_date = record.event_date.isoformat()
            for person in matches:
                decision = decide(self.kind, category=person.category, until=person.until,
                                  member_role=person.member_role, event_date=event_date,
                                  facts=record.facts)
                if decision is None:
                    summary.no_action += 1
                    continue
                key = (id_hash, record.event_date, person.case_id)
                if key in seen:
                    summary.duplicates += 1
                    continue
                seen.add(key)
                alerts.append({
                    "kind": self.kind.value, "id_hash": id_hash, "event_date": record.event_date,
                    "case_id": person.case_id, "district": person.district,
                    "category": person.category, "person_group": decision.group.value,
                    "member_role": person.member_role, "person_masked": masked,
                    "action": decision.action, "priority": decision.priority,
                    "reason": decision.reason, "facts": record.facts, "status": "open",
                    "import_id": self.summary.import_id, "created_at": self.now,
                })
        return alerts

    async def _finish(self, status: str) -> None:
        if self.summary.import_id is None:
            return
        counts = {name: getattr(self.summary, name) for name in
                  ("rows_read", "matched", "alerts_created", "duplicates", "bad_rows")}
        async with self.db.begin() as session:
            await session.execute(update(MonitoringImport)
                                  .where(MonitoringImport.id == self.summary.import_id)
                                  .values(status=status, finished_at=utcnow(), **counts))


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _insert_alerts(session: AsyncSession) -> Any:
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    return insert(_ALERT).on_conflict_do_nothing(index_elements=_ALERT_KEY).returning(_ALERT.c.id)


async def import_records(*, db: async_sessionmaker[AsyncSession], cipher: PersonalDataCipher,
                         kind: RecordKind, chunks: AsyncIterable[bytes], filename: str | None,
                         source: str, staff_id: int | None = None, district: str | None = None,
                         batch_rows: int = BATCH_ROWS, today: date | None = None) -> ImportSummary:
    """Import one cross-check file of `kind`; `district` limits matching to that 区县."""
    importer = _Importer(db=db, cipher=cipher, kind=kind, district=district,
                         today=today or date.today(), batch_rows=batch_rows)
    return await importer.run(chunks, filename=filename, source=source, staff_id=staff_id)
