"""Writing outputs: atomically (temp file + rename) and safely for spreadsheets.

A crash while writing never leaves a half-written report behind: each file is
written to a temporary file in the same folder and then renamed over the
target. Text cells that a spreadsheet would execute as a formula (starting
with ``=``, ``+``, ``-``, ``@``, tab or carriage return) are neutralised: in CSV
with a leading apostrophe (the OWASP advice), in Excel by storing them as
plain strings.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; reports are meant to be read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_json(path: Path, data: Any) -> Path:
    return write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str))


def neutralise_formula(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_formula)
    return out


def write_csv(path: Path, df: pd.DataFrame) -> Path:
    return atomic_write(path, lambda p: safe_frame(df).to_csv(p, index=False, encoding="utf-8"))


def write_xlsx(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    """One sheet per table; strings are always stored as text, never as formulas."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    def write(p: Path) -> None:
        wb = Workbook()
        wb.remove(wb.active)
        for name, df in sheets.items():
            ws = wb.create_sheet(title=name[:31])
            ws.append([str(c) for c in df.columns])
            for row in df.itertuples(index=False):
                ws.append([_cell_value(v) for v in row])
            for r in ws.iter_rows(min_row=2):
                for cell in r:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # never a formula, whatever the text starts with
            for i, col in enumerate(df.columns, start=1):
                width = min(60, max([len(str(col))] + [len(str(v)) for v in df[col].head(200)]) + 2)
                ws.column_dimensions[get_column_letter(i)].width = width
        wb.save(p)

    return atomic_write(path, write)


def _cell_value(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, bool | int | float | str):
        return v
    return str(v)
