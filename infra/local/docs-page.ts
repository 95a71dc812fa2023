// The interactive API docs page served at /docs by the local system: one self-contained HTML page (no CDN,
// works offline) that reads /openapi.json, lists every operation and sends requests with a local token.

import { estonianIban } from './bank-simulator/seed.ts';

/** The account in examples: Põhjala Puit AS's account in the simulator (the printed tokens' suggestion). */
const exampleIban = estonianIban(1000101);

export function docsPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Coop Pank connector — local API</title>
<style>
  :root { --fg:#1d2430; --muted:#5b6575; --line:#d9dee6; --bg:#f6f7f9; --accent:#0b6bcb;
          --get:#1f7a4d; --post:#0b6bcb; --put:#8a5a00; --delete:#b42318; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.45 system-ui, -apple-system, Segoe UI, Roboto, sans-serif; color:var(--fg); background:var(--bg); }
  header { position:sticky; top:0; z-index:2; background:#fff; border-bottom:1px solid var(--line); padding:10px 20px; display:flex; gap:16px; align-items:center; flex-wrap:wrap; }
  header h1 { font-size:16px; margin:0 12px 0 0; }
  header label { color:var(--muted); }
  select, input, textarea, button { font:inherit; }
  input, textarea, select { border:1px solid var(--line); border-radius:6px; padding:5px 8px; background:#fff; }
  textarea { width:100%; font-family:ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:12.5px; }
  button { border:1px solid var(--accent); background:var(--accent); color:#fff; border-radius:6px; padding:5px 12px; cursor:pointer; }
  button.secondary { background:#fff; color:var(--accent); }
  main { max-width:1100px; margin:0 auto; padding:16px 20px 60px; }
  .tag { margin:22px 0 6px; font-size:13px; text-transform:uppercase; letter-spacing:.06em; color:var(--muted); }
  details.op { background:#fff; border:1px solid var(--line); border-radius:8px; margin:6px 0; }
  details.op > summary { cursor:pointer; padding:8px 12px; display:flex; gap:10px; align-items:center; list-style:none; }
  details.op > summary::-webkit-details-marker { display:none; }
  .method { font-weight:700; font-size:12px; width:62px; text-align:center; border-radius:4px; color:#fff; padding:2px 0; }
  .GET { background:var(--get); } .POST { background:var(--post); } .PUT { background:var(--put); } .DELETE { background:var(--delete); }
  .path { font-family:ui-monospace, Menlo, Consolas, monospace; }
  .summary { color:var(--muted); }
  .lock { margin-left:auto; color:var(--muted); font-size:12px; }
  .body { padding:4px 14px 14px; border-top:1px solid var(--line); }
  .params { display:grid; grid-template-columns: 200px 1fr; gap:6px 12px; align-items:center; margin:10px 0; }
  .params .name { font-family:ui-monospace, Menlo, Consolas, monospace; font-size:12.5px; }
  .params .name small { color:var(--muted); font-family:system-ui; }
  pre { background:#0f1720; color:#e6edf3; padding:10px; border-radius:6px; overflow:auto; max-height:420px; font-size:12px; margin:8px 0 0; }
  .status { font-weight:600; margin-top:10px; }
  .ok { color:var(--get); } .err { color:var(--delete); }
  .controls { background:#fff; border:1px solid var(--line); border-radius:8px; padding:10px 14px; display:flex; flex-wrap:wrap; gap:8px; align-items:center; }
  .controls span { color:var(--muted); margin-right:6px; }
  #clock { font-family:ui-monospace, Menlo, Consolas, monospace; }
</style>
</head>
<body>
<header>
  <h1 id="title">Coop Pank connector — local API</h1>
  <label>Token <select id="tokenChoice"></select></label>
  <input id="customToken" placeholder="paste a token" size="28" style="display:none">
  <span id="clock"></span>
  <a href="/openapi.json" target="_blank">openapi.json</a>
</header>
<main>
  <div class="controls" id="controls">
    <span>Local controls (not part of the deployed API):</span>
    <button class="secondary" data-local="POST /local/collect">Collect now</button>
    <button class="secondary" data-local="POST /local/statements/request">Request statements now</button>
    <button class="secondary" data-local='POST /local/time/advance {"hours":1}'>+1 hour</button>
    <button class="secondary" data-local='POST /local/time/advance {"days":1}'>+1 day</button>
    <button class="secondary" data-local="GET /local/notifications">Notifications</button>
    <button class="secondary" data-local="GET /local/events">Events</button>
    <button class="secondary" data-local="GET /local/info">Info</button>
  </div>
  <pre id="controlOutput" style="display:none"></pre>
  <div id="ops">Loading /openapi.json …</div>
</main>
<script>
(() => {
  const $ = (sel, root = document) => root.querySelector(sel);
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') node.className = v; else if (k.startsWith('on')) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
    }
    for (const child of children) node.append(child);
    return node;
  };
  let tokens = {};
  const choice = $('#tokenChoice'), custom = $('#customToken');
  const currentToken = () => choice.value === 'custom' ? custom.value.trim() : (tokens[choice.value] || '');

  async function loadTokens() {
    try { tokens = await (await fetch('/local/tokens')).json(); } catch { tokens = {}; }
    for (const role of ['admin', 'payer', 'viewer']) if (tokens[role]) choice.append(el('option', { value: role }, role + ' (' + (tokens.companyId || '') + ')'));
    choice.append(el('option', { value: 'none' }, 'no token'));
    choice.append(el('option', { value: 'custom' }, 'custom…'));
    choice.value = localStorage.getItem('tokenChoice') || 'admin';
    custom.value = localStorage.getItem('customToken') || '';
    custom.style.display = choice.value === 'custom' ? '' : 'none';
  }
  choice.addEventListener('change', () => { localStorage.setItem('tokenChoice', choice.value); custom.style.display = choice.value === 'custom' ? '' : 'none'; });
  custom.addEventListener('input', () => localStorage.setItem('customToken', custom.value));

  async function tickClock() {
    try { const t = await (await fetch('/local/time')).json(); $('#clock').textContent = 'clock ' + t.now.replace('T', ' ').slice(0, 19) + ' UTC'; } catch {}
  }

  let spec;
  const resolveRef = (schema) => {
    let s = schema;
    for (let i = 0; s && s.$ref && i < 20; i++) s = s.$ref.replace(/^#\\//, '').split('/').reduce((o, k) => o && o[k], spec);
    return s || {};
  };
  function example(schema, name = '', depth = 0) {
    const s = resolveRef(schema);
    if (depth > 6) return null;
    if (s.example !== undefined) return s.example;
    if (s.default !== undefined) return s.default;
    if (s.const !== undefined) return s.const;
    if (s.enum) return s.enum[0];
    const alt = s.anyOf || s.oneOf;
    if (alt) return example(alt.find((x) => resolveRef(x).type !== 'null') || alt[0], name, depth + 1);
    if (s.allOf) return Object.assign({}, ...s.allOf.map((x) => example(x, name, depth + 1)));
    const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
    if (type === 'object' || s.properties) {
      const out = {};
      const required = new Set(s.required || []);
      for (const [key, value] of Object.entries(s.properties || {})) {
        if (required.has(key) || depth === 0) out[key] = example(value, key, depth + 1);
      }
      return out;
    }
    if (type === 'array') return [example(s.items || {}, name, depth + 1)];
    if (type === 'integer' || type === 'number') return s.minimum ?? 1;
    if (type === 'boolean') return true;
    const n = name.toLowerCase();
    if (n.includes('iban') || n === 'accountid' || n === 'debtoraccountid') return '${exampleIban}';
    if (n === 'amount') return '125.50';
    if (n === 'currency') return 'EUR';
    if (n === 'registrycode') return '87654321';
    if (n === 'reference') return '1234561';
    if (n === 'creditorname') return 'Tarnija OÜ';
    if (n === 'id') return 'bill-1';
    if (s.format === 'date' || /date$/i.test(name)) return new Date().toISOString().slice(0, 10);
    if (s.format === 'email') return 'someone@example.com';
    return name || 'text';
  }

  function render() {
    const ops = $('#ops'); ops.textContent = '';
    $('#title').textContent = (spec.info && spec.info.title ? spec.info.title : 'API') + ' — local';
    const byTag = new Map();
    for (const [path, item] of Object.entries(spec.paths || {})) {
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue;
        const tag = (op.tags && op.tags[0]) || 'other';
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push({ path, method: method.toUpperCase(), op, shared: item.parameters || [] });
      }
    }
    for (const [tag, list] of byTag) {
      ops.append(el('div', { class: 'tag' }, tag));
      for (const entry of list) ops.append(operation(entry));
    }
  }

  function operation({ path, method, op, shared }) {
    const params = [...shared, ...(op.parameters || [])].map(resolveRef);
    const secured = op.security ? op.security.length > 0 : !!(spec.security && spec.security.length);
    const inputs = new Map();
    const grid = el('div', { class: 'params' });
    for (const p of params) {
      const value = p.in === 'header' && /idempotency/i.test(p.name) ? 'key-' + Math.random().toString(36).slice(2, 12) : '';
      const input = el('input', { value, placeholder: p.schema ? (resolveRef(p.schema).type || '') : '' });
      inputs.set(p.in + ':' + p.name, { p, input });
      grid.append(el('div', { class: 'name' }, p.name + ' ', el('small', {}, p.in + (p.required ? ', required' : ''))), input);
    }
    const media = op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
    const bodyArea = media ? el('textarea', { rows: '10' }) : null;
    if (bodyArea) bodyArea.value = JSON.stringify(example(media.schema || {}), null, 2);
    const out = el('pre', { style: 'display:none' });
    const status = el('div', { class: 'status' });
    const send = async () => {
      let url = path;
      const query = new URLSearchParams();
      const headers = {};
      for (const { p, input } of inputs.values()) {
        const v = input.value.trim();
        if (!v) continue;
        if (p.in === 'path') url = url.replace('{' + p.name + '}', encodeURIComponent(v));
        else if (p.in === 'query') query.set(p.name, v);
        else if (p.in === 'header') headers[p.name] = v;
      }
      const token = currentToken();
      if (token && choice.value !== 'none') headers.authorization = 'Bearer ' + token;
      if (bodyArea) headers['content-type'] = 'application/json';
      const qs = query.toString();
      const started = performance.now();
      status.textContent = 'Sending…'; status.className = 'status';
      try {
        const response = await fetch(url + (qs ? '?' + qs : ''), { method, headers, body: bodyArea ? bodyArea.value : undefined });
        const text = await response.text();
        let shown = text;
        try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch {}
        status.textContent = method + ' ' + url + (qs ? '?' + qs : '') + ' → ' + response.status + ' ' + response.statusText + ' (' + Math.round(performance.now() - started) + ' ms)';
        status.className = 'status ' + (response.ok ? 'ok' : 'err');
        out.textContent = shown || '(empty body)'; out.style.display = '';
        if (method === 'POST' && inputs.has('header:Idempotency-Key')) {
          inputs.get('header:Idempotency-Key').input.value = 'key-' + Math.random().toString(36).slice(2, 12);
        }
      } catch (error) { status.textContent = String(error); status.className = 'status err'; }
    };
    return el('details', { class: 'op' },
      el('summary', {}, el('span', { class: 'method ' + method }, method), el('span', { class: 'path' }, path), el('span', { class: 'summary' }, op.summary || ''), el('span', { class: 'lock' }, secured ? 'token' : 'public')),
      el('div', { class: 'body' },
        op.description ? el('p', {}, op.description) : '',
        params.length ? grid : '',
        bodyArea ? el('div', {}, el('div', { class: 'name' }, 'Request body (application/json)'), bodyArea) : '',
        el('div', { style: 'margin-top:8px' }, el('button', { onclick: send }, 'Send')),
        status, out));
  }

  for (const button of document.querySelectorAll('[data-local]')) {
    button.addEventListener('click', async () => {
      const [method, path, ...rest] = button.dataset.local.split(' ');
      const out = $('#controlOutput');
      out.style.display = ''; out.textContent = method + ' ' + path + ' …';
      try {
        const response = await fetch(path, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? (rest.join(' ') || '{}') : undefined });
        out.textContent = method + ' ' + path + ' → ' + response.status + '\\n' + JSON.stringify(await response.json(), null, 2);
      } catch (error) { out.textContent = String(error); }
      tickClock();
    });
  }

  loadTokens();
  tickClock(); setInterval(tickClock, 5000);
  fetch('/openapi.json').then((r) => r.json()).then((json) => { spec = json; render(); })
    .catch((error) => { $('#ops').textContent = 'Could not load /openapi.json: ' + error; });
})();
</script>
</body>
</html>
`;
}
