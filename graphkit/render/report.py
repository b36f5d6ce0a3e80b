"""`graphkit report`: a self-contained, offline HTML report of the assistance graph.

The report answers the aggregate questions in one file a journalist can mail or archive: top
donors and recipients, region roll-ups, flows between provinces, pairing modes, events over time,
cadres by host region, brokers and the network's bridges and communities. Every chart is inline SVG
drawn here (text stays text, so Chinese names are searchable and copyable) and is followed by the
table behind it. Nothing is fetched: no scripts, fonts, images or styles from elsewhere, and article
URLs are shown as text rather than links. Every piece of data is HTML-escaped by construction: the
document is a Jinja2 template with autoescaping, and the charts and tables are `Markup` built with
`markup`, which escapes every value it fills in.

    from graphkit.render.report import write_report
    write_report(kg.network(), "out/report.html")
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import jinja2
import networkx as nx
import pandas as pd
from markupsafe import Markup

from graphkit import analysis, vocabulary
from graphkit.analysis.events import donation_amount, total_donated
from graphkit.files import atomic_write
from graphkit.money import grouped, short

TEMPLATE = Path(__file__).with_name("report.html")
FONT_SIZE = 13


def markup(template: str, *args: Any, **kwargs: Any) -> Markup:
    """Our own markup with every value filled in escaped (quotes too, so attributes are safe): HTML
    built this way, and joined with `join`, is escaped by construction, as in a Jinja2 template."""
    return Markup(template).format(*args, **kwargs)


def join(parts: Iterable[Markup | str]) -> Markup:
    """Concatenate markup; a plain string among the parts is escaped."""
    return Markup("").join(parts)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Approximate rendered width: CJK and full-width characters are 1em, others about 0.6em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def clip(text: str, width: float, size: float = FONT_SIZE) -> str:
    """Shorten a label to fit `width` pixels, ending with … when cut."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > width:
            break
        out += ch
    return out + "…"


# --- SVG charts ----------------------------------------------------------------------------------


@dataclass
class Bar:
    """One bar: its label, value, colour and the text shown beside it and on hover."""

    label: str
    value: float
    colour: str = "#4e79a7"
    value_text: str = ""
    hover: str = ""


def bar_chart(bars: Sequence[Bar], width: int = 960, label_width: int | None = None, caption: str = "") -> Markup:
    """Horizontal bars, largest first as given; labels clipped to the label column."""
    if not bars:
        return Markup('<p class="empty">Nothing to chart.</p>')
    row, bar_h, top = 26, 17, 6
    widest = max(text_width(b.label) for b in bars) + 14
    label_w = label_width or int(min(max(widest, 80), width * 0.42))
    value_w = int(max(text_width(b.value_text or short(b.value), 12) for b in bars)) + 16
    plot_w = max(width - label_w - value_w, 60)
    peak = max((b.value for b in bars), default=0) or 1
    height = top + row * len(bars) + 6
    parts = [markup('<svg viewBox="0 0 {0} {1}" width="{0}" height="{1}" role="img" aria-label="{2}">',
                    width, height, caption)]
    for i, b in enumerate(bars):
        y = top + i * row
        w = max(plot_w * b.value / peak, 1.5 if b.value > 0 else 0)
        hover = b.hover or f"{b.label}: {b.value_text or short(b.value)}"
        parts.append(markup(
            '<g><title>{hover}</title>'
            '<text x="{lx}" y="{ty}" text-anchor="end" font-size="{size}" fill="#1f2933">{label}</text>'
            '<rect x="{x}" y="{y}" width="{w:.1f}" height="{h}" rx="2" fill="{colour}"/>'
            '<text x="{vx:.1f}" y="{ty}" font-size="12" fill="#52606d">{value}</text></g>',
            hover=hover, lx=label_w - 8, ty=y + bar_h - 4, size=FONT_SIZE, label=clip(b.label, label_w - 12),
            x=label_w, y=y, w=w, h=bar_h, colour=b.colour, vx=label_w + w + 6, value=b.value_text or short(b.value),
        ))
    parts.append(Markup("</svg>"))
    return join(parts)


