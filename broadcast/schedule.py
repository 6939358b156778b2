"""The yearly on-air schedule (上线单位时间安排): the rule that a unit goes on air at most once a
day, and the import of a year's schedule from a spreadsheet, all rows or none.

File format (``.xlsx``: the workbook's active sheet; ``.csv``: UTF-8 with or without BOM, or GBK
as Chinese Excel saves it). The first row that names at least the date and unit columns is the
header; rows above it (a title line) and empty rows are ignored. Header names, Chinese or
English, case and spaces ignored:

========  ==========================================  =========================================
column    header names                                value
========  ==========================================  =========================================
date      日期, 上线日期, 直播日期, date, air_date        Excel date, 2026-03-04, 2026/3/4,
                                                      2026.3.4, 2026年3月4日 (a weekday such as
                                                      "（周三）" may follow)
start     开始, 开始时间, start, start_time              Excel time, 09:00, 9:00, 9点30, 9时
end       结束, 结束时间, end, end_time                  as start; empty: one hour after start
time      时间, 直播时间, time                           instead of start/end: 09:00-10:00
unit      上线单位, 单位, 单位名称, unit                    the unit's name or short name
topic     直播主题, 主题, topic                          optional, up to 256 characters
guests    嘉宾, 上线嘉宾, 参加直播节目人员, guests        optional, see below
========  ==========================================  =========================================

Guests: entries separated by ``;`` ``；`` ``、`` ``,`` ``，`` or a line break; each entry is a
name, optionally followed by parentheses holding the title and the marker ``一把手`` (or
``head``) when the head of the unit attends, separated by commas::

    王建国(局长,一把手);李红(副局长);张强（法律援助中心主任）

Every bad row is reported with its sheet row number (1-based, as the spreadsheet shows it) and a
reason in the interface language; a single bad row means nothing at all is imported.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from flask_babel import gettext as _
from sqlalchemy import select

from broadcast.models import AirSession, Guest, Programme, Unit
from core.extensions import db

# Header aliases per column, compared after _header_key().
HEADERS: dict[str, tuple[str, ...]] = {
    "date": ("日期", "上线日期", "直播日期", "date", "air_date"),
    "start": ("开始", "开始时间", "start", "start_time"),
    "end": ("结束", "结束时间", "end", "end_time"),
    "time": ("时间", "直播时间", "time"),
    "unit": ("上线单位", "单位", "单位名称", "unit"),
    "topic": ("直播主题", "主题", "topic"),
    "guests": ("嘉宾", "上线嘉宾", "参加直播节目人员", "guests"),
}
# A title line or two may sit above the header in a government spreadsheet.
HEADER_SEARCH_ROWS = 10
DEFAULT_LENGTH = timedelta(hours=1)
# An unformatted Excel date is a day count; accept those between 1955 and 2119.
EXCEL_SERIALS = (20000, 80000)
HEAD_MARKERS = {"一把手", "head"}
GUEST_SEPARATORS = set(";；、,，\n")
OPENING, CLOSING = "(（", ")）"

TOPIC_MAX, UNIT_NAME_MAX, GUEST_NAME_MAX, GUEST_TITLE_MAX = 256, 128, 64, 128

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
# What may follow a date: midnight as some exports write it, a weekday bare or in parentheses.
_DATE_TAIL = re.compile(r"(?:0?0:00(?::00)?)?\s*[（(]?\s*(星期|周|礼拜)?[一二三四五六日天]?\s*[)）]?")
_TIME = re.compile(r"(\d{1,2})\s*(?:[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?|[点时]\s*(?:(\d{1,2})\s*分?|半)?)")
_TIME_RANGE = re.compile(r"\s*(?:-|–|—|~|～|至|到)\s*")


class ScheduleFileError(ValueError):
    """The upload is not a readable .xlsx or .csv file at all."""


@dataclass(frozen=True)
class RowError:
    row: int
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "reason": self.reason}


class ScheduleError(Exception):
    """Rows that cannot be imported; nothing was written."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__(f"{len(errors)} bad row(s)")
        self.errors = sorted(errors, key=lambda e: e.row)


class CellError(ValueError):
    """One cell's value cannot be used; the message is the translated reason."""


@dataclass(frozen=True)
class GuestSpec:
    name: str
    title: str = ""
    is_head: bool = False

    def to_guest(self) -> Guest:
        return Guest(name=self.name, title=self.title, is_head=self.is_head)


@dataclass
class PlannedSession:
    row: int
    air_date: date
    start_time: time
    end_time: time
    unit_name: str
    topic: str = ""
    guests: list[GuestSpec] = field(default_factory=list)


