"""A filtered list of follow-up cases as an Excel register (转办件办理情况登记表), laid out as a
Chinese office files and prints it: a merged title, a line saying what was exported and when, one
bold bordered header row, then one row per case. The header stays in view while scrolling and is
repeated on every printed page; the sheet prints on A4 landscape, fitted to the page width.

Column titles and words are msgids, so the register is Chinese by default and English for a
person who chose English. An anonymous caller's name reads "匿名" (Anonymous) and the number is
left blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from core import clock
from core.labels import label
from followup.deadlines import DeadlineStatus
from followup.models import ANSWERED_STATES, Case, Extension, ExtensionState
from followup.serialize import deadline

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE_ROW, FILTER_ROW, HEADER_ROW = 1, 2, 3
DATE_FORMAT = "yyyy-mm-dd"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
LATE_FONT = Font(color="C00000", bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
DETAILS_SHOWN = 300  # characters of the citizen's account kept under the subject


def columns() -> list[tuple[str, float]]:
    """(title, width in characters) of each column, in the register's order."""
    return [
        (_("No."), 6),
        (_("Case number"), 11),
        (_("Received on"), 11.5),
        (_("Caller"), 10),
        (_("Contact number"), 14),
        (_("Category"), 9),
        (_("Matter raised"), 42),
        (_("Handling unit"), 18),
        (_("Handling section"), 12),
        (_("Handling state"), 12),
        (_("Time limit"), 11.5),
        (_("Overdue?"), 8),
        (_("Answered on"), 11.5),
        (_("Callback satisfaction"), 11),
        (_("Extension"), 18),
        (_("Times redone"), 8),
        (_("On-air commitment due"), 11.5),
        (_("District"), 10),
        (_("Channel"), 7),
        (_("Line"), 6),
        (_("Show and session"), 18),
        (_("Guest who answered"), 12),
        (_("Remarks"), 26),
    ]


def workbook(cases: Sequence[Case], filters: str, exported_at: datetime) -> BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Follow-up cases")[:31]  # Excel's limit on a sheet name
    heads = columns()
    _title(sheet, len(heads), filters, exported_at, len(cases))
    _header(sheet, heads)
    today = clock.today()
    for index, case in enumerate(cases, start=1):
        _case_row(sheet, HEADER_ROW + index, index, case, today)
    _print_setup(sheet, len(heads))
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _title(sheet: Worksheet, width: int, filters: str, exported_at: datetime, count: int) -> None:
    last = get_column_letter(width)
    sheet.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    title = sheet.cell(TITLE_ROW, 1, _("Register of hotline follow-up cases"))
    title.font = Font(size=16, bold=True)
    title.alignment = CENTRE
    sheet.row_dimensions[TITLE_ROW].height = 30
    sheet.merge_cells(f"A{FILTER_ROW}:{last}{FILTER_ROW}")
    line = _(
        "Filters: %(filters)s    Cases: %(count)s    Exported: %(at)s",
        filters=filters,
        count=count,
        at=exported_at.strftime("%Y-%m-%d %H:%M"),
    )
    cell = sheet.cell(FILTER_ROW, 1, line)
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.row_dimensions[FILTER_ROW].height = 20


def _header(sheet: Worksheet, heads: list[tuple[str, float]]) -> None:
    for col, (text, width) in enumerate(heads, start=1):
        cell = sheet.cell(HEADER_ROW, col, text)
        cell.font = Font(bold=True)
        cell.border = BORDER
        cell.fill = HEADER_FILL
        cell.alignment = CENTRE
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.row_dimensions[HEADER_ROW].height = 32


def _case_row(sheet: Worksheet, row: int, index: int, case: Case, today: date) -> None:
    status = deadline(case, today)
    overdue = status in (DeadlineStatus.OVERDUE, DeadlineStatus.LATE)
    answered = (
        clock.local_date(case.answered_at) if case.answered_at and case.state in ANSWERED_STATES else None
    )
    values: list[object] = [
        index,
        case.number,
        case.received_on,
        _("Anonymous") if case.anonymous else case.caller_name,
        "" if case.anonymous else case.contact_number,
        label(case.category),
        _matter(case),
        _units(case),
        case.section.name if case.section else "",
        label(case.state),
        case.due_on,
        _("Yes") if overdue else _("No"),
        answered,
        label(case.satisfaction),
        _extension(case.extensions),
        case.redo_count,
        case.commitment_due if case.commitment_what else None,
        *_origin(case),
        _remarks(case),
    ]
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row, col, value)
        cell.border = BORDER
        cell.alignment = WRAP
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
    sheet.cell(row, 1).alignment = CENTRE
    sheet.cell(row, 16).alignment = CENTRE
    overdue_cell = sheet.cell(row, 12)
    overdue_cell.alignment = CENTRE
    if overdue:
        overdue_cell.font = LATE_FONT



def _origin(case: Case) -> list[object]:
    """Where the matter came from: district, channel, line, show and session, the guest who
    answered on air (the case's own facts, as the case page shows them)."""
    session, call = case.session, case.call
    record = call.air_record if call else None
    guest = record.answered_by_guest if record else None
    show = (
        f"{session.programme.name} {session.air_date.isoformat()} {session.start_time:%H:%M}"
        + (f"\n{session.topic}" if session.topic else "")
        if session
        else ""
    )
    return [
        case.district,
        label(call.channel) if call else "",
        (call.line or "") if call else "",
        show,
        "，".join(filter(None, (guest.name, guest.title))) if guest else "",
    ]


def _matter(case: Case) -> str:
    details = " ".join(case.details.split())
    if len(details) > DETAILS_SHOWN:
        details = details[:DETAILS_SHOWN] + "…"
    if case.subject and details and details != case.subject:
        return f"{case.subject}\n{details}"
    return case.subject or details


def _units(case: Case) -> str:
    assisting = "、".join(a.unit.name for a in case.assisting)
    if not assisting:
        return case.unit.name
    return f"{case.unit.name}\n" + _("Assisting: %(units)s", units=assisting)


def _extension(extensions: Sequence[Extension]) -> str:
    """The latest request: what the unit asked for and what became of it."""
    if not extensions:
        return ""
    last = extensions[-1]
    if last.state == ExtensionState.APPROVED and last.granted_due:
        return _("Approved, until %(day)s", day=last.granted_due.isoformat())
    if last.state == ExtensionState.REFUSED:
        return _("Refused (asked until %(day)s)", day=last.requested_due.isoformat())
    return _("Requested until %(day)s", day=last.requested_due.isoformat())


def _remarks(case: Case) -> str:
    notes = []
    if case.duplicate_of is not None:
        notes.append(_("Possible duplicate of %(number)s", number=case.duplicate_of.number))
    if case.complex:
        notes.append(_("Complex matter"))
    if case.internal:
        notes.append(_("Internal reference (内参)"))
    if case.commitment_open:
        notes.append(_("On-air commitment open: %(what)s", what=case.commitment_what))
    if case.calendar_fallback:
        notes.append(_("Holiday calendar not yet published"))
    if case.no_contact_count:
        notes.append(_("Citizen not contacted: %(n)s time(s)", n=case.no_contact_count))
    return "；".join(notes)


def _print_setup(sheet: Worksheet, width: int) -> None:
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the cases need
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    last_row = max(sheet.max_row, HEADER_ROW)
    sheet.print_area = f"A1:{get_column_letter(width)}{last_row}"
    sheet.oddFooter.center.text = _("Page &P of &N")
