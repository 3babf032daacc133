"""The inline stylesheet and script of the HTML report (no network, no external assets)."""

CSS = """
:root{--ink:#1f2933;--muted:#5f6b7a;--line:#d9dee5;--bg:#f5f7fa;--card:#fff;
--v:#c62828;--l:#ef6c00;--p:#1565c0;--f:#2e7d32;--n:#9e9e9e;--w:#6a1b9a;--wt:#e1bee7;
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
.card.pending b{color:var(--p)}.card.waived b{color:var(--w)}.card.fulfilled b{color:var(--f)}
.card.not_applicable b{color:var(--n)}
.card.violated{border-top:4px solid var(--v)}.card.fulfilled_late{border-top:4px solid var(--l)}
.card.pending{border-top:4px solid var(--p)}
.card.waived{border-top:4px solid var(--w)}.card.fulfilled{border-top:4px solid var(--f)}
.card.not_applicable{border-top:4px solid var(--n)}.card.total{border-top:4px solid var(--ink)}
.bar{display:flex;height:12px;border-radius:6px;overflow:hidden;margin:14px 0 4px;
background:var(--nt)}
.bar i{display:block;height:100%}
.bar .violated{background:var(--v)}.bar .fulfilled_late{background:var(--l)}
.bar .pending{background:var(--p)}
.bar .waived{background:var(--w)}.bar .fulfilled{background:var(--f)}
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
td.s-waived{background:var(--wt);color:#4a148c}
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
.badge.waived{background:var(--wt);color:#4a148c}
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
.chip[aria-pressed=true].waived{background:var(--wt);border-color:var(--w)}
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
.charts{display:flex;flex-wrap:wrap;gap:8px 24px;margin-top:12px}
figure.chart{margin:0}
figure.chart figcaption{font-weight:600;font-size:.95rem;margin:6px 0 2px}
figure.chart svg{font-size:12px;fill:var(--ink);max-width:100%;height:auto}
figure.chart text.n{fill:var(--muted)}
.legend i.s-violated{background:var(--vt)}.legend i.s-fulfilled_late{background:var(--lt)}
.legend i.s-pending{background:var(--pt)}
.legend i.s-waived{background:var(--wt)}.legend i.s-fulfilled{background:var(--ft)}
.legend i.s-not_applicable{background:var(--nt)}
table.matrix td.grp{white-space:nowrap;color:var(--muted);cursor:default;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
select{font:inherit;padding:2px 6px;border:1px solid var(--line);border-radius:6px;
max-width:260px}
.pager{display:flex;gap:10px;align-items:center;margin:0 0 8px}
.pager button{font:inherit;font-size:.9rem;cursor:pointer}
.pager #shown{margin-left:0}
td.explain-cmd code{word-break:break-all}
"""