@dataclass
class ImportResult:
    imported: int
    created_units: list[str]


# --- The scheduling rule ---------------------------------------------------------------------


def scheduled_on(unit_id: int, air_date: date, exclude_id: int | None = None) -> AirSession | None:
    """The unit's session on that date, if any: a unit goes on air at most once a day."""
    query = select(AirSession).where(AirSession.unit_id == unit_id, AirSession.air_date == air_date)
    if exclude_id is not None:
        query = query.where(AirSession.id != exclude_id)
    return db.session.scalars(query.limit(1)).first()


# --- Reading the file ------------------------------------------------------------------------

Row = tuple[int, list[Any]]
T = TypeVar("T")


def read_rows(data: bytes, filename: str) -> list[Row]:
    """The file's non-empty rows with their 1-based row numbers."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx" or (suffix != ".csv" and data[:2] == b"PK"):
        rows = _read_xlsx(data)
    elif suffix == ".csv":
        rows = _read_csv(data)
    else:
        raise ScheduleFileError(_("Only .xlsx and .csv files can be imported (save an .xls file as .xlsx)."))
    return [(number, cells) for number, cells in rows if any(_text(c) for c in cells)]


def _read_xlsx(data: bytes) -> Iterable[Row]:
    import openpyxl  # only needed here; keeps app start-up light

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise ScheduleFileError(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc
    sheet = workbook.active
    if sheet is None:
        raise ScheduleFileError(_("The workbook has no sheet."))
    # min_row=1: otherwise openpyxl starts at the first used row and the numbers would shift.
    return [(n, list(cells)) for n, cells in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1)]


def _read_csv(data: bytes) -> Iterable[Row]:
    # GB18030 is the superset of GBK that Chinese Excel versions write.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ScheduleFileError(_("The CSV file is neither UTF-8 nor GBK text."))
    # Record numbers, not physical lines: a quoted cell with a line break is still one sheet row.
    return list(enumerate(csv.reader(io.StringIO(text, newline="")), 1))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _header_key(value: Any) -> str:
    return re.sub(r"[\s_\-]+", "", _text(value)).lower()


_ALIASES = {_header_key(alias): column for column, aliases in HEADERS.items() for alias in aliases}


def find_header(rows: Sequence[Row]) -> tuple[int, dict[str, int]]:
    """The index (in ``rows``) of the header row and the cell index of each known column."""
    for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(cells):
            column = _ALIASES.get(_header_key(cell))
            if column is not None:
                columns.setdefault(column, position)
        if "date" in columns and "unit" in columns:
            return index, columns
    raise ScheduleError(
        [
            RowError(
                rows[0][0] if rows else 1,
                _("No header row: the columns 日期 (date) and 上线单位 (unit) are required."),
            )
        ]
    )


def _is_serial(value: float) -> bool:
    return EXCEL_SERIALS[0] < value < EXCEL_SERIALS[1]


def _from_excel(serial: float) -> date:
    from openpyxl.utils.datetime import from_excel

    converted = from_excel(serial)
    if not isinstance(converted, datetime):
        raise CellError(_("%(value)s is not a date (write 2026-03-04 or 2026年3月4日).", value=serial))
    return converted.date()


# --- Reading one cell ------------------------------------------------------------------------


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and _is_serial(value):
        return _from_excel(value)
    text = _text(value)
    match = _DATE.match(text)
    if match and _DATE_TAIL.fullmatch(text[match.end() :].strip()):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise CellError(_("%(value)s is not a date (write 2026-03-04 or 2026年3月4日).", value=text or "—"))


def parse_time(value: Any) -> time:
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, timedelta) and value < timedelta(days=1):
        return (datetime.min + value).time().replace(second=0, microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:  # an Excel time left unformatted
        return (datetime.min + timedelta(days=value)).time().replace(second=0, microsecond=0)
    text = _text(value)
    match = _TIME.fullmatch(text)
    if match:
        hour = int(match[1])
        minute = int(match[2] or match[4] or (30 if text.endswith("半") else 0))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise CellError(_("%(value)s is not a time of day (write 09:00).", value=text or "—"))


def parse_guests(value: Any) -> list[GuestSpec]:
    """Guests written as 王建国(局长,一把手);李红(副局长)."""
    return [_parse_guest(entry) for entry in _split_guests(_text(value))]


def _split_guests(text: str) -> list[str]:
    # Separators inside parentheses belong to the title (局长、党组书记), not between guests.
    entries, current, depth = [], [], 0
    for char in text:
        if char in OPENING:
            depth += 1
        elif char in CLOSING:
            depth -= 1
        if depth == 0 and char in GUEST_SEPARATORS:
            entries.append("".join(current))
            current = []
        else:
            current.append(char)
        if depth < 0:
            break
    if depth != 0:
        raise CellError(_("The guest list has unmatched parentheses: %(value)s", value=text))
    entries.append("".join(current))
    return [entry.strip() for entry in entries if entry.strip()]


def _parse_guest(entry: str) -> GuestSpec:
    match = re.fullmatch(r"([^()（）]+?)\s*(?:[(（]([^()（）]*)[)）])?", entry)
    if not match:
        raise CellError(_("Guest %(value)s cannot be read; write 王建国(局长,一把手).", value=entry))
    notes = [note.strip() for note in re.split(r"[,，]", match[2] or "") if note.strip()]
    is_head = any(note.lower() in HEAD_MARKERS for note in notes)
    title = "，".join(note for note in notes if note.lower() not in HEAD_MARKERS)
    name = match[1].strip()
    if len(name) > GUEST_NAME_MAX or len(title) > GUEST_TITLE_MAX:
        raise CellError(_("Guest %(value)s: the name or title is too long.", value=entry))
    return GuestSpec(name=name, title=title, is_head=is_head)


# --- Reading one row -------------------------------------------------------------------------


class _RowReader:
    """Reads one data row, collecting every bad cell instead of stopping at the first."""

    def __init__(self, number: int, cells: Sequence[Any], columns: dict[str, int]) -> None:
        self.number, self.cells, self.columns = number, cells, columns
        self.errors: list[RowError] = []

    def raw(self, column: str) -> Any:
        position = self.columns.get(column)
        if position is None or position >= len(self.cells):
            return None
        value = self.cells[position]
        return (value.strip() or None) if isinstance(value, str) else value

    def parse(self, value: Any, parser: Callable[[Any], T], label: str) -> T | None:
        try:
            return parser(value)
        except CellError as exc:
            self.fail(f"{label}: {exc}")
            return None

    def read(self, column: str, parser: Callable[[Any], T], label: str) -> T | None:
        return self.parse(self.raw(column), parser, label)

    def fail(self, reason: str) -> None:
        self.errors.append(RowError(self.number, reason))


def _read_times(reader: _RowReader) -> tuple[time | None, time | None]:
    if "start" not in reader.columns:
        # One column holding the hour, e.g. 时间: 09:00-10:00.
        text = _text(reader.raw("time"))
        parts = _TIME_RANGE.split(text, maxsplit=1)
        if len(parts) != 2:
            reader.fail(_("Time: %(value)s is not an hour such as 09:00-10:00.", value=text or "—"))
            return None, None
        label = _("Time")
        return reader.parse(parts[0], parse_time, label), reader.parse(parts[1], parse_time, label)
    start = reader.read("start", parse_time, _("Start"))
    if reader.raw("end") is not None:
        return start, reader.read("end", parse_time, _("End"))
    return start, None if start is None else _one_hour_after(reader, start)


def _one_hour_after(reader: _RowReader, start: time) -> time | None:
    end = datetime.combine(date.min, start) + DEFAULT_LENGTH
    if end.date() != date.min:
        reader.fail(_("End: the session would run past midnight; give an end time."))
        return None
    return end.time()


class ParsedRow(NamedTuple):
    row: int
    session: PlannedSession | None  # None when the row has errors
    errors: list[RowError]
    unit_name: str  # checked against the stored units even when other cells are wrong


def parse_row(number: int, cells: Sequence[Any], columns: dict[str, int]) -> ParsedRow:
    """A planned session from one data row, or the row's errors."""
    reader = _RowReader(number, cells, columns)
    air_date = reader.read("date", parse_date, _("Date"))
    start, end = _read_times(reader)
    unit_name = _text(reader.raw("unit"))
    topic = _text(reader.raw("topic"))
    guests = reader.read("guests", parse_guests, _("Guests")) or []
    if not unit_name:
        reader.fail(_("Unit: the on-air unit is missing."))
    elif len(unit_name) > UNIT_NAME_MAX:
        reader.fail(_("Unit: the name is longer than %(n)d characters.", n=UNIT_NAME_MAX))
        unit_name = ""
    if len(topic) > TOPIC_MAX:
        reader.fail(_("Topic: longer than %(n)d characters.", n=TOPIC_MAX))
    if start is not None and end is not None and end <= start:
        reader.fail(_("End: the session must end after it starts."))
    if reader.errors or air_date is None or start is None or end is None:
        return ParsedRow(number, None, reader.errors, unit_name)
    planned = PlannedSession(number, air_date, start, end, unit_name, topic, guests)
    return ParsedRow(number, planned, [], unit_name)


