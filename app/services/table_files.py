"""Import files: an XLSX workbook (one sheet per table) or the same tables as JSON, read into plain rows."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

from app.services.errors import ValidationFailed

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000


def read_tables(name: str, content: bytes, sheets: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The tables of an import file: an XLSX workbook (one sheet per table, headings in row 1) or a JSON object of
    them (table name → list of rows, column heading → value). Sheets not in ``sheets`` are ignored."""
    if len(content) > MAX_BYTES:
        raise ValidationFailed({"file": "Tệp quá 20 MB."})
    if content[:4] == b"PK\x03\x04":
        return _read_xlsx(content, set(sheets))
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationFailed({"file": f"“{name}” không phải tệp XLSX hay JSON đọc được."}) from None
    if not isinstance(data, dict) or not all(isinstance(v, list) and all(isinstance(r, dict) for r in v)
                                             for v in data.values()):
        raise ValidationFailed({"file": "JSON phải là một đối tượng: tên bảng → danh sách dòng (tên cột → giá trị)."})
    return data


def _read_xlsx(content: bytes, sheets: set[str]) -> dict[str, list[dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the user's file, not our error
        raise ValidationFailed({"file": "Không đọc được tệp XLSX."}) from None
    tables: dict[str, list[dict[str, Any]]] = {}
    try:
        for sheet in book.worksheets:
            if sheet.title not in sheets:
                continue
            rows = sheet.iter_rows(values_only=True)
            headings = [str(h).strip() if h is not None else None for h in next(rows, ())]
            table = []
            for row in rows:
                if len(table) >= MAX_ROWS:
                    raise ValidationFailed({"file": f"Bảng “{sheet.title}” quá {MAX_ROWS} dòng."})
                table.append({h: v for h, v in zip(headings, row) if h})
            tables[sheet.title] = table
    finally:
        book.close()
    return tables
