/* Vigil dashboard: a single-page app over /api/v1. Every piece of data is put in the page as text (textContent),
 * never as markup: trace content is attacker-controlled. */
(function () {
  'use strict';

  const API = '/api/v1';
  const state = { experiment: null, timer: null, charts: [], page: null };

  // ------------------------------------------------------------------ helpers

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'class') e.className = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const kid of kids.flat()) {
      if (kid == null) continue;
      e.appendChild(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return e;
  }

  async function api(method, path, body) {
    const opts = { method, credentials: 'same-origin', headers: {} };
    if (method !== 'GET') {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body || {});
    }
    const r = await fetch(API + path, opts);
    if (r.status === 401) {
      window.location.href = '/login';
      throw new Error('signed out');
    }
    const data = await r.json();
    if (!r.ok) {
      const err = new Error((data.error && data.error.message) || ('HTTP ' + r.status));
      err.detail = data.error || {};
      throw err;
    }
    return data;
  }

  const exp = () => '/experiments/' + encodeURIComponent(state.experiment);
  const fmtTime = (iso) => iso ? new Date(iso).toLocaleString() : '';
  const pct = (x) => x == null ? '–' : (100 * x).toFixed(1) + ' %';
  const num = (x, d) => x == null ? '–' : Number(x).toFixed(d == null ? 2 : d);
  function fmtValue(m) {
    if (!m || m.value == null) return '–';
    return m.kind === 'passRate' ? pct(m.value) : num(m.value, 3);
  }
  function fmtCi(m) {
    if (!m || m.low == null) return '';
    return m.kind === 'passRate' ? '[' + pct(m.low) + ', ' + pct(m.high) + ']'
      : '[' + num(m.low, 3) + ', ' + num(m.high, 3) + ']';
  }
  function errorBox(id) {
    return el('pre', { class: 'err', id, hidden: true });
  }
  function showError(box, e) {
    box.hidden = false;
    box.textContent = e.message;
  }

  function sparkline(points) {
    const w = 120, h = 28, ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('width', w); svg.setAttribute('height', h); svg.setAttribute('class', 'spark');
    const vals = points.filter((p) => p.value != null);
    if (vals.length === 0) return svg;
    const lo = Math.min(...vals.map((p) => p.low != null ? p.low : p.value));
    const hi = Math.max(...vals.map((p) => p.high != null ? p.high : p.value));
    const y = (v) => h - 2 - (hi === lo ? (h - 4) / 2 : (v - lo) / (hi - lo) * (h - 4));
    const x = (i) => vals.length === 1 ? w / 2 : 2 + i * (w - 4) / (vals.length - 1);
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', vals.map((p, i) => x(i) + ',' + y(p.value)).join(' '));
    line.setAttribute('fill', 'none'); line.setAttribute('stroke', '#2457c5'); line.setAttribute('stroke-width', '1.5');
    svg.appendChild(line);
    return svg;
  }

  function setPage(node) {
    for (const c of state.charts) c.destroy();
    state.charts = [];
    const main = document.getElementById('main');
    main.replaceChildren(node);
  }

  function every(ms, fn) {
    clearInterval(state.timer);
    state.timer = setInterval(() => { fn().catch(() => {}); }, ms);
  }

  function rangeSelect(id, value) {
    const s = el('select', { id },
      el('option', { value: '6h' }, 'last 6 hours'), el('option', { value: '24h' }, 'last 24 hours'),
      el('option', { value: '7d' }, 'last 7 days'), el('option', { value: '30d' }, 'last 30 days'));
    s.value = value || '24h';
    return s;
  }
  function rangeFrom(v) {
    const hours = { '6h': 6, '24h': 24, '7d': 168, '30d': 720 }[v] || 24;
    return new Date(Date.now() - hours * 3600e3).toISOString();
  }

  // ------------------------------------------------------------------ overview

  async function overview() {
    const range = rangeSelect('ov-range', sessionStorage.getItem('range'));
    const health = el('div', { class: 'cards', id: 'engine' });
    const sessions = el('div', { class: 'cards', id: 'sessions' });
    const body = el('tbody', { id: 'ov-body' });
    const err = errorBox('ov-error');
    const alerts = alertsSection();
    const table = el('table', { id: 'ov-table' }, el('thead', {}, el('tr', {},
      ['Scorer', 'Kind', 'State', 'Rate', 'Filter', 'Sampled', 'Scored', 'Errors', 'Feedback', 'Value', '95 % interval',
        'n', 'Trend'].map((h) => el('th', { class: ['Sampled', 'Scored', 'Errors', 'Value', 'n', 'Rate'].includes(h) ? 'num' : '' }, h)))), body);
    setPage(el('div', {}, el('h2', {}, 'Overview'),
      el('div', { class: 'row' }, el('label', { class: 'f' }, 'Range', range)), err, el('h3', {}, 'Engine'), health,
      el('h3', {}, 'Session scoring'), sessions,
      el('h3', {}, 'Scorers'), el('div', { class: 'panel' }, table), alerts.node));
    range.addEventListener('change', () => { sessionStorage.setItem('range', range.value); load(); });
    async function load() {
      const d = await api('GET', exp() + '/overview?bucket=hour&from=' + encodeURIComponent(rangeFrom(range.value)));
      const e = d.engine;
      health.replaceChildren(
        card('Engine', e.status, 'st-' + e.status), card('Traces stored', d.traceCount),
        card('Traces seen', e.tracesSeen), card('Throughput', num(e.throughputPerSecond, 1) + ' /s'),
        card('Queue', e.queueDepth), card('Cursor lag', e.cursorLag), card('Loop failures', e.loopFailures));
      // the session monitor's counters: this experiment's, and every experiment's under them
      const sx = d.sessions, sa = e.sessions;
      sessions.replaceChildren(...[['passes', 'Session passes'], ['scored', 'Sessions scored'],
        ['errors', 'Session errors'], ['deferred', 'Sessions deferred']].map(([f, k]) =>
        card(k, sx[f], f === 'errors' && sx[f] > 0 ? 'st-FAILING' : '', 'all experiments: ' + sa[f], f)));
      const rows = [];
      for (const s of d.scorers) {
        const metrics = s.metrics.length ? s.metrics : [null];
        metrics.forEach((m, i) => {
          const first = i === 0;
          const perSession = s.level === 'session';
          rows.push(el('tr', { 'data-scorer': s.name, 'data-feedback': m ? m.feedbackName : '', 'data-level': s.level || 'trace' },
            el('td', {}, first ? s.name : ''),
            el('td', {}, first ? s.kind : '', first && perSession ? el('span', { class: 'level muted', title: 'one value per session: its latest valid assessment' }, ' · per session') : ''),
            el('td', { class: 'state-' + s.state }, first ? s.state : ''),
            el('td', { class: 'num' }, first ? pct(s.sampleRate) : ''), el('td', {}, first ? (s.filter || '') : ''),
            el('td', { class: 'num' }, first ? s.health.sampled : ''), el('td', { class: 'num' }, first ? s.health.scored : ''),
            el('td', { class: 'num' }, first ? s.health.errors : ''),
            el('td', {}, m ? m.feedbackName : 'no feedback in range'),
            el('td', { class: 'num value' }, fmtValue(m)), el('td', { class: 'ci' }, fmtCi(m)),
            el('td', { class: 'num' }, m ? m.n : ''), el('td', {}, m ? sparkline(m.sparkline) : '')));
        });
      }
      if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: 13, class: 'muted' }, 'No scorers yet: register one on the Scorers page.')));
      body.replaceChildren(...rows);
      err.hidden = true;
    }
    function card(k, v, cls, note, field) {
      return el('div', { class: 'card', 'data-field': field }, el('div', { class: 'k' }, k),
        el('div', { class: 'v ' + (cls || '') }, v), note ? el('div', { class: 'n muted' }, note) : null);
    }
    await load().catch((e) => showError(err, e));
    await alerts.load();
    every(2000, () => Promise.all([load(), alerts.load()]));
  }

  // ------------------------------------------------------------------ alerts (monitors and budgets)

  /** The monitors with their state and the budgets with this period's use; each list fails on its own. */
  function alertsSection() {
    const mBody = el('tbody', { id: 'mon-body' });
    const bBody = el('tbody', { id: 'bud-body' });
    const mErr = errorBox('mon-error');
    const bErr = errorBox('bud-error');
    const head = (cols, nums) => el('thead', {}, el('tr', {}, cols.map((h) => el('th', { class: nums.includes(h) ? 'num' : '' }, h))));
    const node = el('div', { id: 'alerts' },
      el('h3', {}, 'Monitors'), mErr, el('div', { class: 'panel' }, el('table', { id: 'mon-table' },
        head(['Monitor', 'Scorer', 'Metric', 'State', 'Since', 'Value', '95 % interval', 'n'], ['Value', 'n']), mBody)),
      el('h3', {}, 'Budgets'), bErr, el('div', { class: 'panel' }, el('table', { id: 'bud-table' },
        head(['Budget', 'Scorer', 'Period', 'Limit', 'Spent', 'Used', ''], ['Limit', 'Spent', 'Used']), bBody)));
    const monValue = (m, v) => v == null ? '–' : (m.metric === 'pass_rate' ? pct(v) : num(v, 3));
    async function loadMonitors() {
      const list = (await api('GET', exp() + '/monitors')).monitors;
      const rows = list.map((m) => {
        const t = m.last || {};
        return el('tr', { 'data-monitor': m.name },
          el('td', {}, m.name), el('td', {}, m.scorer), el('td', {}, m.describe || m.metric),
          el('td', { class: 'state state-' + m.state }, m.state), el('td', { class: 'time since' }, fmtTime(m.since)),
          el('td', { class: 'num value' }, monValue(m, t.value)),
          el('td', { class: 'ci interval' }, t.low == null ? '' : '[' + monValue(m, t.low) + ', ' + monValue(m, t.high) + ']'),
          el('td', { class: 'num' }, t.sampleSize == null ? '' : t.sampleSize));
      });
      if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: 8, class: 'muted' }, 'No monitors: create one with \'vigil monitors create\'.')));
      mBody.replaceChildren(...rows);
      mErr.hidden = true;
    }
    function limit(b) {
      const parts = [];
      if (b.maxUsd != null) parts.push('$' + num(b.maxUsd, 2));
      if (b.maxTokens != null) parts.push(b.maxTokens + ' tokens');
      return parts.join(' / ');
    }
    function spent(b) {
      const u = b.usage || {};
      const parts = [];
      if (b.maxUsd != null || b.maxTokens == null) parts.push('$' + num(u.spentUsd, 4));
      if (b.maxTokens != null) parts.push(u.spentTokens + ' tokens');
      return parts.join(' / ');
    }
    async function loadBudgets() {
      const list = (await api('GET', exp() + '/budgets')).budgets;
      const rows = list.map((b) => {
        const share = b.usage ? b.usage.usedShare : null;
        const width = share == null ? 0 : Math.max(0, Math.min(1, share)) * 100;
        return el('tr', { 'data-budget': b.name },
          el('td', {}, b.name), el('td', {}, b.scorer), el('td', {}, b.period),
          el('td', { class: 'num limit' }, limit(b)), el('td', { class: 'num spent' }, spent(b)),
          el('td', { class: 'num used' + (share != null && share >= 1 ? ' fail' : '') }, pct(share)),
          el('td', {}, el('div', { class: 'bar', title: pct(share) },
            el('div', { style: 'width: ' + width.toFixed(1) + '%' + (share != null && share >= 1 ? '; background: var(--bad)' : '') }))));
      });
      if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No budgets: set one with \'vigil budgets set\'.')));
      bBody.replaceChildren(...rows);
      bErr.hidden = true;
    }
    async function load() {
      await Promise.all([loadMonitors().catch((e) => showError(mErr, e)), loadBudgets().catch((e) => showError(bErr, e))]);
    }
    return { node, load };
  }

  // ------------------------------------------------------------------ trends

  async function trends() {
    const scorers = (await api('GET', exp() + '/scorers')).scorers;
    const sel = el('select', { id: 'tr-scorer' }, scorers.map((s) => el('option', { value: s.name }, s.name)));
    const bucket = el('select', { id: 'tr-bucket' }, ['minute', 'hour', 'day'].map((b) => el('option', { value: b }, b)));
    bucket.value = 'hour';
    const range = rangeSelect('tr-range', sessionStorage.getItem('range'));
    const verA = el('select', { id: 'tr-version' });
    const verB = el('select', { id: 'tr-compare' });
    const charts = el('div', { id: 'tr-charts' });
    const err = errorBox('tr-error');
    setPage(el('div', {}, el('h2', {}, 'Trends'),
      el('div', { class: 'row' }, el('label', { class: 'f' }, 'Scorer', sel), el('label', { class: 'f' }, 'Range', range),
        el('label', { class: 'f' }, 'Bucket', bucket), el('label', { class: 'f' }, 'Version', verA),
        el('label', { class: 'f' }, 'Compare with', verB)), err, charts));
    if (scorers.length === 0) {
      charts.replaceChildren(el('p', { class: 'muted' }, 'No scorers yet.'));
      return;
    }
    async function versions() {
      const v = (await api('GET', exp() + '/scorers/' + encodeURIComponent(sel.value) + '/versions')).versions;
      verA.replaceChildren(el('option', { value: '' }, 'all versions'), v.map((x) => el('option', { value: x.version }, 'v' + x.version)));
      verB.replaceChildren(el('option', { value: '' }, 'none'), v.map((x) => el('option', { value: x.version }, 'v' + x.version)));
    }
    async function series(version) {
      const q = '?scorer=' + encodeURIComponent(sel.value) + '&bucket=' + bucket.value + '&from='
        + encodeURIComponent(rangeFrom(range.value)) + (version ? '&version=' + version : '');
      return api('GET', exp() + '/aggregates' + q);
    }
    async function load() {
      const ra = await series(verA.value);
      const a = ra.buckets;
      const perSession = ra.level === 'session';
      const b = verB.value ? (await series(verB.value)).buckets : null;
      for (const c of state.charts) c.destroy();
      state.charts = [];
      const names = [...new Set(a.map((p) => p.feedbackName))];
      const blocks = [];
      for (const name of names) {
        const pa = a.filter((p) => p.feedbackName === name && p.value != null);
        const pb = b ? b.filter((p) => p.feedbackName === name && p.value != null) : [];
        const block = el('div', { class: 'panel chart', 'data-feedback': name, 'data-points': pa.length, 'data-level': ra.level || 'trace',
          'data-band': pa.filter((p) => p.low != null && p.high > p.low).length });
        blocks.push(block);
        const kind = pa.length ? pa[0].kind : 'mean';
        block.appendChild(el('h3', {}, name + (kind === 'passRate' ? ' — pass rate' : ' — mean') + (perSession ? ' per session' : ''),
          el('span', { class: 'muted' }, perSession
            ? ' one value per session (its latest valid assessment, at its last scored turn) with its 95 % interval; bars: sessions per bucket'
            : ' with its 95 % interval; bars: sample size per bucket')));
        const xs = [...new Set(pa.concat(pb).map((p) => Date.parse(p.bucketStart) / 1000))].sort((x, y) => x - y);
        const at = (pts, f) => xs.map((x) => { const p = pts.find((q) => Date.parse(q.bucketStart) / 1000 === x); return p && p[f] != null ? p[f] : null; });
        const data = [xs, at(pa, 'value'), at(pa, 'low'), at(pa, 'high'), at(pa, 'n')];
        const ser = [{}, { label: verA.value ? 'v' + verA.value : 'value', stroke: '#2457c5', width: 2, points: { show: true, size: 6 } },
          { label: 'low', stroke: 'rgba(36,87,197,.35)', width: 1 }, { label: 'high', stroke: 'rgba(36,87,197,.35)', width: 1 },
          { label: 'n', scale: 'n', stroke: '#9aa3b2', fill: 'rgba(154,163,178,.25)', paths: uPlot.paths.bars({ size: [0.6, 40] }) }];
        const bands = [{ series: [3, 2], fill: 'rgba(36,87,197,.14)' }];
        if (b) {
          data.push(at(pb, 'value'), at(pb, 'low'), at(pb, 'high'));
          ser.push({ label: 'v' + verB.value, stroke: '#c2410c', width: 2, dash: [6, 4], points: { show: true, size: 6 } },
            { label: 'low v' + verB.value, stroke: 'rgba(194,65,12,.35)', width: 1 },
            { label: 'high v' + verB.value, stroke: 'rgba(194,65,12,.35)', width: 1 });
          bands.push({ series: [7, 6], fill: 'rgba(194,65,12,.12)' });
        }
        const width = Math.max(280, Math.min(charts.clientWidth || 900, 1360) - 30);
        const chart = new uPlot({
          width, height: 260, series: ser, bands,
          scales: { n: { range: (u, lo, hi) => [0, Math.max(1, hi) * 3] } },
          axes: [{}, { label: kind === 'passRate' ? 'pass rate' : 'mean' }, { scale: 'n', side: 1, grid: { show: false }, label: 'n' }],
        }, data, block);
        state.charts.push(chart);
        const tbl = el('table', { class: 'points' }, el('thead', {}, el('tr', {}, ['Bucket', 'Value', '95 % interval', 'n', 'Errors'].map((h) => el('th', {}, h)))),
          el('tbody', {}, pa.map((p) => el('tr', {}, el('td', {}, fmtTime(p.bucketStart)), el('td', { class: 'num' }, fmtValue(p)),
            el('td', { class: 'ci' }, fmtCi(p)), el('td', { class: 'num' }, p.n), el('td', { class: 'num' }, p.errors)))));
        block.appendChild(el('details', {}, el('summary', {}, pa.length + ' buckets'), tbl));
      }
      if (blocks.length === 0) blocks.push(el('p', { class: 'muted', id: 'tr-empty' }, 'No feedback from this scorer in the range.'));
      charts.replaceChildren(...blocks);
      err.hidden = true;
    }
    const reload = () => load().catch((e) => showError(err, e));
    sel.addEventListener('change', async () => { await versions(); reload(); });
    for (const c of [bucket, verA, verB]) c.addEventListener('change', reload);
    range.addEventListener('change', () => { sessionStorage.setItem('range', range.value); reload(); });
    await versions();
    await reload();
  }

  // ------------------------------------------------------------------ traces

  async function traces() {
    const filter = el('input', { id: 'filter', placeholder: "e.g. trace.status = 'ERROR' OR trace.execution_time_ms > 2000",
      value: sessionStorage.getItem('filter') || '' });
    const err = errorBox('filter-error');
    const head = el('thead', {});
    const body = el('tbody', { id: 'traces-body' });
    const more = el('button', { class: 'secondary', id: 'more', hidden: true }, 'Older traces');
    let next = null;
    let rows = [];
    setPage(el('div', {}, el('h2', {}, 'Traces'),
      el('form', { class: 'row', id: 'filter-form', onsubmit: (e) => { e.preventDefault(); sessionStorage.setItem('filter', filter.value); load(true); } },
        filter, el('button', { type: 'submit', id: 'apply' }, 'Search')), err,
      el('div', { class: 'panel' }, el('table', { id: 'traces' }, head, body)), more));
    more.addEventListener('click', () => load(false));
    async function load(reset) {
      const q = '?maxResults=50' + (filter.value.trim() ? '&filter=' + encodeURIComponent(filter.value.trim()) : '')
        + (!reset && next ? '&pageToken=' + encodeURIComponent(next) : '');
      let d;
      try {
        d = await api('GET', exp() + '/traces' + q);
      } catch (e) {
        err.hidden = false;
        const col = e.detail && e.detail.column;
        err.textContent = e.message;
        err.setAttribute('data-column', col || '');
        if (col) { filter.focus(); filter.setSelectionRange(col - 1, col); }
        body.replaceChildren();
        rows = [];
        more.hidden = true;
        return;
      }
      err.hidden = true;
      rows = reset ? d.traces : rows.concat(d.traces);
      next = d.nextPageToken;
      more.hidden = !next;
      render();
    }
    function render() {
      const names = [...new Set(rows.flatMap((r) => Object.keys(r.feedback)))].sort();
      head.replaceChildren(el('tr', {}, ['Time', 'Trace', 'Status', 'Latency', 'Tokens', 'Judge cost', 'Request', 'Response']
        .map((h) => el('th', { class: ['Latency', 'Tokens', 'Judge cost'].includes(h) ? 'num' : '' }, h)), names.map((n) => el('th', {}, n))));
      body.replaceChildren(...rows.map((r) => el('tr', { 'data-trace': r.traceId },
        el('td', { class: 'time' }, fmtTime(r.requestTime)),
        el('td', {}, el('a', { href: '#/trace/' + encodeURIComponent(r.traceId) }, r.traceId.slice(0, 14) + (r.traceId.length > 14 ? '…' : ''))),
        el('td', { class: 'state-' + r.state }, r.state),
        el('td', { class: 'num' }, r.executionDurationMs == null ? '' : r.executionDurationMs + ' ms'),
        el('td', { class: 'num' }, r.totalTokens == null ? '' : r.totalTokens),
        el('td', { class: 'num' }, r.judgeCostUsd == null ? '' : '$' + r.judgeCostUsd.toFixed(5)),
        el('td', { class: 'preview request', title: r.requestPreview || '' }, r.requestPreview || ''),
        el('td', { class: 'preview', title: r.responsePreview || '' }, r.responsePreview || ''),
        names.map((n) => feedbackCell(r.feedback[n])))));
      if (rows.length === 0) body.replaceChildren(el('tr', {}, el('td', { colspan: 8 + names.length, class: 'muted' }, 'No traces match.')));
    }
    function feedbackCell(v) {
      if (v === undefined) return el('td', {});
      if (v && typeof v === 'object' && v.error) return el('td', { class: 'fail' }, 'error: ' + v.error);
      const t = typeof v === 'object' ? JSON.stringify(v) : String(v);
      return el('td', { class: v === true || v === 'yes' ? 'pass' : v === false || v === 'no' ? 'fail' : '' }, t);
    }
    await load(true);
    // live: the first page is fetched again every 2 s, unless older pages were loaded or the filter is bad
    every(2000, async () => { if (rows.length <= 50 && err.hidden) await load(true); });
  }

  // ------------------------------------------------------------------ one trace

  async function trace(id) {
    const err = errorBox('trace-error');
    let t;
    try {
      t = await api('GET', exp() + '/traces/' + encodeURIComponent(id));
    } catch (e) {
      setPage(el('div', {}, el('h2', {}, 'Trace'), err));
      showError(err, e);
      return;
    }
    const info = t.info;
    const spans = t.data.spans;
    const kids = {};
    for (const s of spans) (kids[s.parent_span_id || ''] = kids[s.parent_span_id || ''] || []).push(s);
    const ids = new Set(spans.map((s) => s.span_id));
    const roots = spans.filter((s) => !s.parent_span_id || !ids.has(s.parent_span_id));
    const attr = (s, k) => { const v = s.attributes[k]; if (v == null) return null; try { return JSON.parse(v); } catch (e) { return v; } };
    const text = (v) => typeof v === 'string' ? v : JSON.stringify(v, null, 2);
    function node(s) {
      const ms = (s.end_time_unix_nano - s.start_time_unix_nano) / 1e6;
      const inputs = attr(s, 'mlflow.spanInputs');
      const outputs = attr(s, 'mlflow.spanOutputs');
      return el('li', { 'data-span': s.span_id },
        el('details', { open: true }, el('summary', {}, el('span', { class: 'span-head' }, s.name),
          el('span', { class: 'span-type' }, (attr(s, 'mlflow.spanType') || '') + ' · ' + ms.toFixed(1) + ' ms'
            + (s.status && s.status.code === 'STATUS_CODE_ERROR' ? ' · ERROR' : ''))),
          inputs == null ? null : el('div', {}, el('div', { class: 'muted' }, 'Inputs'), el('pre', { class: 'span-inputs' }, text(inputs))),
          outputs == null ? null : el('div', {}, el('div', { class: 'muted' }, 'Outputs'), el('pre', { class: 'span-outputs' }, text(outputs)))),
        (kids[s.span_id] || []).length ? el('ul', {}, kids[s.span_id].map(node)) : null);
    }
    const assessments = el('tbody', { id: 'assessments' }, info.assessments.map((a) => {
      const md = a.metadata || {};
      const cost = Object.keys(md).filter((k) => k.includes('cost')).map((k) => '$' + Number(md[k]).toFixed(5)).join(' ');
      const value = a.feedback ? (a.feedback.error ? 'error: ' + a.feedback.error.error_code : text(a.feedback.value))
        : a.expectation ? text(a.expectation.value) : '';
      return el('tr', { 'data-assessment': a.assessment_name },
        el('td', {}, a.assessment_name + (a.expectation ? ' (expectation)' : '')), el('td', {}, value),
        el('td', { class: 'rationale' }, a.rationale || (a.feedback && a.feedback.error ? a.feedback.error.error_message : '') || ''),
        el('td', {}, a.source.source_type + (a.source.source_id ? ' · ' + a.source.source_id : '')),
        el('td', {}, md['vigil.scorer.version'] ? 'v' + md['vigil.scorer.version'] : ''), el('td', { class: 'num' }, cost),
        el('td', {}, (a.overrides ? 'overrides ' + a.overrides.slice(0, 10) + ' · ' : '') + (a.valid === false ? 'invalid' : '')));
    }));
    const lname = el('input', { id: 'label-name', placeholder: 'name, e.g. helpful', required: true });
    const lvalue = el('select', { id: 'label-value' }, el('option', { value: 'true' }, 'yes / pass'),
      el('option', { value: 'false' }, 'no / fail'));
    const lrat = el('input', { id: 'label-rationale', placeholder: 'why (optional)' });
    const lerr = errorBox('label-error');
    const form = el('form', { class: 'row', id: 'label-form', onsubmit: async (e) => {
      e.preventDefault();
      try {
        await api('POST', exp() + '/traces/' + encodeURIComponent(id) + '/assessments',
          { name: lname.value, value: lvalue.value === 'true', rationale: lrat.value || null });
        trace(id);
      } catch (x) { showError(lerr, x); }
    } }, el('label', { class: 'f' }, 'Label', lname), el('label', { class: 'f' }, 'Value', lvalue),
    el('label', { class: 'f' }, 'Rationale', lrat), el('button', { type: 'submit', id: 'label-add' }, 'Add human label'));
    setPage(el('div', {}, el('p', {}, el('a', { href: '#/traces' }, '← Traces')),
      el('h2', {}, 'Trace ', el('code', {}, info.trace_id)),
      el('div', { class: 'cards' }, [['Time', fmtTime(info.request_time)], ['Status', info.state],
        ['Latency', info.execution_duration_ms == null ? '–' : info.execution_duration_ms + ' ms'], ['Spans', spans.length]]
        .map(([k, v]) => el('div', { class: 'card' }, el('div', { class: 'k' }, k), el('div', { class: 'v' }, v)))),
      el('div', { class: 'grid2' },
        el('div', { class: 'panel' }, el('h3', {}, 'Request'), el('pre', { id: 'request' }, info.request_preview || ''),
          el('h3', {}, 'Response'), el('pre', { id: 'response' }, info.response_preview || '')),
        el('div', { class: 'panel' }, el('h3', {}, 'Assessments'),
          el('table', {}, el('thead', {}, el('tr', {}, ['Name', 'Value', 'Rationale', 'Source', 'Scorer version', 'Judge cost', '']
            .map((h) => el('th', {}, h)))), assessments), form, lerr)),
      el('div', { class: 'panel tree', id: 'span-tree' }, el('h3', {}, 'Spans'), el('ul', {}, roots.map(node)))));
    clearInterval(state.timer);
  }

  // ------------------------------------------------------------------ scorers

  async function scorers() {
    const body = el('tbody', { id: 'scorers-body' });
    const err = errorBox('scorers-error');
    const rname = el('input', { id: 'reg-name', placeholder: 'name' });
    const rkind = el('select', { id: 'reg-kind' }, ['java', 'python', 'judge'].map((k) => el('option', { value: k }, k)));
    const rconfig = el('textarea', { id: 'reg-config' }, '{"class": "com.example.MyScorer"}');
    const examples = { java: '{"class": "com.example.MyScorer"}',
      python: '{"source": "from mlflow.genai.scorers import scorer\\n\\n@scorer\\ndef concise(outputs):\\n    return len(str(outputs)) < 500\\n"}',
      judge: '{"judge": "safety", "model": "openai:/gpt-4o-mini"}' };
    rkind.addEventListener('change', () => { rconfig.value = examples[rkind.value]; });
    const rerr = errorBox('register-error');
    const bscorer = el('select', { id: 'bf-scorer' });
    const brate = el('input', { id: 'bf-rate', type: 'number', min: '0.01', max: '1', step: '0.01', value: '1' });
    const bfrom = el('input', { id: 'bf-from', type: 'datetime-local' });
    const bto = el('input', { id: 'bf-to', type: 'datetime-local' });
    const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60e3).toISOString().slice(0, 16);
    bfrom.value = local(new Date(Date.now() - 24 * 3600e3));
    bto.value = local(new Date(Date.now() + 60e3));
    const bars = el('div', { id: 'backfills' });
    const berr = errorBox('backfill-error');
    setPage(el('div', {}, el('h2', {}, 'Scorers'), err,
      el('div', { class: 'panel' }, el('table', { id: 'scorers' }, el('thead', {}, el('tr', {},
        ['Name', 'Version', 'Kind', 'State', 'Rate', 'Filter', 'Scored', 'Errors', 'Actions'].map((h) => el('th', {}, h)))), body)),
      el('div', { class: 'grid2' },
        el('div', { class: 'panel' }, el('h3', {}, 'Register a scorer'),
          el('form', { id: 'register-form', onsubmit: async (e) => {
            e.preventDefault();
            let config;
            try { config = JSON.parse(rconfig.value || '{}'); } catch (x) { showError(rerr, new Error('config is not valid JSON: ' + x.message)); return; }
            try {
              await api('POST', exp() + '/scorers', { name: rname.value, kind: rkind.value, config });
              rerr.hidden = true; await load();
            } catch (x) { showError(rerr, x); }
          } }, el('div', { class: 'row' }, el('label', { class: 'f' }, 'Name', rname), el('label', { class: 'f' }, 'Kind', rkind)),
          el('label', { class: 'f' }, 'Config (JSON)', rconfig), el('div', { class: 'row' }, el('button', { type: 'submit', id: 'reg-submit' }, 'Register'))), rerr),
        el('div', { class: 'panel' }, el('h3', {}, 'Backfill'),
          el('form', { class: 'row', id: 'backfill-form', onsubmit: async (e) => {
            e.preventDefault();
            try {
              await api('POST', exp() + '/backfills', { scorers: [{ name: bscorer.value, sampleRate: Number(brate.value) }],
                from: new Date(bfrom.value).toISOString(), to: new Date(bto.value).toISOString() });
              berr.hidden = true; await loadBackfills();
            } catch (x) { showError(berr, x); }
          } }, el('label', { class: 'f' }, 'Scorer', bscorer), el('label', { class: 'f' }, 'Rate', brate),
          el('label', { class: 'f' }, 'From', bfrom), el('label', { class: 'f' }, 'To', bto),
          el('button', { type: 'submit', id: 'bf-start' }, 'Start backfill')), berr, bars))));

    async function act(name, path, body, errBox) {
      try { await api('POST', exp() + '/scorers/' + encodeURIComponent(name) + path, body); errBox.hidden = true; await load(); }
      catch (x) { showError(errBox, x); }
    }
    async function load() {
      const list = (await api('GET', exp() + '/scorers')).scorers;
      const keep = bscorer.value;
      bscorer.replaceChildren(...list.map((s) => el('option', { value: s.name }, s.name)));
      if (keep) bscorer.value = keep;
      body.replaceChildren(...list.map((s) => {
        const rate = el('input', { type: 'number', min: '0', max: '1', step: '0.01', value: s.sampleRate || 1, class: 'rate', style: null });
        rate.style.width = '80px';
        const filt = el('input', { value: s.filter || '', placeholder: 'filter (optional)', class: 'filter' });
        const rowErr = errorBox(null);
        rowErr.className = 'err row-error';
        let armed = false;
        const del = el('button', { class: 'danger', 'data-action': 'delete' }, 'Delete');
        del.addEventListener('click', async () => {
          if (!armed) { armed = true; del.textContent = 'Confirm delete'; return; }
          try { await api('DELETE', exp() + '/scorers/' + encodeURIComponent(s.name)); await load(); } catch (x) { showError(rowErr, x); }
        });
        const active = s.state === 'ACTIVE';
        return el('tr', { 'data-scorer': s.name },
          el('td', {}, s.name), el('td', { class: 'num' }, 'v' + s.version), el('td', {}, s.kind),
          el('td', { class: 'state-' + s.state + ' state' }, s.state), el('td', {}, rate), el('td', {}, filt),
          el('td', { class: 'num' }, s.health.scored), el('td', { class: 'num' }, s.health.errors),
          el('td', {}, el('div', { class: 'row' },
            active ? el('button', { class: 'secondary', 'data-action': 'update', onclick: () => act(s.name, '/update', { sampleRate: Number(rate.value), filter: filt.value }, rowErr) }, 'Update')
              : el('button', { 'data-action': 'start', onclick: () => act(s.name, '/start', { sampleRate: Number(rate.value), filter: filt.value }, rowErr) }, 'Start'),
            active ? el('button', { class: 'secondary', 'data-action': 'stop', onclick: () => act(s.name, '/stop', {}, rowErr) }, 'Stop') : null,
            del), rowErr));
      }));
      if (list.length === 0) body.replaceChildren(el('tr', {}, el('td', { colspan: 9, class: 'muted' }, 'No scorers registered yet.')));
    }
    async function loadBackfills() {
      const list = (await api('GET', exp() + '/backfills')).backfills;
      bars.replaceChildren(...list.slice(-5).reverse().map((b) => {
        const fill = el('div', {});
        fill.style.width = b.percent + '%';
        return el('div', { class: 'backfill', 'data-job': b.jobId, 'data-status': b.status, 'data-percent': b.percent },
          el('div', { class: 'row' }, el('span', {}, (b.spec && b.spec.scorers ? b.spec.scorers.map((x) => x.name || x).join(', ') : b.jobId)),
            el('span', { class: 'muted' }, b.status + ' · ' + b.percent.toFixed(0) + ' % · scanned ' + b.scanned + '/'
              + (b.total === null || b.total === undefined ? 'counting…' : b.total) + ' · scored ' + b.scored + ', failed ' + b.failed
              + ', skipped ' + b.skipped + (b.deferred > 0 ? ', deferred ' + b.deferred : '')),
            b.status === 'RUNNING' || b.status === 'PENDING' ? el('button', { class: 'danger', onclick: async () => {
              await api('POST', exp() + '/backfills/' + encodeURIComponent(b.jobId) + '/cancel'); loadBackfills(); } }, 'Cancel') : null),
          el('div', { class: 'bar' }, fill));
      }));
    }
    await load().catch((e) => showError(err, e));
    await loadBackfills().catch((e) => showError(berr, e));
    every(1000, loadBackfills);
  }

  // ------------------------------------------------------------------ routing

  async function route() {
    clearInterval(state.timer);
    const hash = location.hash || '#/overview';
    const [, page, arg] = hash.match(/^#\/([a-z]+)(?:\/(.*))?$/) || [null, 'overview'];
    state.page = page;
    for (const a of document.querySelectorAll('#nav a')) {
      a.classList.toggle('on', a.dataset.page === page || (page === 'trace' && a.dataset.page === 'traces'));
    }
    if (!state.experiment) {
      setPage(el('p', { class: 'muted' }, 'No experiment yet: send traces to this server (OTLP/HTTP at /v1/traces) or log them with the library.'));
      return;
    }
    try {
      if (page === 'trends') await trends();
      else if (page === 'traces') await traces();
      else if (page === 'trace') await trace(decodeURIComponent(arg || ''));
      else if (page === 'scorers') await scorers();
      else await overview();
    } catch (e) {
      const box = errorBox('page-error');
      setPage(box);
      showError(box, e);
    }
  }

  async function start() {
    document.getElementById('tz').textContent = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
    const sel = document.getElementById('experiment');
    const list = (await api('GET', '/experiments')).experiments;
    const params = new URLSearchParams(location.search);
    const wanted = params.get('experiment') || localStorage.getItem('experiment');
    sel.replaceChildren(...list.map((e) => el('option', { value: e.name }, e.name + ' (' + e.traceCount + ')')));
    state.experiment = list.some((e) => e.name === wanted) ? wanted : (list.length ? list[0].name : null);
    if (state.experiment) sel.value = state.experiment;
    sel.addEventListener('change', () => { state.experiment = sel.value; localStorage.setItem('experiment', sel.value); route(); });
    window.addEventListener('hashchange', route);
    await route();
  }

  start();
})();