# --- The import ------------------------------------------------------------------------------


def import_schedule(
    data: bytes, filename: str, programme: Programme, *, create_units: bool = False
) -> ImportResult:
    """Import every row of the file into ``programme``, or nothing (raises ScheduleError)."""
    rows = read_rows(data, filename)
    if not rows:
        raise ScheduleFileError(_("The file is empty."))
    header_index, columns = find_header(rows)
    header_row = rows[header_index][0]
    if "start" not in columns and "time" not in columns:
        raise ScheduleError([RowError(header_row, _("The column 开始 (start) is missing."))])

    parsed = [parse_row(number, cells, columns) for number, cells in rows[header_index + 1 :]]
    if not parsed:
        raise ScheduleError([RowError(header_row, _("There are no sessions below the header row."))])
    planned = [row.session for row in parsed if row.session is not None]
    errors = [error for row in parsed for error in row.errors]
    units, new_units = _resolve_units([(row.row, row.unit_name) for row in parsed], create_units, errors)
    errors.extend(_duplicates(planned, units))
    if errors:
        raise ScheduleError(errors)
    return _write(programme, planned, units, new_units)


def _resolve_units(
    unit_rows: Sequence[tuple[int, str]], create_units: bool, errors: list[RowError]
) -> tuple[dict[str, Unit], list[Unit]]:
    """Each written unit name's Unit; unknown names are errors, or new units if allowed."""
    units = match_units({name for _row, name in unit_rows if name})
    new_units: list[Unit] = []
    for row, name in unit_rows:
        if not name or name in units:
            continue
        if create_units:
            units[name] = Unit(name=name)
            new_units.append(units[name])
        else:
            errors.append(RowError(row, _("Unit: %(name)s is not a known unit.", name=name)))
    return units, new_units


