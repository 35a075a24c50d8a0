"""Build the synthetic sample exports in data/sample/ from the readable sources beside this script.

The sources are plain text written by hand (see README.md); this script only
lays them out the way real exports arrive, with their quirks:

- ``reflecties_platform.csv``: learning-platform export, semicolon-separated,
  UTF-8 with BOM, Dutch headers, multi-line texts in quotes (Directies
  Leefomgeving and Samenleving, and the extra hard cases);
- ``reflecties_export_2.csv``: a colleague's Excel export, comma-separated,
  cp1252, other header names (Directies Bedrijfsvoering and Strategie);
- ``evaluatie_eind.xlsx``: survey export with a merged title row above the
  header, five Likert items (some as words) and three open questions;
- ``trajectories.csv`` (here, beside the sources): each participant's intended trajectory (groei,
  geen_verandering, terugval, wisselend), to check analyses against.

Run: ``python data/sample_source/build_sample.py`` (the outputs are committed).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parent
HERE = SOURCE.parent / "sample"


HEAD = re.compile(r"^## (?P<pid>\S+) \| (?P<unit>[^|]+) \| (?P<role>[^|]+) \| (?P<traj>\S+)\s*$")
ENTRY = re.compile(r"^(?P<wave>[a-z]+) (?P<date>\d{4}-\d{2}-\d{2}):\s?(?P<text>.*)$")


def parse_reflections(path: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    person: dict[str, str] | None = None
    current: dict[str, str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") and not line.startswith("## "):
            continue
        m = HEAD.match(line)
        if m:
            person = {k: v.strip() for k, v in m.groupdict().items()}
            current = None
            continue
        m = ENTRY.match(line)
        if m and person:
            current = {**person, **m.groupdict()}
            rows.append(current)
            continue
        if not line.strip():
            current = None
        elif current is not None:
            current["text"] += "\n" + line
    return rows


def main() -> None:
    reflections: list[dict[str, str]] = []
    for src in sorted(SOURCE.glob("reflecties_*.txt")):
        reflections.extend(parse_reflections(src))
    extras = parse_reflections(SOURCE / "extra.txt")

    trajectories = {r["pid"]: r for r in reflections}
    with open(SOURCE / "trajectories.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["participant_id", "unit", "role", "trajectory"])
        for pid, r in sorted(trajectories.items()):
            w.writerow([pid, r["unit"], r["role"], r["traj"]])

    platform_units = {"Directie Leefomgeving", "Directie Samenleving"}
    platform = [r for r in reflections if r["unit"] in platform_units] + extras
    with open(HERE / "reflecties_platform.csv", "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        w.writerow(["Deelnemer", "Directie", "Rol", "Meting", "Datum", "Soort", "Tekst"])
        for r in platform:
            d = r["date"].split("-")
            w.writerow(
                [r["pid"], r["unit"], r["role"], r["wave"], f"{d[2]}-{d[1]}-{d[0]}", "reflectie", r["text"]]
            )

    export2 = [r for r in reflections if r["unit"] not in platform_units]
    with open(HERE / "reflecties_export_2.csv", "w", encoding="cp1252", newline="", errors="replace") as fh:
        w = csv.writer(fh, delimiter=",", lineterminator="\r\n")
        w.writerow(["deelnemer_id", "directie", "functie", "meetmoment", "ingevuld_op", "reflectie"])
        for r in export2:
            w.writerow(
                [r["pid"], r["unit"], r["role"].capitalize(), r["wave"].capitalize(), r["date"], r["text"]]
            )

    write_evaluation(trajectories)
    n_part = len(trajectories)
    print(f"{len(reflections)} reflections from {n_part} participants, {len(extras)} extra hard cases")


LIKERT_ITEMS = [
    "Het traject sloot aan bij mijn werk",
    "De begeleiding door de trainers was goed",
    "Mijn leidinggevende ondersteunde mij",
    "Ik pas het geleerde toe in mijn werk",
    "Ik zou het traject aanraden aan collega's",
]
OPEN_QUESTIONS = [
    "Wat vond je van de begeleiding en de werkvormen?",
    "Wat neem je mee naar je eigen werk?",
    "Welke tip heb je voor het programma?",
]


def write_evaluation(people: dict[str, dict[str, str]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Antwoorden"
    headers = ["Respondent", "Directie", "Rol", "Datum"] + LIKERT_ITEMS + OPEN_QUESTIONS
    ws.append(["Eindevaluatie Samen in Beleid 2026 - export enquêtetool"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(headers)
    for line in (SOURCE / "evaluatie.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pid, date, scores, *answers = [x.strip() for x in line.split("|")]
        p = people[pid]
        values: list[object] = []
        for s in scores.split(";"):
            values.append(int(s) if s.isdigit() else s)
        ws.append([pid, p["unit"], p["role"], date, *values, *answers])
    legend = wb.create_sheet("Toelichting")
    legend.append(["Schaal: 1 = helemaal mee oneens ... 5 = helemaal mee eens"])
    wb.save(HERE / "evaluatie_eind.xlsx")


if __name__ == "__main__":
    main()