def stacked_columns(
    periods: Sequence[str], series: Sequence[tuple[str, str, Sequence[float]]], width: int = 960, height: int = 260
) -> Markup:
    """Vertical stacked columns per period (series: name, colour, values), with totals on top."""
    if not periods:
        return Markup('<p class="empty">No dated events.</p>')
    left, right, top, bottom = 40, 10, 22, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for _, _, values in series) for i in range(len(periods))]
    peak = max(totals) or 1
    step = plot_w / len(periods)
    col_w = min(step * 0.62, 70)
    parts = [markup('<svg viewBox="0 0 {0} {1}" width="{0}" height="{1}" role="img">', width, height)]
    ticks = _ticks(peak)
    for tick in ticks:
        y = top + plot_h - plot_h * tick / peak
        parts.append(markup(
            '<line x1="{0}" x2="{1}" y1="{2:.1f}" y2="{2:.1f}" stroke="#e4e7eb"/>'
            '<text x="{3}" y="{4:.1f}" text-anchor="end" font-size="11" fill="#7b8794">{5:g}</text>',
            left, width - right, y, left - 6, y + 4, tick,
        ))
    for i, period in enumerate(periods):
        x = left + step * i + (step - col_w) / 2
        base = float(top + plot_h)
        for name, colour, values in series:
            value = values[i]
            if not value:
                continue
            h = plot_h * value / peak
            base -= h
            parts.append(markup(
                '<rect x="{0:.1f}" y="{1:.1f}" width="{2:.1f}" height="{3:.1f}" fill="{4}">'
                "<title>{5} {6}: {7:g}</title></rect>",
                x, base, col_w, h, colour, period, name, value,
            ))
        parts.append(markup(
            '<text x="{0:.1f}" y="{1:.1f}" text-anchor="middle" font-size="12" fill="#1f2933">{2:g}</text>'
            '<text x="{0:.1f}" y="{3}" text-anchor="middle" font-size="12" fill="#52606d">{4}</text>',
            x + col_w / 2, base - 5, totals[i], height - 10, period,
        ))
    parts.append(markup('<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="#9aa5b1"/>', left, width - right,
                        top + plot_h))
    parts.append(Markup("</svg>"))
    return join(parts)