def match_units(names: set[str]) -> dict[str, Unit]:
    """Units by the name written in the file: the full name, else a short name only one unit has."""
    if not names:
        return {}
    found = {u.name: u for u in db.session.scalars(select(Unit).where(Unit.name.in_(names)))}
    rest = names - found.keys()
    if rest:
        by_short = Counter[str]()
        candidates = list(db.session.scalars(select(Unit).where(Unit.short_name.in_(rest))))
        by_short.update(u.short_name for u in candidates)
        found.update({u.short_name: u for u in candidates if by_short[u.short_name] == 1})
    return found


def _duplicates(planned: Sequence[PlannedSession], units: dict[str, Unit]) -> list[RowError]:
    """Rows putting a unit on air twice a day, within the file or against the stored schedule."""
    known_ids = {u.id for u in units.values() if u.id is not None}
    stored = {
        (s.unit_id, s.air_date): s
        for s in db.session.scalars(
            select(AirSession).where(
                AirSession.unit_id.in_(known_ids), AirSession.air_date.in_({p.air_date for p in planned})
            )
        )
    }
    first_row: dict[tuple[date, str], int] = {}
    errors: list[RowError] = []
    for session in planned:
        unit = units.get(session.unit_name)
        if unit is None:
            continue
        values = {"unit": unit.name, "date": session.air_date.isoformat()}
        earlier = first_row.setdefault((session.air_date, unit.name), session.row)
        if earlier != session.row:
            reason = _("%(unit)s is on air on %(date)s already in row %(row)d.", row=earlier, **values)
            errors.append(RowError(session.row, reason))
        if (unit.id, session.air_date) in stored:
            errors.append(RowError(session.row, _("%(unit)s is already scheduled on %(date)s.", **values)))
    return errors


def _write(
    programme: Programme, planned: Sequence[PlannedSession], units: dict[str, Unit], new_units: list[Unit]
) -> ImportResult:
    # One transaction: either every session (and every new unit) is stored or none is.
    try:
        db.session.add_all(new_units)
        for p in planned:
            db.session.add(
                AirSession(
                    programme=programme,
                    unit=units[p.unit_name],
                    air_date=p.air_date,
                    start_time=p.start_time,
                    end_time=p.end_time,
                    topic=p.topic,
                    guests=[g.to_guest() for g in p.guests],
                )
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return ImportResult(imported=len(planned), created_units=[u.name for u in new_units])
