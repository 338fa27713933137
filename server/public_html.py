"""The public page ("satu pintu"): one plain HTML page, readable on a phone, no JavaScript.

Built by hand with every text escaped (no template engine needed for one page). Bahasa Indonesia,
numbers as 1.234, dates as dd/MM/yyyy.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from html import escape

from forms.numbers import format_number
from server.public_figures import WIB, WIT, WITA, Completeness, DailyFigures, RegionFigures

#: shown first when the forms have them; otherwise the first three indicators are
HEADLINE = ("konfirmasi_baru", "sembuh", "meninggal")
_ZONE_NAMES = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}

_STYLE = """
*{box-sizing:border-box}
body{margin:0;font:17px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
 color:#1b1f23;background:#f4f6f8}
header{background:#0b5d3b;color:#fff;padding:14px 16px}
header h1{margin:0;font-size:1.3rem}
header p{margin:2px 0 0;opacity:.9}
main{max-width:46rem;margin:0 auto;padding:8px 12px 24px}
section{background:#fff;border-radius:8px;padding:12px 14px;margin:12px 0;
 box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:1.15rem;margin:0 0 4px}
h3{font-size:1rem;margin:16px 0 4px}
.note{color:#57606a;font-size:.9rem;margin:4px 0 10px}
table{width:100%;border-collapse:collapse;margin:6px 0}
th,td{padding:6px 4px;border-bottom:1px solid #e3e6e8;text-align:left;vertical-align:top}
th{font-size:.85rem;color:#57606a;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.n{white-space:nowrap}
td small{display:block;color:#57606a;font-size:.8rem}
tr.form th{color:#0b5d3b;font-size:.9rem;padding-top:12px}
tr.form th.n{white-space:nowrap}
tr.total td{font-weight:700}
details{border-top:1px solid #e3e6e8;padding:6px 0}
summary{cursor:pointer;padding:6px 0;font-weight:600}
summary small{font-weight:400;color:#57606a}
ul{list-style:none;padding:0;margin:0}
li{padding:6px 0;border-bottom:1px solid #eef0f2}
.ok{color:#0b5d3b;font-weight:600}
.part{color:#9a6700;font-weight:600}
.missing{color:#57606a;font-size:.9rem;margin:2px 0 0 0}
footer{max-width:46rem;margin:0 auto;padding:0 16px 24px;color:#57606a;font-size:.9rem}
a{color:#0b5d3b}
"""


def d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def n(value: int | None) -> str:
    return "–" if value is None else format_number(value, "id")


def render_page(
    place: str,
    figures: DailyFigures | None,
    today: Completeness,
    now: datetime,
    zone: tzinfo,
) -> str:
    """The whole page: the latest day's figures per kabupaten, then who has reported today."""
    local = now.astimezone(zone)
    zone_name = _ZONE_NAMES.get(zone, local.strftime("%Z"))
    parts = [
        "<!doctype html>",
        '<html lang="id"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Angka harian — {escape(place)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<header><h1>Angka harian puskesmas</h1><p>{escape(place)}</p></header><main>",
        _figures_section(figures),
        _completeness_section(today),
        "</main>",
        "<footer><p>Diperbarui "
        f"{d(local.date())} pukul {local.strftime('%H.%M')} {escape(zone_name)}. "
        "Angka hanya dari laporan yang sudah ditandai lengkap oleh fasilitas.</p>",
        _downloads(figures),
        "</footer></body></html>",
    ]
    return "\n".join(parts)


def _figures_section(figures: DailyFigures | None) -> str:
    if figures is None or not figures.regions:
        return (
            "<section><h2>Angka terbaru</h2>"
            '<p class="note">Belum ada laporan lengkap yang diterima.</p></section>'
        )
    by_key = {ind.key: ind for ind in figures.indicators}
    headline = [by_key[k] for k in HEADLINE if k in by_key] or figures.indicators[:3]
    total = figures.total("Seluruh wilayah")
    out = [
        f"<section><h2>Angka tanggal {d(figures.day)}</h2>",
        '<p class="note">Jumlah dari laporan lengkap semua fasilitas di tiap kabupaten/kota. '
        "Ketuk nama wilayah untuk melihat semua angka.</p>",
        "<table><thead><tr><th>Kabupaten/kota</th>",
    ]
    out += [f'<th class="n">{escape(ind.label.id)}</th>' for ind in headline]
    out.append("</tr></thead><tbody>")
    lead = headline[0].form_id if headline else ""
    for region in figures.regions:
        reported = f"{n(region.reported.get(lead, 0))}/{n(region.facilities)} fasilitas lapor"
        out.append(f"<tr><td>{escape(region.name)}<small>{reported}</small></td>")
        out += [f'<td class="n">{n(region.sums[ind.key])}</td>' for ind in headline]
        out.append("</tr>")
    out.append('<tr class="total"><td>Jumlah</td>')
    out += [f'<td class="n">{n(total.sums[ind.key])}</td>' for ind in headline]
    out.append("</tr></tbody></table>")
    out.append(_details(figures, total, "Seluruh wilayah", open_=False))
    out += [_details(figures, region, region.name) for region in figures.regions]
    out.append("</section>")
    return "\n".join(out)


def _details(figures: DailyFigures, region: RegionFigures, title: str, open_: bool = False) -> str:
    out = [
        f"<details{' open' if open_ else ''}><summary>{escape(title)} "
        f"<small>· {n(region.facilities)} fasilitas</small></summary>",
        "<table><tbody>",
    ]
    for form in figures.forms:
        reported = region.reported.get(form.id, 0)
        out.append(
            f'<tr class="form"><th>{escape(form.title.id)}</th>'
            f'<th class="n">{n(reported)}/{n(region.facilities)} lapor</th></tr>'
        )
        for ind in figures.indicators:
            if ind.form_id == form.id:
                out.append(
                    f'<tr><td>{escape(ind.label.id)}</td><td class="n">{n(region.sums[ind.key])}'
                    "</td></tr>"
                )
    out.append("</tbody></table></details>")
    return "\n".join(out)


def _completeness_section(today: Completeness) -> str:
    facilities = sum(k.facilities for rows in today.kabupaten.values() for k in rows)
    reported = sum(k.reported for rows in today.kabupaten.values() for k in rows)
    out = [
        f"<section><h2>Laporan hari ini, {d(today.day)}</h2>",
        f'<p class="note">{n(reported)} dari {n(facilities)} fasilitas sudah mengirim laporan '
        "lengkap hari ini (semua formulir).</p>",
    ]
    # One kabupaten shows its kecamatan at once; several are folded (a province has dozens).
    folded = len(today.kabupaten) > 1
    if folded:
        out.append('<p class="note">Ketuk nama kabupaten/kota untuk melihat tiap kecamatan.</p>')
    for (_, kab_name), rows in today.kabupaten.items():
        kab_reported = sum(k.reported for k in rows)
        kab_facilities = sum(k.facilities for k in rows)
        cls = "ok" if kab_reported == kab_facilities else "part"
        out.append(
            f"<details{'' if folded else ' open'}><summary>"
            f"{escape(kab_name or 'Tanpa kabupaten')} <small>· "
            f'<span class="{cls}">{n(kab_reported)} dari {n(kab_facilities)}</span>'
            " fasilitas</small></summary><ul>"
        )
        for kec in rows:
            cls = "ok" if kec.reported == kec.facilities else "part"
            out.append(
                f"<li>Kecamatan {escape(kec.name)}: "
                f'<span class="{cls}">{n(kec.reported)} dari {n(kec.facilities)}</span>'
            )
            if kec.missing:
                names = []
                for name, forms in kec.missing:
                    if len(forms) < len(today.forms):
                        missing = ", ".join(escape(f.id) for f in forms)
                        names.append(f"{escape(name)} (belum: {missing})")
                    else:
                        names.append(escape(name))
                out.append(f'<p class="missing">Belum melapor: {"; ".join(names)}</p>')
            out.append("</li>")
        out.append("</ul></details>")
    if not today.kabupaten:
        out.append('<p class="note">Belum ada fasilitas terdaftar.</p>')
    out.append("</section>")
    return "\n".join(out)


def _downloads(figures: DailyFigures | None) -> str:
    query = f"&amp;date={figures.day.isoformat()}" if figures is not None else ""
    links = [
        f'<a href="v1/daily.csv?level=kabupaten{query}">CSV per kabupaten</a>',
        f'<a href="v1/daily.csv?level=kecamatan{query}">CSV per kecamatan</a>',
        f'<a href="v1/daily.json?level=kabupaten{query}">JSON</a>',
    ]
    return f"<p>Unduh data: {' · '.join(links)}</p>"