def _ticks(peak: float) -> list[float]:
    """Three or four round gridline values up to `peak`."""
    raw = peak / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return [step * k for k in range(1, int(peak // step) + 1)]


def heatmap(
    matrix: pd.DataFrame, counts: pd.DataFrame | None = None, width_cap: int = 1060
) -> Markup:
    """A from × to matrix as coloured cells (log scale, so small flows stay visible) with values.

    `counts`, a matrix of event numbers with the same labels, marks cells where help flowed without
    money (pairings, secondments) and adds the count to each cell's tooltip.
    """
    if matrix.empty:
        return Markup('<p class="empty">No flows.</p>')
    rows, cols = [str(r) for r in matrix.index], [str(c) for c in matrix.columns]
    label_w = int(min(max(text_width(r) for r in rows) + 16, 220))
    head_h = int(min(max(text_width(c) for c in cols) * 0.72 + 24, 150))
    cell_w = max(min((width_cap - label_w - 20) / max(len(cols), 1), 96), 46)
    cell_h = 30
    width = int(label_w + cell_w * len(cols) + 20)
    height = int(head_h + cell_h * len(rows) + 8)
    values = matrix.to_numpy(dtype=float)
    peak = math.log10(values.max() + 1) if values.max() > 0 else 1
    parts = [markup('<svg viewBox="0 0 {0} {1}" width="{0}" height="{1}" role="img">', width, height)]
    for j, col in enumerate(cols):
        x = label_w + cell_w * j + cell_w / 2
        parts.append(markup(
            '<text transform="translate({0:.1f},{1}) rotate(-35)" font-size="12.5" fill="#1f2933">'
            "{2}<title>{3}</title></text>",
            x, head_h - 8, clip(col, 140, 12.5), col,
        ))
    parts.append(markup(
        '<text x="{0}" y="{1}" text-anchor="end" font-size="11" fill="#7b8794">从 ↓ 到 →</text>',
        label_w - 8, head_h - 8,
    ))
    for i, row_label in enumerate(rows):
        y = head_h + cell_h * i
        parts.append(markup(
            '<text x="{0}" y="{1:.1f}" text-anchor="end" font-size="12.5" fill="#1f2933">{2}<title>{3}</title></text>',
            label_w - 8, y + cell_h / 2 + 4, clip(row_label, label_w - 12, 12.5), row_label,
        ))
        for j, col in enumerate(cols):
            value = values[i, j]
            events = 0
            if counts is not None and row_label in counts.index and col in counts.columns:
                events = int(cast(Any, counts.loc[row_label, col]))
            x = label_w + cell_w * j
            share = math.log10(value + 1) / peak if value > 0 else 0
            fill = _shade(share) if value > 0 else ("#e4ecf5" if events else "#f5f7fa")
            ink = "#fff" if share > 0.6 else "#1f2933"
            hover = f"{row_label} → {col}: {grouped(value)} 元" + (f", {events} events" if counts is not None else "")
            parts.append(markup(
                '<rect x="{0:.1f}" y="{1}" width="{2:.1f}" height="{3}" rx="3" fill="{4}"><title>{5}</title></rect>',
                x + 1, y + 1, cell_w - 2, cell_h - 2, fill, hover,
            ))
            text = short(value, currency="") if value > 0 else (f"{events} 项" if events else "")
            if text:
                parts.append(markup(
                    '<text x="{0:.1f}" y="{1:.1f}" text-anchor="middle" font-size="11.5" fill="{2}">{3}'
                    "<title>{4}</title></text>",
                    x + cell_w / 2, y + cell_h / 2 + 4, ink if value > 0 else "#52606d", text, hover,
                ))
    parts.append(Markup("</svg>"))
    return join(parts)


def _shade(share: float) -> str:
    """From pale sand to deep red as `share` goes from 0 to 1."""
    low, high = (253, 232, 200), (155, 44, 44)
    r, g, b = (round(lo + (hi - lo) * share) for lo, hi in zip(low, high, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def legend(items: Iterable[tuple[str, str]], extra: str = "") -> Markup:
    """A row of colour swatches with names, and an optional note after them."""
    swatches = join(
        markup('<span><span class="sw" style="background:{0}"></span>{1}</span>', colour, name)
        for name, colour in items
    )
    note = markup("<span>{0}</span>", extra) if extra else Markup("")
    return markup('<div class="legend">{0}{1}</div>', swatches, note)


# --- tables --------------------------------------------------------------------------------------


Column = tuple[str, str, Callable[[Any], str] | None, bool]  # key, header, formatter, numeric


def table(frame: pd.DataFrame, columns: Sequence[Column], limit: int | None = None, nowrap: int = 1) -> Markup:
    """An HTML table of selected columns; formatters return plain text, escaped here.

    The first `nowrap` columns (names) are kept on one line.
    """
    if frame.empty:
        return Markup('<p class="empty">No rows.</p>')
    shown = frame.head(limit) if limit else frame
    head = join(
        markup('<th class="{0}">{1}</th>', "num" if numeric else "", header) for _, header, _, numeric in columns
    )
    body = []
    for _, row in shown.iterrows():
        cells = []
        for index, (key, _, formatter, numeric) in enumerate(columns):
            value = row.get(key)
            if value is not None and not isinstance(value, str | list) and pd.isna(value):
                value = None
            text = formatter(value) if formatter else ("" if value is None else str(value))
            long = not numeric and index >= nowrap and len(text) > 40
            flags = ("num" if numeric else "", "nw" if index < nowrap else "", "long" if long else "")
            classes = " ".join(c for c in flags if c)
            cells.append(markup('<td class="{0}">{1}</td>', classes, text))
        body.append(markup("<tr>{0}</tr>", join(cells)))
    more = Markup("")
    if limit and len(frame) > limit:
        more = markup('<p class="note">Showing {0} of {1} rows.</p>', limit, len(frame))
    return markup('<div class="tablewrap"><table><thead><tr>{0}</tr></thead><tbody>{1}</tbody></table></div>{2}',
                  head, join(body), more)


def behind(inner: Markup, what: str = "Table behind the chart 数据表") -> Markup:
    """The table behind a chart, open by default so it prints and screenshots."""
    return markup("<details open><summary>{0}</summary>{1}</details>", what, inner)


def shorten(value: Any, items: int = 12) -> str:
    """A list joined with ；or 、 cut after `items` entries, saying how many more there are."""
    if value is None:
        return ""
    text = str(value)
    separator = "；" if "；" in text else "、"
    parts = text.split(separator)
    if len(parts) <= items:
        return text
    return separator.join(parts[:items]) + f" … (+{len(parts) - items})"


def count(value: Any) -> str:
    return "" if value is None else f"{int(value):,}"


def score(value: Any) -> str:
    return "" if value is None else f"{float(value):.3f}"


# --- the report ----------------------------------------------------------------------------------


def report_data(graph: nx.MultiDiGraph, top: int = 15) -> dict[str, Any]:
    """Every table the report draws, as DataFrames (or lists), computed once."""
    evs = analysis.events(graph)
    donations = [e for e in evs.values() if e.get("relation") == "donation"]
    sources: dict[str, dict[str, Any]] = {}
    for event in evs.values():
        sid = event.get("sourceId") or ""
        entry = sources.setdefault(
            sid,
            {"source_id": sid, "title": event.get("title"), "publisher": event.get("publisher"),
             "date": event.get("sourceDate"), "url": event.get("url"), "events": 0},
        )
        entry["events"] += 1
    source_rows = sorted(sources.values(), key=lambda s: str(s["source_id"]))
    return {
        "counts": {
            "entities": graph.number_of_nodes(),
            "events": len(evs),
            "pairing": sum(e.get("relation") == "pairing" for e in evs.values()),
            "donation": len(donations),
            "secondment": sum(e.get("relation") == "secondment" for e in evs.values()),
            "sources": len(sources),
            "money": total_donated(donations),
            "with_amount": sum(donation_amount(e) is not None for e in donations),
        },
        "donors": analysis.top_donors(graph, top),
        "recipients": analysis.top_recipients(graph, top),
        "counties": analysis.region_rollup(graph, "county"),
        "provinces": analysis.region_rollup(graph, "province"),
        "province_flows": analysis.flows(graph, "province"),
        "province_matrix": analysis.flow_matrix(graph, "province"),
        "province_counts": analysis.flow_matrix(graph, "province", value="events"),
        "prefecture_flows": analysis.flows(graph, "prefecture", internal=False),
        "modes": analysis.pairing_modes(graph),
        "timeline": analysis.events_over_time(graph),
        "cadres": analysis.secondments_by_host(graph, "county"),
        "brokers": analysis.brokers(graph),
        "centrality": analysis.centrality(graph),
        "communities": analysis.communities_frame(graph),
        "sources": pd.DataFrame(source_rows),
    }


def _entity_bars(frame: pd.DataFrame, field: str) -> list[Bar]:
    bars = []
    for _, row in frame.iterrows():
        joint = " *" if field == "money_given" and row.get("joint_given", 0) else ""
        bars.append(
            Bar(
                label=f"{row['label']}{joint}",
                value=float(row[field]),
                colour=vocabulary.entity_type(row["type"]).color,
                value_text=short(float(row[field])),
                hover=f"{row['label']}（{row['type_zh']}）: {grouped(float(row[field]))} 元",
            )
        )
    return bars


def _type_legend(frames: Iterable[pd.DataFrame], extra: str = "") -> Markup:
    seen: dict[str, str] = {}
    for frame in frames:
        for _, row in frame.iterrows():
            kind = vocabulary.entity_type(row["type"])
            seen.setdefault(kind.zh, kind.color)
    return legend(seen.items(), extra)


def _section(anchor: str, title: str, chinese: str, *content: Markup) -> Markup:
    return markup('<section id="{0}"><h2>{1}<small>{2}</small></h2>{3}</section>', anchor, title, chinese,
                  join(content))


def _note(text: str) -> Markup:
    return markup('<p class="note">{0}</p>', text)


def _chart(svg: Markup) -> Markup:
    return markup('<div class="chart">{0}</div>', svg)


def _heading(text: str) -> Markup:
    return markup("<h3>{0}</h3>", text)


SECTIONS = [
    ("donors", "Donors", "捐赠方"),
    ("recipients", "Recipients", "受助方"),
    ("regions", "Regions", "地区汇总"),
    ("flows", "Flows between provinces", "省际流向"),
    ("modes", "Pairing modes", "帮扶方式"),
    ("time", "Over time", "时间分布"),
    ("cadres", "Cadres by host region", "挂职干部"),
    ("brokers", "Brokers", "对接人"),
    ("network", "Bridges and communities", "网络结构"),
    ("sources", "Sources", "来源"),
]


def render_report(graph: nx.MultiDiGraph, title: str = "graphkit report · 帮扶关系图谱分析报告",
                  generated: str | None = None, top: int = 15) -> str:
    """The report as one HTML string (UTF-8 text, no external resources)."""
    data = report_data(graph, top)
    c = data["counts"]
    generated = generated or dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    cards = [
        (short(c["money"]), f"money stated, {c['with_amount']} of {c['donation']} donations 捐赠金额"),
        (f"{c['donation']:,}", "donations 捐赠"),
        (f"{c['pairing']:,}", "pairings 结对关系"),
        (f"{c['secondment']:,}", "secondments 挂职/派驻"),
        (f"{c['entities']:,}", "entities 主体"),
        (f"{c['sources']:,}", "sources 来源文章"),
    ]
    cards_html = join(markup('<div class="card"><div class="v">{0}</div><div class="k">{1}</div></div>', v, k)
                      for v, k in cards)
    overview = markup('<div class="cards">{0}</div>', cards_html) + _note(
        "How things are counted: each event is counted once. A joint gift by several donors is one event; its money "
        "counts once towards a region or a flow, and in full towards each of its donors (marked *), since articles "
        "do not split it. Region totals include everything located within the region: its towns and villages, and "
        "the agencies, schools and hospitals located there. Amounts are in yuan as stated; approximate (约, 余) and "
        "per-month amounts are counted at their stated value and flagged in the tables."
    )
    body = [overview, _donors(data), _recipients(data), _regions(data), _flows(data), _modes(data), _time(data),
            _cadres(data), _brokers(data), _network(data), _sources(data)]
    subtitle = (f"{c['events']:,} events from {c['sources']:,} sources · generated {generated} · "
                "who helps whom in 对口支援, 东西部协作, 定点帮扶, 结对帮扶")
    footer = ("Generated by graphkit from the curated dataset; every figure traces to the events and articles "
              "listed in the tables. Offline file: no scripts or external resources.")
    return _template().render(
        title=title, subtitle=subtitle, sections=SECTIONS, body=body, footer=footer
    )


@cache
def _template() -> jinja2.Template:
    """The report's document, escaping every value not built as Markup."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE.parent), autoescape=True, undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return environment.get_template(TEMPLATE.name)


def _donors(data: dict[str, Any]) -> Markup:
    frame = data["donors"]
    columns: list[Column] = [
        ("label", "Donor 捐赠方", None, False), ("type_zh", "Type 类型", None, False),
        ("money_given", "Money 金额 (元)", grouped, True), ("donations_given", "Donations 次数", count, True),
        ("joint_given", "Joint 联合", count, True), ("approximate", "Approx. 约数", count, True),
    ]
    return _section(
        "donors", "Top donors", "主要捐赠方",
        _note("Entities by money given. * gave at least one gift jointly with others; the joint amount is shown in "
              "full for each donor."),
        _type_legend([frame, data["recipients"]], "* joint gift 联合捐赠"),
        _chart(bar_chart(_entity_bars(frame, "money_given"), caption="Top donors")),
        behind(table(frame, columns)),
    )


def _recipients(data: dict[str, Any]) -> Markup:
    frame = data["recipients"]
    columns: list[Column] = [
        ("label", "Recipient 受助方", None, False), ("type_zh", "Type 类型", None, False),
        ("money_received", "Money 金额 (元)", grouped, True), ("donations_received", "Donations 次数", count, True),
        ("approximate", "Approx. 约数", count, True),
    ]
    return _section(
        "recipients", "Top recipients", "主要受助方",
        _note("Entities by money received, as named in the articles (the most specific recipient)."),
        _chart(bar_chart(_entity_bars(frame, "money_received"), caption="Top recipients")),
        behind(table(frame, columns)),
    )


def _regions(data: dict[str, Any], top: int = 20) -> Markup:
    counties = data["counties"]
    counties = counties[(counties["events_received"] > 0) | (counties["events_given"] > 0)]
    bars = [
        Bar(f"{row['label']}", float(row["money_received"]), "#9b2c2c", short(float(row["money_received"])),
            f"{row['label']}（{row['within']}）: {grouped(float(row['money_received']))} 元")
        for _, row in counties[counties["money_received"] > 0].head(top).iterrows()
    ]
    columns: list[Column] = [
        ("label", "Region 地区", None, False), ("within", "In 所属", None, False),
        ("money_received", "Received 受助金额", grouped, True), ("donations_received", "Donations in", count, True),
        ("pairings_received", "Pairings in", count, True), ("secondments_hosted", "Cadres hosted", count, True),
        ("money_given", "Given 捐出金额", grouped, True), ("events_given", "Events out", count, True),
        ("approximate", "Approx.", count, True), ("periodic", "Per month", count, True),
        ("items_received", "Goods received 物资", shorten, False),
    ]
    provinces = data["provinces"]
    provinces = provinces[(provinces["events_received"] > 0) | (provinces["events_given"] > 0)]
    return _section(
        "regions", "Region roll-ups", "地区汇总（含下辖乡镇、村及驻地单位）",
        _note("Money received by each county-level region, including its towns and villages and the agencies, "
              "schools and hospitals located in it; each donation counted once per region."),
        _chart(bar_chart(bars, caption="Money received by county")),
        behind(table(counties, columns, limit=60, nowrap=2), "Counties 县级地区"),
        _heading("Provinces 省级"),
        table(provinces, columns[:1] + columns[2:10], limit=40),
    )


def _flows(data: dict[str, Any], side: int = 16) -> Markup:
    matrix = data["province_matrix"]
    shown = matrix.iloc[:side, :side]
    cut = Markup("")
    if shown.shape != matrix.shape:
        cut = _note(f"The matrix shows the {side} largest giving and receiving provinces; the table has them all.")
    flows = data["province_flows"]
    columns: list[Column] = [
        ("from_label", "From 帮扶方所在", None, False), ("to_label", "To 受助方所在", None, False),
        ("money", "Money 金额 (元)", grouped, True), ("donations", "Donations", count, True),
        ("pairings", "Pairings", count, True), ("secondments", "Secondments", count, True),
        ("modes", "Modes 方式", shorten, False), ("items", "Goods 物资", shorten, False),
    ]
    return _section(
        "flows", "Flows between provinces", "省际流向",
        _note("Money from the helpers' province (rows) to the helped province (columns); the diagonal is help "
              "within a province; “n 项” marks flows of pairings or secondments without money. A joint gift by donors "
              "of several provinces counts once in each of their flows. （未定位） collects parties placed in no "
              "region."),
        _chart(heatmap(shown, data["province_counts"])),
        cut,
        behind(table(flows, columns, limit=60, nowrap=2), "Province flows 省际流向表"),
        _heading("Between prefectures 地市之间"),
        table(data["prefecture_flows"], columns, limit=40, nowrap=2),
    )


def _modes(data: dict[str, Any]) -> Markup:
    frame = data["modes"]
    bars = [Bar(row["mode"], float(row["pairings"]), "#4e79a7", f"{int(row['pairings'])}") for _, row in
            frame.iterrows()]
    columns: list[Column] = [
        ("mode", "Mode 帮扶方式", None, False), ("pairings", "Pairings 结对数", count, True),
        ("stated", "As stated 原文用语", None, False), ("examples", "Examples 示例", None, False),
    ]
    return _section(
        "modes", "Pairing modes", "帮扶方式",
        _note("Standing pairings by mode, grouped by graphkit's controlled vocabulary (东西部扶贫协作 and 粤桂协作 "
              "count as 东西部协作); the terms the articles used are listed beside each."),
        _chart(bar_chart(bars, caption="Pairing modes")),
        behind(table(frame, columns)),
    )


def _time(data: dict[str, Any]) -> Markup:
    frame = data["timeline"]
    periods = [str(p) for p in frame["period"]]
    series = [(f"{t.zh} {t.en}", t.color, [float(v) for v in frame[t.key]]) for t in vocabulary.relations()]
    columns: list[Column] = [
        ("period", "Year 年份", None, False), ("pairing", "Pairings", count, True),
        ("donation", "Donations", count, True), ("secondment", "Secondments", count, True),
        ("money", "Money 金额 (元)", grouped, True),
    ]
    undated = frame.attrs.get("undated", 0)
    return _section(
        "time", "Events over time", "时间分布",
        _note(f"Events per year, dated by the event or else by its article; {undated} undated events are left out."),
        legend((name, colour) for name, colour, _ in series),
        _chart(stacked_columns(periods, series)),
        behind(table(frame, columns)),
    )


def _cadres(data: dict[str, Any]) -> Markup:
    frame = data["cadres"]
    bars = [Bar(row["label"], float(row["secondments"]), "#59a14f", f"{int(row['secondments'])}") for _, row in
            frame.head(20).iterrows()]
    columns: list[Column] = [
        ("label", "Host region 派驻地", None, False), ("secondments", "Secondments 人次", count, True),
        ("people", "People and teams 人员/工作队", shorten, False), ("senders", "Sent from 派出地", shorten, False),
    ]
    return _section(
        "cadres", "Cadres by host region", "挂职干部与工作队（按派驻县）",
        _note("People and work teams seconded (挂职, 派驻, 支教, 进修), by the county-level region of the host unit."),
        _chart(bar_chart(bars, caption="Secondments by host region")),
        behind(table(frame, columns, limit=60)),
    )


def _brokers(data: dict[str, Any]) -> Markup:
    frame = data["brokers"]
    columns: list[Column] = [
        ("label", "Broker 对接人", None, False), ("type_zh", "Type 类型", None, False),
        ("role", "Role 职务", None, False),
        ("member_of", "Unit/team 所属", None, False), ("events", "Events 次数", count, True),
        ("money", "Money 金额 (元)", grouped, True), ("donors", "Donors 捐赠方", shorten, False),
        ("recipients", "Recipients 受助方", shorten, False),
    ]
    bars = [Bar(row["label"], float(row["events"]), vocabulary.entity_type(row["type"]).color,
                f"{int(row['events'])} · {short(float(row['money']))}") for _, row in frame.head(15).iterrows()]
    return _section(
        "brokers", "Brokers", "对接人（促成捐赠的干部、工作队和单位）",
        _note("Who facilitated gifts (对接, 联系, 协调): events brokered and the money of those gifts, each once."),
        _chart(bar_chart(bars, caption="Brokers")),
        behind(table(frame, columns, limit=40, nowrap=2)),
    )


def _network(data: dict[str, Any]) -> Markup:
    central = data["centrality"]
    columns: list[Column] = [
        ("label", "Entity 主体", None, False), ("type_zh", "Type 类型", None, False),
        ("partners", "Partners 关联方", count, True), ("given", "Gives", count, True),
        ("received", "Receives", count, True), ("degree_centrality", "Degree 度中心性", score, True),
        ("betweenness", "Betweenness 中介中心性", score, True),
    ]
    community_columns: list[Column] = [
        ("community", "#", count, True), ("size", "Size 规模", count, True), ("hub", "Hub 核心", None, False),
        ("money_inside", "Money inside 内部金额", grouped, True), ("members", "Members 成员", shorten, False),
    ]
    return _section(
        "network", "Bridges and communities", "网络结构：桥梁与社群",
        _note("Centrality on the who-helps-whom graph (undirected; brokers linked to the parties they connected). "
              "Betweenness is high for entities that sit between otherwise separate parts of the network. "
              "Communities also use the register's links (an agency to its county, a cadre to their team), so "
              "they show programmes rather than single gifts."),
        _heading("Most central 中心性最高"),
        table(central, columns, limit=20),
        _heading("Communities 社群 (Louvain modularity)"),
        table(data["communities"], community_columns, limit=25, nowrap=3),
    )


def _sources(data: dict[str, Any]) -> Markup:
    columns: list[Column] = [
        ("source_id", "Source 编号", None, False), ("title", "Title 标题", None, False),
        ("publisher", "Publisher 发布者", None, False), ("date", "Date 日期", None, False),
        ("events", "Events 事件", count, True), ("url", "URL（文本，不链接）", None, False),
    ]
    return _section("sources", "Sources", "来源文章", table(data["sources"], columns, limit=300))


def write_report(graph: nx.MultiDiGraph, path: Path | str, **options: Any) -> Path:
    """Write the report atomically (temporary file, then rename) and return its path."""
    return atomic_write(path, render_report(graph, **options).encode("utf-8"))
