"""The inline stylesheet and script of the HTML report (no network, no external assets)."""

CSS = """
:root{--ink:#1f2933;--muted:#5f6b7a;--line:#d9dee5;--bg:#f5f7fa;--card:#fff;
--v:#c62828;--l:#ef6c00;--p:#1565c0;--f:#2e7d32;--n:#9e9e9e;
--vt:#ffcdd2;--lt:#ffe0b2;--pt:#bbdefb;--ft:#c8e6c9;--nt:#eeeeee;--accent:#0b5394}
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;color:var(--ink);background:var(--bg);line-height:1.6;
font-family:"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",
"Source Han Sans SC","WenQuanYi Zen Hei",system-ui,-apple-system,"Segoe UI",sans-serif}
.wrap{max-width:1320px;margin:0 auto;padding:0 24px}
header.top{background:linear-gradient(135deg,#0b3d91,#0b5394 60%,#1c6fb8);color:#fff;
padding:22px 0 18px}
header.top h1{margin:0;font-size:1.65rem;font-weight:600;letter-spacing:.02em}
header.top h1 span{font-weight:400;opacity:.9;margin-left:.4em}
header.top .meta{margin:6px 0 0;opacity:.92;font-size:.95rem}
nav.toc{position:sticky;top:0;z-index:20;background:#fff;border-bottom:1px solid var(--line);
box-shadow:0 1px 3px rgba(0,0,0,.05)}
nav.toc .wrap{display:flex;gap:4px;flex-wrap:wrap;padding-top:6px;padding-bottom:6px}
nav.toc a{color:var(--accent);text-decoration:none;padding:4px 12px;border-radius:14px;
font-size:.95rem}
nav.toc a:hover{background:#e8f0fb}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;
margin:18px 0;padding:16px 20px 20px;box-shadow:0 1px 2px rgba(16,24,40,.04)}
section h2{font-size:1.2rem;margin:0 0 10px;padding-left:10px;border-left:4px solid var(--accent)}
.note{color:var(--muted);font-size:.9rem;margin:4px 0 10px}
.cards{display:grid;grid-template-columns:repeat(6,minmax(120px,1fr));gap:12px}
.card{border-radius:8px;padding:10px 14px;border:1px solid var(--line);background:#fbfcfd}
.card b{display:block;font-size:1.9rem;line-height:1.2;font-variant-numeric:tabular-nums}
.card span{color:var(--muted)}
.card.violated b{color:var(--v)}.card.fulfilled_late b{color:var(--l)}
.card.pending b{color:var(--p)}.card.fulfilled b{color:var(--f)}
.card.not_applicable b{color:var(--n)}
.card.violated{border-top:4px solid var(--v)}.card.fulfilled_late{border-top:4px solid var(--l)}
.card.pending{border-top:4px solid var(--p)}.card.fulfilled{border-top:4px solid var(--f)}
.card.not_applicable{border-top:4px solid var(--n)}.card.total{border-top:4px solid var(--ink)}
.bar{display:flex;height:12px;border-radius:6px;overflow:hidden;margin:14px 0 4px;
background:var(--nt)}
.bar i{display:block;height:100%}
.bar .violated{background:var(--v)}.bar .fulfilled_late{background:var(--l)}
.bar .pending{background:var(--p)}.bar .fulfilled{background:var(--f)}
.bar .not_applicable{background:var(--n)}
.top-list{margin:8px 0 0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:6px 10px}
.top-list li{background:var(--vt);color:#7f1d1d;border-radius:12px;padding:1px 10px;
font-size:.9rem}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f0f3f7;font-weight:600;white-space:nowrap}
.scroll{overflow-x:auto}
table.matrix{width:auto;font-size:.88rem}
table.matrix th,table.matrix td{border:1px solid #fff;padding:4px 6px}
table.matrix thead th{background:#e9eef5;text-align:center;vertical-align:bottom;
white-space:normal;min-width:58px;max-width:96px;line-height:1.3}
table.matrix thead th.grp{background:#dbe4ef}
table.matrix th.art{text-align:left;white-space:nowrap;background:#f4f6f9;position:sticky;
left:0;z-index:2}
html[lang=en] table.matrix th.art{white-space:normal;min-width:9em;max-width:24em}
table.matrix td{text-align:center;min-width:54px;font-variant-numeric:tabular-nums;
cursor:pointer}
table.matrix td.empty{background:#fafbfc;cursor:default}
table.matrix td:not(.empty):hover{outline:2px solid var(--ink);outline-offset:-2px}
td.s-violated{background:var(--vt);color:#8e1b1b;font-weight:600}
td.s-fulfilled_late{background:var(--lt);color:#8a3b00}
td.s-pending{background:var(--pt);color:#0d3c78}
td.s-fulfilled{background:var(--ft);color:#1b5e20}
td.s-not_applicable{background:var(--nt);color:#616161}
td.tot{background:#f4f6f9;cursor:pointer;white-space:nowrap;text-align:left}
.legend{display:flex;gap:14px;flex-wrap:wrap;font-size:.88rem;color:var(--muted);margin:0 0 8px}
.legend i{display:inline-block;width:14px;height:14px;border-radius:3px;margin-right:5px;
vertical-align:-2px}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:.85rem;
white-space:nowrap;font-weight:600}
.badge.violated{background:var(--vt);color:#8e1b1b}
.badge.fulfilled_late{background:var(--lt);color:#8a3b00}
.badge.pending{background:var(--pt);color:#0d3c78}
.badge.fulfilled{background:var(--ft);color:#1b5e20}
.badge.not_applicable{background:var(--nt);color:#616161}
.score{display:flex;align-items:center;gap:8px;min-width:180px}
.score .track{flex:1;height:10px;background:#eceff3;border-radius:5px;overflow:hidden}
.score .track i{display:block;height:100%;background:#43a047}
.score .track i.b2{background:#7cb342}.score .track i.b3{background:#fb8c00}
.score .track i.b4{background:#e53935}
.score b{width:3.2em;text-align:right;font-variant-numeric:tabular-nums}
tr.soon td{background:#fff8e1}
.toolbar{display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin:0 0 10px}
.chip{border:1px solid var(--line);background:#fff;border-radius:14px;padding:2px 12px;
cursor:pointer;font:inherit;font-size:.9rem}
.chip[aria-pressed=true].violated{background:var(--vt);border-color:var(--v)}
.chip[aria-pressed=true].fulfilled_late{background:var(--lt);border-color:var(--l)}
.chip[aria-pressed=true].pending{background:var(--pt);border-color:var(--p)}
.chip[aria-pressed=true].fulfilled{background:var(--ft);border-color:var(--f)}
.chip[aria-pressed=true].not_applicable{background:var(--nt);border-color:var(--n)}
.chip[aria-pressed=false]{opacity:.55;text-decoration:line-through}
input[type=search]{font:inherit;padding:3px 10px;border:1px solid var(--line);border-radius:6px;
min-width:300px}
#filter-note{color:var(--accent);font-size:.9rem}
#filter-note button{font:inherit;font-size:.85rem;margin-left:6px;cursor:pointer}
#shown{color:var(--muted);font-size:.9rem;margin-left:auto}
table.findings{font-size:.92rem}
table.findings th.sortable{cursor:pointer;user-select:none}
table.findings th.sortable::after{content:" ⇅";color:#9aa5b1;font-weight:400}
table.findings th[aria-sort=ascending]::after{content:" ▲";color:var(--accent)}
table.findings th[aria-sort=descending]::after{content:" ▼";color:var(--accent)}
table.findings tr.row{cursor:pointer}
table.findings tr.row:hover td{background:#f5f9ff}
table.findings tbody.open tr.row td{background:#eef4fc}
table.findings td.msg{min-width:360px}
table.findings td.nowrap,td.nowrap{white-space:nowrap}
.fid{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8rem;
color:var(--muted);word-break:break-all}
tr.detail>td{background:#fbfcfe;padding:12px 16px 16px;border-bottom:2px solid #c9d6e8}
.ex{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:14px 22px}
.ex h4{margin:8px 0 4px;font-size:.95rem;color:var(--accent)}
.ex blockquote{margin:4px 0;padding:8px 12px;background:#f3f5f8;border-left:3px solid #9fb3c8;
font-family:"Songti SC","SimSun","Noto Serif CJK SC",serif;line-height:1.8}
.ex dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0}
.ex dt{color:var(--muted)}.ex dd{margin:0;word-break:break-word}
.fact{border:1px solid var(--line);border-radius:6px;padding:6px 10px;margin:6px 0;
background:#fff}
.fact .h{font-weight:600}
.param{margin:6px 0;padding:6px 10px;border-left:3px solid #c5cae9;background:#f7f8fd}
.param code{font-weight:600}
.param a{color:var(--accent);font-size:.85rem;margin-left:6px}
tr:target td{background:#fff8e1}
.remedy{padding:8px 12px;border-radius:6px;background:#fff4e5;border:1px solid #ffcc80}
.remedy.ok{background:#e8f5e9;border-color:#a5d6a7}
.how{color:var(--muted);font-size:.9rem}
table.params td{font-size:.9rem}
table.kv th{width:220px;white-space:normal}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
footer{color:var(--muted);font-size:.85rem;text-align:center;padding:10px 0 30px}
@media (max-width:900px){.cards{grid-template-columns:repeat(3,1fr)}.ex{grid-template-columns:1fr}}
@media print{nav.toc,.toolbar{display:none}section{break-inside:avoid-page;box-shadow:none}
tr.detail[hidden]{display:none}}
"""