JS = """
(function () {
  'use strict';
  var data = document.getElementById('findings-data');
  var body = document.getElementById('findings-body');
  var table = document.getElementById('findings-table');
  var status = document.getElementById('findings-status');
  if (!data || !body || !table) { return; }
  var PAGE = parseInt(table.getAttribute('data-page'), 10) || 100;
  var D = null;
  var order = [];
  var page = 0;
  var texts = null;
  var active = {};
  var chips = Array.prototype.slice.call(document.querySelectorAll('.chip[data-status]'));
  chips.forEach(function (b) { active[b.getAttribute('data-status')] = true; });
  var article = document.getElementById('f-article');
  var unit = document.getElementById('f-unit');
  var search = document.getElementById('search');
  var shown = document.getElementById('shown');
  var explained = {};
  Array.prototype.forEach.call(document.querySelectorAll('#explanations > [data-x]'),
    function (node) { explained[node.getAttribute('data-x')] = node; });

  function text(k) {
    if (!texts) {
      texts = [];
      for (var j = 0; j < D.i.length; j += 1) {
        var h = D.holders[D.h[j]];
        texts.push((D.i[j] + ' ' + h[0] + ' ' + h[1] + ' ' + D.units[h[3]][1] + ' ' +
          D.m[j]).toLowerCase());
      }
    }
    return texts[k];
  }

  function filter() {
    var a = article ? article.value : '';
    var u = unit ? unit.value : '';
    var q = search ? search.value.trim().toLowerCase() : '';
    var st = D.statuses;
    order = [];
    for (var k = 0; k < D.s.length; k += 1) {
      if (!active[st[D.s[k]][0]]) { continue; }
      if (a !== '' && String(D.a[k]) !== a) { continue; }
      if (u !== '' && String(D.holders[D.h[k]][3]) !== u) { continue; }
      if (q && text(k).indexOf(q) < 0) { continue; }
      order.push(k);
    }
    page = 0;
    draw();
  }

  function cell(tr, value, cls) {
    var td = document.createElement('td');
    if (cls) { td.className = cls; }
    td.textContent = value;
    tr.appendChild(td);
    return td;
  }

  function row(k) {
    var st = D.statuses[D.s[k]];
    var h = D.holders[D.h[k]];
    var tr = document.createElement('tr');
    tr.className = 'row';
    tr.setAttribute('data-k', String(k));
    var badge = document.createElement('span');
    badge.className = 'badge ' + st[0];
    badge.textContent = st[1] + ' ' + st[2];
    cell(tr, '', '').appendChild(badge);
    cell(tr, String(D.a[k]), 'num');
    var rule = cell(tr, D.rules[D.r[k]][1], '');
    rule.title = D.rules[D.r[k]][0] + ' · ' + D.requirements[D.q[k]];
    cell(tr, h[1], '');
    cell(tr, D.units[h[3]][1], '');
    cell(tr, D.p[k], 'nowrap');
    cell(tr, D.d[k] + (D.u[k] ? ' *' : ''), 'nowrap').title =
      D.u[k] ? D.supplied.replace('{name}', D.u[k]) : '';
    var msg = cell(tr, D.m[k], 'msg');
    var id = document.createElement('div');
    id.className = 'fid';
    id.textContent = D.i[k];
    msg.appendChild(id);
    if (D.v[k]) {
      var ver = document.createElement('div');
      ver.className = 'fid';
      ver.textContent = D.version.replace('{label}', D.v[k]);
      msg.appendChild(ver);
    }
    tr.addEventListener('click', function () { toggle(tr, k); });
    return tr;
  }

  function toggle(tr, k) {
    var next = tr.nextSibling;
    if (next && next.classList && next.classList.contains('detail')) {
      next.parentNode.removeChild(next);
      tr.setAttribute('aria-expanded', 'false');
      return;
    }
    var detail = document.createElement('tr');
    detail.className = 'detail';
    var td = document.createElement('td');
    td.colSpan = 8;
    var node = explained[String(k)];
    if (node) {
      td.appendChild(node.firstElementChild.cloneNode(true));
    } else {
      td.className = 'explain-cmd';
      var code = document.createElement('code');
      code.textContent = table.getAttribute('data-ex-cmd').replace('{id}', D.i[k]);
      td.appendChild(code);
    }
    detail.appendChild(td);
    tr.parentNode.insertBefore(detail, tr.nextSibling);
    tr.setAttribute('aria-expanded', 'true');
  }

  function draw() {
    var pages = Math.max(1, Math.ceil(order.length / PAGE));
    if (page >= pages) { page = pages - 1; }
    var frag = document.createDocumentFragment();
    var end = Math.min(order.length, (page + 1) * PAGE);
    for (var j = page * PAGE; j < end; j += 1) { frag.appendChild(row(order[j])); }
    while (body.firstChild) { body.removeChild(body.firstChild); }
    body.appendChild(frag);
    if (shown) {
      shown.textContent = shown.getAttribute('data-fmt').replace('{n}', String(order.length))
        .replace('{p}', String(page + 1)).replace('{m}', String(pages));
    }
    document.body.setAttribute('data-findings-shown', String(end - page * PAGE));
    if (!document.body.hasAttribute('data-ready-ms')) {
      document.body.setAttribute('data-ready-ms', String(Math.round(performance.now())));
    }
  }

  function init() {
    if (unit) {
      var names = D.units.map(function (u, i) { return [u[1], i]; });
      names.sort(function (x, y) { return x[0] < y[0] ? -1 : (x[0] > y[0] ? 1 : x[1] - y[1]); });
      names.forEach(function (n) {
        var o = document.createElement('option');
        o.value = String(n[1]);
        o.textContent = n[0];
        unit.appendChild(o);
      });
      unit.addEventListener('change', filter);
    }
    if (article) { article.addEventListener('change', filter); }
    if (search) { search.addEventListener('input', filter); }
    chips.forEach(function (b) {
      b.addEventListener('click', function () {
        var s = b.getAttribute('data-status');
        active[s] = !active[s];
        b.setAttribute('aria-pressed', active[s] ? 'true' : 'false');
        filter();
      });
    });
    document.getElementById('prev').addEventListener('click', function () {
      if (page > 0) { page -= 1; draw(); }
    });
    document.getElementById('next').addEventListener('click', function () {
      if ((page + 1) * PAGE < order.length) { page += 1; draw(); }
    });
    var keys = {};
    D.units.forEach(function (u, i) { keys[u[0]] = i; });
    Array.prototype.forEach.call(document.querySelectorAll('table.matrix td[data-a]'),
      function (td) {
        td.addEventListener('click', function () {
          chips.forEach(function (b) {
            active[b.getAttribute('data-status')] = true;
            b.setAttribute('aria-pressed', 'true');
          });
          if (article) { article.value = td.getAttribute('data-a'); }
          var c = keys[td.getAttribute('data-c')];
          if (unit) { unit.value = c === undefined ? '' : String(c); }
          filter();
          var target = document.getElementById('findings');
          if (target) { target.scrollIntoView(); }
        });
      });
    filter();
  }

  window.addEventListener('load', function () {
    document.body.setAttribute('data-load-ms', String(Math.round(performance.now())));
  });
  function inflate() {
    if (typeof DecompressionStream === 'undefined') {
      status.textContent = status.getAttribute('data-nostream');
      return;
    }
    var bin = atob(data.textContent.trim());
    var bytes = new Uint8Array(bin.length);
    for (var b = 0; b < bin.length; b += 1) { bytes[b] = bin.charCodeAt(b); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
    new Response(stream).text().then(function (json) {
      D = JSON.parse(json);
      init();
    }).catch(function (err) {
      status.textContent = status.getAttribute('data-nostream') + ' (' + err + ')';
    });
  }
  // The summaries and the first page are in the page: the data is inflated once it has loaded.
  if (document.readyState === 'complete') { inflate(); } else {
    window.addEventListener('load', function () { setTimeout(inflate, 0); });
  }
}());
"""
