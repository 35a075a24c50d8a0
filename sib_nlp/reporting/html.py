"""The periodic evidence report: one self-contained Dutch HTML file.

Inline CSS and SVG, no scripts, no external resources: it opens offline and
prints well. Every piece of user text goes through :func:`html.escape`.
Every number comes from a table that is also exported (``change.csv``,
``report.xlsx``); every quote names its document id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from sib_nlp.reporting.charts import bar_chart, trend_chart
from sib_nlp.schemas import WAVES

CSS = """
body{font-family:Georgia,'Times New Roman',serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}
h1,h2,h3{font-family:Helvetica,Arial,sans-serif;color:#1f3b57}h1{font-size:1.9rem;margin-bottom:.2rem}
h2{border-bottom:2px solid #1f5f8b;padding-bottom:.2rem;margin-top:2.5rem}
nav ol{columns:2;font-family:Helvetica,Arial,sans-serif;font-size:.95rem}
.meta{color:#555;font-size:.9rem}.warn{background:#fff3cd;border-left:4px solid #d9822b;padding:.6rem 1rem}
.finding{background:#eef4f9;border-left:4px solid #1f5f8b;padding:.6rem 1rem;margin:.6rem 0}
.zeker{font-family:Helvetica,Arial,sans-serif;font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:#1f5f8b}
blockquote{margin:.6rem 0 .6rem 1rem;padding:.2rem .8rem;border-left:3px solid #bbb;color:#333;font-style:italic}
blockquote cite{display:block;font-style:normal;font-size:.8rem;color:#666}
table{border-collapse:collapse;margin:.8rem 0;font-family:Helvetica,Arial,sans-serif;font-size:.85rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#eef2f5}
td.n{text-align:right}svg{max-width:100%;height:auto;margin:.5rem 0}
svg .ct{font:bold 13px Helvetica,Arial,sans-serif;fill:#1f3b57}svg .ax,svg .lg{font:11px Helvetica,Arial,sans-serif;fill:#444}
svg .grid{stroke:#e3e3e3}.multiples{display:flex;flex-wrap:wrap;gap:.5rem}
.story{border:1px solid #ddd;padding:.6rem 1rem;margin:.8rem 0;break-inside:avoid}
@media print{nav{display:none}h2{break-before:page}body{max-width:none}}
"""


@dataclass
class ReportData:
    period: str
    generated_at: str
    counts: dict[str, Any]
    pipeline: dict[str, Any]
    labels: dict[str, str]  # label id -> Dutch name
    prevalence: pd.DataFrame  # share of participants per wave (the deelnemers/wave rows of change.csv)
    paired: pd.DataFrame
    suppressed: list[str]
    themes: pd.DataFrame
    theme_quotes: dict[int, list[tuple[str, str]]]  # theme id -> [(document_id, text)]
    theme_info: dict[str, Any]
    partners: pd.DataFrame  # partner, wave, share, n
    depth: pd.DataFrame  # wave, level, share
    appreciation: pd.DataFrame  # aspect, polarity, n
    likert: pd.DataFrame  # item, mean, n
    stories: pd.DataFrame
    quarantine_reasons: pd.DataFrame  # reason, n
    signal_quality: dict[str, Any] = field(default_factory=dict)
    previous: pd.DataFrame | None = None  # previous period's change.csv
    over_time: pd.DataFrame | None = None  # change.csv: per wave and period, in participants and in texts
    min_group_size: int = 5
    versions: dict[str, str] = field(default_factory=dict)


def _e(x: Any) -> str:
    return escape("" if x is None or (isinstance(x, float) and np.isnan(x)) else str(x))


def _pct(v: float) -> str:
    return "–" if v is None or v != v else f"{round(100 * v)}%"


def _num(v: float, digits: int = 1) -> str:
    """A number the Dutch way: 0,9 rather than 0.9."""
    return f"{v:.{digits}f}".replace(".", ",")


def certainty(p: float) -> str:
    if p != p:
        return "onbekend"
    if p < 0.01:
        return "vrij zeker"
    if p < 0.05:
        return "waarschijnlijk"
    if p < 0.2:
        return "aanwijzing, nog onzeker"
    return "geen duidelijke verandering"


def _metric_name(metric: str, labels: dict[str, str]) -> str:
    kind, _, key = metric.partition(":")
    if kind == "signal":
        return labels.get(key, key)
    if kind == "theme":
        return "thema " + labels.get("theme:" + key, key)
    return {"depth": "reflectiediepte (0–3)", "growth_score": "groeiscore (aantal groeisignalen)"}.get(metric, metric)


def key_findings(data: ReportData, max_findings: int = 6) -> list[tuple[str, str]]:
    """(sentence, certainty) pairs for the summary, strongest evidence first."""
    paired = data.paired
    if paired is None or paired.empty:
        return [
            (
                "Er zijn nog geen deelnemers met zowel een intake- als een eindreflectie; verandering binnen "
                "deelnemers is daarom nog niet te meten.",
                "onbekend",
            )
        ]
    overall = paired[paired["group"] == "alle deelnemers"].copy()
    overall = overall[~overall["metric"].isin(["growth_score", "theme:nieuw"])]
    overall["abs"] = overall["difference"].abs()
    overall = overall.sort_values(["p_value", "abs"], ascending=[True, False])
    out = []
    for r in overall.head(max_findings).itertuples():
        name = _metric_name(r.metric, data.labels)
        if r.metric == "depth":
            direction = "dieper" if r.difference > 0 else "minder diep"
            text = (
                f"De reflecties worden {direction}: gemiddeld niveau {_num(r.before)} bij de intake en "
                f"{_num(r.after)} aan het eind (0 = beschrijvend, 3 = kritisch), bij {r.n_pairs} deelnemers."
            )
        else:
            verb = "meer" if r.difference > 0 else "minder"
            text = (
                f"{verb.capitalize()} deelnemers schrijven over {name.lower()}: {_pct(r.before)} bij de intake, "
                f"{_pct(r.after)} aan het eind ({r.n_pairs} deelnemers met beide reflecties)."
            )
        if r.p_value >= 0.2:
            text = (
                f"Over {name.lower()} zien we geen duidelijke verandering ({_pct(r.before)} → {_pct(r.after)})."
                if r.metric != "depth"
                else text
            )
        out.append((text, certainty(r.p_value)))
    return out


def _section(id_: str, title: str, body: str) -> str:
    return f'<section id="{id_}"><h2>{escape(title)}</h2>{body}</section>'


def _table(
    df: pd.DataFrame, headers: dict[str, str], numeric: set[str] | None = None, pct: set[str] | None = None
) -> str:
    if df is None or df.empty:
        return "<p><em>Geen gegevens.</em></p>"
    numeric, pct = numeric or set(), pct or set()
    head = "".join(f"<th>{escape(h)}</th>" for h in headers.values())
    rows = []
    for _, r in df.iterrows():
        cells = []
        for col in headers:
            v = r[col]
            if col in pct:
                cells.append(f'<td class="n">{_pct(float(v))}</td>')
            elif col in numeric:
                cells.append(f'<td class="n">{_e(round(v, 3) if isinstance(v, float) else v)}</td>')
            else:
                cells.append(f"<td>{_e(v)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _series(
    prev: pd.DataFrame, metrics: list[str], labels: dict[str, str], group: str = "alle deelnemers"
) -> list[dict]:
    out = []
    for m in metrics:
        rows = prev[(prev["metric"] == m) & (prev["group"] == group)]
        if rows.empty:
            continue
        points = {r.wave: (r.estimate, r.ci_low, r.ci_high) for r in rows.itertuples()}
        out.append({"name": _metric_name(m, labels), "points": points})
    return out


def _quote(doc_id: str, text: str) -> str:
    return f"<blockquote>{_e(text)}<cite>document {_e(doc_id)}</cite></blockquote>"


def _quality_paragraph(sq: dict[str, Any], labels: dict[str, str]) -> str:
    """How well the signals were measured to work, in plain words (or that they were not measured)."""
    if sq.get("macro_f1") is None:
        return (
            "<p><strong>De nauwkeurigheid van de signalen is nog niet gemeten</strong> tegen een door mensen "
            "gecodeerde testset; behandel de cijfers als verkennend.</p>"
        )
    lo, hi = (sq.get("interval") or [None, None])[:2]
    band = f" (95%-interval {_num(lo, 2)}–{_num(hi, 2)})" if lo is not None else ""
    text = (
        f"<p>Gemeten kwaliteit van de signalen op zinnen die mensen hebben gecodeerd ({_e(sq.get('source'))}): "
        f"gemiddelde F1 {_num(sq['macro_f1'], 2)}{band} op een schaal van 0 tot 1"
    )
    if sq.get("polarity_macro_f1") is not None:
        text += f"; waardering positief/neutraal/negatief {_num(sq['polarity_macro_f1'], 2)}"
    if sq.get("depth_within_one") is not None:
        text += f"; reflectiediepte binnen één niveau goed bij {_num(100 * sq['depth_within_one'], 0)}% van de teksten"
    text += ".</p>"
    if sq.get("weak"):
        names = ", ".join(_e(labels.get(w, w)) for w in sq["weak"])
        text += (
            f"<p>Minder betrouwbaar (F1 onder 0,6): {names}. Lees die cijfers als een aanwijzing, niet als meting.</p>"
        )
    text += (
        "<p>De testzinnen zijn door het projectteam geschreven in de stijl van echte reflecties; op echte teksten "
        "kan de kwaliteit lager uitvallen.</p>"
    )
    return text


def render_report(data: ReportData) -> str:
    labels = data.labels
    prev = data.prevalence
    waves = [w for w in WAVES if w in set(prev["wave"])] if len(prev) else list(WAVES)
    c = data.counts
    sections = []

    # samenvatting
    findings = "".join(
        f'<div class="finding"><span class="zeker">{escape(cert)}</span><br>{escape(text)}</div>'
        for text, cert in key_findings(data)
    )
    warn = ""
    if data.pipeline.get("fallback"):
        warn = (
            f'<p class="warn"><strong>Let op:</strong> deze analyse draaide zonder getraind Nederlands taalmodel '
            f"({_e(data.pipeline.get('reason'))}). Signalen zijn daardoor minder betrouwbaar.</p>"
        )
    summary = (
        f"{warn}<p>Dit rapport beschrijft wat deelnemers van <em>Samen in Beleid</em> in hun reflecties schrijven en "
        f"wat daarin verandert tussen de intake en het eind van het traject. Het is gebaseerd op "
        f"<strong>{c.get('documents', 0)}</strong> teksten van <strong>{c.get('participants', 0)}</strong> deelnemers. "
        f"Het zijn aanwijzingen uit teksten, geen metingen van gedrag: lees ze samen met de citaten.</p>"
        f"<h3>Belangrijkste bevindingen</h3>{findings}"
        f"<p class='meta'>Zekerheid: <em>vrij zeker</em> (p &lt; 0,01), <em>waarschijnlijk</em> (p &lt; 0,05), "
        f"<em>aanwijzing</em> (p &lt; 0,2), anders <em>geen duidelijke verandering</em>. Zie Methode.</p>"
    )
    if data.previous is not None and len(data.previous):
        summary += _comparison(data)
    sections.append(_section("samenvatting", "Samenvatting", summary))

    # thema's
    t = data.themes
    theme_body = (
        f"<p>Waar schrijven deelnemers over? Elke zin is automatisch ingedeeld bij een thema. Thema's van het programma "
        f"herkennen we aan voorbeeldzinnen uit het codeboek; andere onderwerpen verschijnen als <em>nieuw</em> thema. "
        f"{_pct(data.theme_info.get('outlier_share', 0))} van de zinnen past bij geen enkel thema.</p>"
    )
    if data.theme_info.get("message"):
        theme_body += f"<p class='warn'>{_e(data.theme_info['message'])}</p>"
    theme_metrics = [m for m in prev["metric"].unique() if m.startswith("theme:")] if len(prev) else []
    if theme_metrics:
        theme_body += trend_chart(
            _series(prev, theme_metrics[:8], labels), waves, "Aandeel deelnemers dat over het thema schrijft"
        )
    if len(t):
        show = t.sort_values("size", ascending=False).copy()
        show["codebook_theme"] = [
            labels.get("theme:" + c, c) if c != "nieuw" else "nieuw" for c in show["codebook_theme"]
        ]
        theme_body += _table(
            show,
            {
                "label": "Thema",
                "size": "Zinnen",
                "top_terms": "Kenmerkende woorden",
                "codebook_theme": "Programmathema",
            },
            numeric={"size"},
        )
        for r in show.head(10).itertuples():
            quotes = data.theme_quotes.get(int(r.theme_id), [])
            if quotes:
                theme_body += f"<h3>{_e(r.label)}</h3>" + "".join(_quote(d, q) for d, q in quotes[:3])
    sections.append(_section("themas", "Thema's", theme_body))

    # motivatie
    mot = [m for m in prev["metric"].unique() if m.startswith("signal:motivatie")] if len(prev) else []
    body = (
        "<p>Hoeveel deelnemers schrijven over waarom ze hun werk doen? <em>Intrinsiek</em>: vanuit bedoeling en "
        "betekenis; <em>extrinsiek</em>: omdat het moet. De banden geven het 95%-onzekerheidsinterval.</p>"
    )
    body += trend_chart(_series(prev, mot, labels), waves, "Motivatie: aandeel deelnemers per meting") if mot else ""
    body += _paired_table(data, mot)
    sections.append(_section("motivatie", "Motivatie", body))

    # samenwerking
    sam = [m for m in prev["metric"].unique() if m.startswith("signal:samenwerking")] if len(prev) else []
    body = (
        "<p>Met wie werken deelnemers samen? <em>Met buiten</em> betekent: met partijen buiten het ministerie, "
        "zoals gemeenten, burgers, bedrijven en kennisinstellingen.</p>"
    )
    body += trend_chart(_series(prev, sam, labels), waves, "Samenwerking: aandeel deelnemers per meting") if sam else ""
    if len(data.partners):
        for w in waves:
            pw = data.partners[data.partners["wave"] == w].sort_values("share", ascending=False)
            if len(pw):
                body += bar_chart(
                    [(str(r.partner_name), float(r.share)) for r in pw.itertuples()],
                    f"Soorten partners, {w}: aandeel deelnemers",
                )
    body += _paired_table(data, sam)
    sections.append(_section("samenwerking", "Samenwerking", body))

    # reflectiediepte
    body = (
        "<p>Hoe diep reflecteren deelnemers? Naar Hatton &amp; Smith: 0 = beschrijvend (wat er gebeurde), "
        "1 = beschrijvend-reflectief (met redenen of een les), 2 = dialogisch (weegt perspectieven af), "
        "3 = kritisch (zet eigen aannames of het systeem ter discussie).</p>"
    )
    if "depth" in set(prev.get("metric", [])):
        body += trend_chart(
            _series(prev, ["depth"], labels), waves, "Gemiddelde reflectiediepte", percent=False, y_max=3.0
        )
    if len(data.depth):
        piv = data.depth.pivot_table(index="level", columns="wave", values="share", fill_value=0).reset_index()
        headers = {"level": "Niveau"} | {w: w for w in waves if w in piv.columns}
        body += _table(piv, headers, pct={w for w in waves})
    sections.append(_section("reflectiediepte", "Reflectiediepte", body))

    # veranderverhalen
    body = (
        "<p>Deelnemers bij wie de reflecties het sterkst veranderden, met een citaat van het begin en van het "
        "eind. Dit zijn <strong>kandidaten</strong> voor een gesprek over de meest betekenisvolle verandering "
        "(Most Significant Change), geen conclusies: kies samen welke verhalen het verschil laten zien.</p>"
    )
    if data.stories is not None and len(data.stories):
        for r in data.stories.itertuples():
            moved = ", ".join(labels.get(x.strip(), x.strip()) for x in str(r.signals_moved).split(",") if x.strip())
            body += (
                f'<div class="story"><h3>Deelnemer {_e(r.participant_id)}</h3>'
                f"<p class='meta'>Nieuw aan het eind: {_e(moved)}</p>"
                f"<p><strong>Bij de intake</strong></p>{_quote(r.before_document, r.before_quote)}"
                f"<p><strong>Aan het eind</strong></p>{_quote(r.after_document, r.after_quote)}</div>"
            )
    else:
        body += "<p><em>Nog geen deelnemers met een intake- én eindreflectie.</em></p>"
    sections.append(_section("veranderverhalen", "Veranderverhalen", body))

    # per groep
    body = (
        f"<p>Dezelfde cijfers per directie en per rol. Groepen met minder dan {data.min_group_size} deelnemers "
        "tonen we niet, om te voorkomen dat personen herkenbaar worden.</p>"
    )
    for group_by, title in (("unit", "Per directie"), ("role", "Per rol")):
        groups = sorted(g for g in prev["group"].unique() if g.startswith(group_by + "=")) if len(prev) else []
        if groups:
            body += f"<h3>{title}</h3><div class='multiples'>"
            for g in groups:
                body += trend_chart(
                    _series(
                        prev,
                        [
                            "signal:samenwerking.extern",
                            "signal:motivatie.intrinsiek",
                            "signal:reflectie.inzicht",
                        ],
                        labels,
                        group=g,
                    ),
                    waves,
                    g.split("=", 1)[1],
                    width=440,
                    height=200,
                )
            body += "</div>"
            body += _paired_table(data, ["growth_score", "signal:samenwerking.extern"], groups=groups)
    body += _periods(data)
    if data.suppressed:
        body += "<p class='meta'>Niet getoond (te klein): " + escape("; ".join(data.suppressed)) + ".</p>"
    sections.append(_section("per-groep", "Per groep", body))

    # waardering (evaluaties)
    body = "<p>Wat vinden deelnemers van het traject? Uit de open antwoorden en de stellingen van de eindevaluatie.</p>"
    if len(data.likert):
        body += bar_chart(
            [(str(r.item), float(r.mean)) for r in data.likert.itertuples()],
            "Gemiddelde score op de stellingen (1–5)",
            percent=False,
        )
    if len(data.appreciation):
        piv = data.appreciation.pivot_table(index="aspect", columns="polarity", values="n", fill_value=0)
        piv = piv.reset_index()
        headers = {"aspect": "Aspect"} | {p: p for p in ("positief", "neutraal", "negatief") if p in piv.columns}
        body += _table(piv, headers, numeric=set(headers) - {"aspect"})
    sections.append(_section("waardering", "Waardering van het traject", body))

    # methode en kanttekeningen
    q = data.quarantine_reasons
    qtable = _table(q, {"reason": "Reden", "n": "Aantal"}, numeric={"n"}) if len(q) else "<p>Geen.</p>"
    quality = _quality_paragraph(data.signal_quality, labels)
    classifier = (
        ", per zin getoetst door een getraind classificatiemodel (logistische regressie op de patronen en de woorden)"
        if data.signal_quality.get("macro_f1") is not None
        else ""
    )
    body = (
        f"<p>Teksten: {c.get('read', 0)} ingelezen, {c.get('documents', 0)} geanalyseerd, "
        f"{c.get('quarantined', 0)} apart gezet (zie tabel), {c.get('duplicates', 0)} dubbel ingestuurd.</p>"
        f"{qtable}"
        "<p>Alle teksten zijn <strong>gepseudonimiseerd vóór de analyse</strong>: namen, e-mailadressen, "
        "telefoonnummers, BSN, IBAN, adressen en persoonlijke links zijn vervangen door codes als [PERSOON-1]. "
        "Organisaties en plaatsen blijven staan.</p>"
        f"<p>Taalmodel: {_e(data.pipeline.get('name'))} {_e(data.pipeline.get('version'))} "
        f"({_e(data.pipeline.get('reason'))}). Signalen: patronen uit het codeboek (versie "
        f"{_e(data.versions.get('codebook'))}) met controle op ontkenning, voornemens en voorbehoud; "
        "waardering ook met een open woordenlijst van Nederlandse bijvoeglijke naamwoorden (CLiPS Pattern)"
        f"{classifier}. "
        f"Thema's: {_e(data.theme_info.get('mode'))} met inbeddingen van {_e(data.theme_info.get('embedder'))}.</p>"
        f"{quality}"
        "<p>Onzekerheid: de percentages zijn aandelen deelnemers; de banden en intervallen zijn 95%-bootstrap-"
        "intervallen. Verandering binnen dezelfde deelnemers toetsen we met McNemar (wel/niet) of Wilcoxon "
        "(diepte). Een kleine groep geeft brede intervallen; een tekst is een momentopname.</p>"
        "<p>Kanttekeningen: wie veel schrijft, heeft meer kans op een signaal; wie niet (meer) schrijft, telt niet "
        "mee. Het rapport zegt iets over wat mensen schrijven, niet over wat ze doen.</p>"
    )
    sections.append(_section("methode", "Methode en kanttekeningen", body))

    # bijlagen
    overall = prev[prev["group"] == "alle deelnemers"] if len(prev) else prev
    body = "<p>De volledige tabellen staan in <code>change.csv</code> en <code>report.xlsx</code>.</p>"
    if len(overall):
        o = overall.copy()
        o["naam"] = [_metric_name(m, labels) for m in o["metric"]]
        body += _table(
            o,
            {
                "naam": "Maat",
                "wave": "Meting",
                "estimate": "Schatting",
                "ci_low": "95% laag",
                "ci_high": "95% hoog",
                "n": "n",
            },
            numeric={"estimate", "ci_low", "ci_high", "n"},
        )
    vers = ", ".join(f"{k} {v}" for k, v in sorted(data.versions.items()))
    body += f"<p class='meta'>Versies: {_e(vers)}</p>"
    sections.append(_section("bijlagen", "Bijlagen", body))

    toc = "".join(
        f'<li><a href="#{i}">{escape(t)}</a></li>'
        for i, t in (
            ("samenvatting", "Samenvatting"),
            ("themas", "Thema's"),
            ("motivatie", "Motivatie"),
            ("samenwerking", "Samenwerking"),
            ("reflectiediepte", "Reflectiediepte"),
            ("veranderverhalen", "Veranderverhalen"),
            ("per-groep", "Per groep"),
            ("waardering", "Waardering"),
            ("methode", "Methode en kanttekeningen"),
            ("bijlagen", "Bijlagen"),
        )
    )
    return (
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Samen in Beleid – rapport {escape(data.period)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>Samen in Beleid: wat verandert er?</h1><p class='meta'>Rapportageperiode "
        f"{escape(data.period)} · gemaakt op {escape(data.generated_at)} · {c.get('participants', 0)} deelnemers</p>"
        f"</header><nav><ol>{toc}</ol></nav>{''.join(sections)}</body></html>"
    )


def _paired_table(data: ReportData, metrics: list[str], groups: list[str] | None = None) -> str:
    p = data.paired
    if p is None or p.empty:
        return ""
    groups = groups or ["alle deelnemers"]
    rows = p[p["metric"].isin(metrics) & p["group"].isin(groups)].copy()
    if rows.empty:
        return ""
    rows["naam"] = [_metric_name(m, data.labels) for m in rows["metric"]]
    rows["zekerheid"] = [certainty(v) for v in rows["p_value"]]
    rows["groep"] = [g.split("=", 1)[-1] for g in rows["group"]]
    shares = rows["metric"].str.startswith(("signal:", "theme:"))
    for col, src in (("intake", "before"), ("eind", "after")):
        rows[col] = [_pct(v) if share else f"{v:.2f}" for v, share in zip(rows[src], shares, strict=True)]
    rows["p"] = [f"{v:.3f}" for v in rows["p_value"]]
    return _table(
        rows,
        {
            "groep": "Groep",
            "naam": "Maat",
            "n_pairs": "Deelnemers",
            "intake": "Intake",
            "eind": "Eind",
            "p": "p",
            "zekerheid": "Zekerheid",
        },
        numeric={"n_pairs", "intake", "eind", "p"},
    )


PERIOD_METRICS = ("signal:samenwerking.extern", "signal:motivatie.intrinsiek", "signal:reflectie.inzicht")


def _periods(data: ReportData) -> str:
    """Shares per reporting period (quarter in which a text was written), in texts and in participants."""
    ot = data.over_time
    if ot is None or ot.empty:
        return ""
    rows = ot[(ot["group"] == "alle deelnemers") & (ot["period"].fillna("") != "")]
    if rows.empty:
        return ""
    periods = sorted(rows["period"].unique())
    series = []
    for m in PERIOD_METRICS:
        r = rows[(rows["metric"] == m) & (rows["basis"] == "teksten")]
        if len(r):
            points = {x.period: (x.estimate, x.ci_low, x.ci_high) for x in r.itertuples()}
            series.append({"name": _metric_name(m, data.labels), "points": points})
    body = (
        "<h3>Per periode</h3><p>Hier tellen we <em>teksten</em> in plaats van deelnemers: het aandeel van de "
        "reflecties die in een kwartaal zijn geschreven waarin het signaal voorkomt. Zo telt een kwartaal met veel "
        "teksten niet zwaarder mee. De banden zijn 95%-intervallen waarin we per deelnemer trekken, omdat teksten "
        "van dezelfde persoon op elkaar lijken.</p>"
    )
    if series and len(periods) > 1:
        body += trend_chart(series, periods, "Aandeel teksten per kwartaal")
    table = rows[rows["metric"].isin(PERIOD_METRICS)].copy()
    table["naam"] = [_metric_name(m, data.labels) for m in table["metric"]]
    table["basis"] = table["basis"].map({"teksten": "teksten", "deelnemers": "deelnemers"})
    body += _table(
        table.sort_values(["metric", "period", "basis"]),
        {
            "naam": "Maat",
            "period": "Periode",
            "basis": "Geteld in",
            "estimate": "Aandeel",
            "ci_low": "95% laag",
            "ci_high": "95% hoog",
            "n": "n",
        },
        numeric={"estimate", "ci_low", "ci_high", "n"},
    )
    return body


def _last_per_metric(frame: pd.DataFrame) -> pd.Series:
    """Each metric's estimate at its latest wave (waves in programme order, not alphabetical)."""
    rows = frame[frame["group"] == "alle deelnemers"]
    if "basis" in rows:  # change.csv since it also holds periods and text shares
        rows = rows[(rows["basis"] == "deelnemers") & rows["wave"].fillna("").ne("")]
    rows = rows.assign(_order=rows["wave"].map({w: i for i, w in enumerate(WAVES)}))
    return rows.sort_values("_order").groupby("metric").tail(1).set_index("metric")["estimate"]


def _comparison(data: ReportData) -> str:
    last_cur = _last_per_metric(data.prevalence)
    last_old = _last_per_metric(data.previous)
    rose, fell, new = [], [], []
    for m, v in last_cur.items():
        if m not in last_old:
            new.append(_metric_name(m, data.labels))
        elif v - last_old[m] >= 0.1:
            rose.append(_metric_name(m, data.labels))
        elif last_old[m] - v >= 0.1:
            fell.append(_metric_name(m, data.labels))
    parts = []
    for title, items in (("Gestegen", rose), ("Gedaald", fell), ("Nieuw", new)):
        if items:
            parts.append(f"<li><strong>{title}</strong> (10 procentpunt of meer): {escape(', '.join(items))}</li>")
    if not parts:
        return "<h3>Vergeleken met het vorige rapport</h3><p>Geen verschuivingen van 10 procentpunt of meer.</p>"
    return f"<h3>Vergeleken met het vorige rapport</h3><ul>{''.join(parts)}</ul>"


def now_text() -> str:
    return datetime.now().strftime("%d-%m-%Y %H:%M")