JS = """
(function () {
  'use strict';
  var table = document.getElementById('findings-table');
  if (!table) { return; }
  var bodies = Array.prototype.slice.call(table.querySelectorAll('tbody.f'));
  var active = {};
  Array.prototype.forEach.call(document.querySelectorAll('.chip[data-status]'), function (b) {
    active[b.getAttribute('data-status')] = b.getAttribute('aria-pressed') === 'true';
  });
  var cellFilter = null;
  var search = document.getElementById('search');
  var note = document.getElementById('filter-note');
  var shown = document.getElementById('shown');

  function apply() {
    var q = search ? search.value.trim().toLowerCase() : '';
    var n = 0;
    bodies.forEach(function (tb) {
      var ok = active[tb.getAttribute('data-status')] !== false;
      if (ok && cellFilter) {
        ok = tb.getAttribute('data-a') === cellFilter.a &&
          (cellFilter.c === null || tb.getAttribute('data-c') === cellFilter.c);
      }
      if (ok && q) { ok = tb.getAttribute('data-text').indexOf(q) >= 0; }
      tb.hidden = !ok;
      if (ok) { n += 1; }
    });
    if (shown) { shown.textContent = shown.getAttribute('data-fmt').replace('{n}', n); }
    if (note) {
      note.hidden = !cellFilter;
      if (cellFilter) {
        note.querySelector('span').textContent = cellFilter.label;
      }
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll('.chip[data-status]'), function (b) {
    b.addEventListener('click', function () {
      var s = b.getAttribute('data-status');
      active[s] = !active[s];
      b.setAttribute('aria-pressed', active[s] ? 'true' : 'false');
      apply();
    });
  });
  if (search) { search.addEventListener('input', apply); }
  if (note) {
    note.querySelector('button').addEventListener('click', function () {
      cellFilter = null;
      apply();
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('table.matrix td[data-a]'),
    function (td) {
      td.addEventListener('click', function () {
        Object.keys(active).forEach(function (s) {
          active[s] = true;
          var chip = document.querySelector('.chip[data-status="' + s + '"]');
          if (chip) { chip.setAttribute('aria-pressed', 'true'); }
        });
        cellFilter = {a: td.getAttribute('data-a'), c: td.getAttribute('data-c'),
          label: td.getAttribute('data-label')};
        apply();
        var target = document.getElementById('findings');
        if (target) { target.scrollIntoView({behavior: 'smooth'}); }
      });
    });

  bodies.forEach(function (tb) {
    var row = tb.querySelector('tr.row');
    var detail = tb.querySelector('tr.detail');
    if (!row || !detail) { return; }
    row.addEventListener('click', function () {
      detail.hidden = !detail.hidden;
      tb.classList.toggle('open', !detail.hidden);
      row.setAttribute('aria-expanded', detail.hidden ? 'false' : 'true');
    });
  });

  var heads = Array.prototype.slice.call(table.querySelectorAll('thead th'));
  heads.forEach(function (th, idx) {
    if (!th.classList.contains('sortable')) { return; }
    th.addEventListener('click', function () {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var numeric = th.getAttribute('data-type') === 'num';
      var keyed = bodies.map(function (tb, i) {
        var cell = tb.querySelector('tr.row').children[idx];
        var v = cell ? cell.getAttribute('data-v') : '';
        if (v === null) { v = cell.textContent; }
        return {tb: tb, v: numeric ? parseFloat(v) : v, i: i};
      });
      keyed.sort(function (x, y) {
        var c = numeric ? x.v - y.v : (x.v < y.v ? -1 : (x.v > y.v ? 1 : 0));
        if (!asc) { c = -c; }
        return c !== 0 ? c : x.i - y.i;
      });
      keyed.forEach(function (k) { table.appendChild(k.tb); });
      bodies = keyed.map(function (k) { return k.tb; });
    });
  });
  apply();
}());
"""
