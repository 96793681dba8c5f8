// The dashboard page: reads the run's events from the server's stream (GET /events, server-sent
// events, each message a JSON array of events; a page opened late gets the run so far first) and
// draws them with uPlot (served beside this script, nothing from a CDN): loss per step with the
// epochs' and validation's points and the doctor's findings marked at their step, metrics per
// epoch, learning rate, gradient norm, throughput and ETA, the findings with evidence and fix,
// each validation pass, the latest or one picked (confusion matrix, per-class precision/recall, misclassified images;
// or predictions vs targets), and the model summary. Several runs (a replay) overlay.
// window.axonDashboard exposes the drawn state for tests.
import type UPlot from 'uplot';
import type { DashboardEvent, EndEvent, EpochEvent, FindingEvent, ModelEvent, StartEvent, StepEvent, ValidationEvent } from '../src/dashboard/events.js';

const uPlot = (globalThis as unknown as { uPlot: typeof UPlot }).uPlot;

interface Run {
  name: string;
  start?: StartEvent;
  steps: StepEvent[];
  epochs: EpochEvent[];
  findings: FindingEvent[];
  validations: ValidationEvent[];
  model?: ModelEvent;
  end?: EndEvent;
}

const runs = new Map<string, Run>();
const messageTimes: number[] = [];
const COLORS = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f', '#4e342e', '#ad1457'];
const $ = (id: string): HTMLElement => document.getElementById(id)!;
const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toPrecision(4) : v.toExponential(2));

function runOf(name: string): Run {
  let r = runs.get(name);
  if (!r) { r = { name, steps: [], epochs: [], findings: [], validations: [] }; runs.set(name, r); }
  return r;
}

function take(e: DashboardEvent & { run?: string }): void {
  const r = runOf(e.run ?? 'live');
  switch (e.event) {
    case 'start': r.start = e; break;
    case 'model': r.model = e; break;
    case 'step': r.steps.push(e); break;
    case 'epoch': r.epochs.push(e); break;
    case 'validation': r.validations.push(e); break;
    case 'finding': {
      // A revised finding replaces the earlier one with its id (later epochs disproved it).
      const at = e.revised ? r.findings.findIndex((f) => f.id === e.id) : -1;
      if (at >= 0) r.findings[at] = e; else r.findings.push(e);
      break;
    }
    case 'end': r.end = e; break;
  }
}

// ---- charts ----

interface Chart { key: string; plot: UPlot; zoomed: boolean }
const charts = new Map<string, Chart>();
/** Whole-number ticks for steps and epochs. */
const INTEGER_TICKS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6];

/** Draw `data` in the chart `id`, making it anew when its series change; keeps a zoom the user made (double-click undoes it). */
function draw(id: string, series: UPlot.Series[], data: UPlot.AlignedData, opts: Partial<UPlot.Options> = {}): void {
  const el = $(id);
  const key = series.map((s) => s.label).join('|');
  let c = charts.get(id);
  if (c && c.key !== key) { c.plot.destroy(); charts.delete(id); c = undefined; }
  if (!c) {
    const width = Math.max(300, el.clientWidth || 500);
    const chart: Chart = { key, plot: null as unknown as UPlot, zoomed: false };
    chart.plot = new uPlot({
      width, height: id === 'chart-loss' ? 300 : 200, series: [{}, ...series],
      scales: { x: { time: false } }, axes: [{ incrs: INTEGER_TICKS }, {}], cursor: { drag: { x: true, y: false } }, legend: { live: true },
      hooks: { setSelect: [(u: UPlot) => { if (u.select.width > 0) chart.zoomed = true; }] }, ...opts,
    }, data, el);
    chart.plot.over.addEventListener('dblclick', () => { chart.zoomed = false; });
    charts.set(id, chart);
    return;
  }
  c.plot.setData(data, !c.zoomed);
}

const line = (label: string, color: string, extra: Partial<UPlot.Series> = {}): UPlot.Series => ({ label, stroke: color, width: 1.5, spanGaps: true, ...extra });
const dots = (label: string, color: string): UPlot.Series => ({ label, stroke: color, width: 0, spanGaps: true, points: { show: true, size: 7, fill: color }, paths: () => null });

/** The doctor's findings as dashed vertical lines with their ids, at the step they fired. */
function findingMarks(): UPlot.Plugin {
  return {
    hooks: {
      draw: (u: UPlot) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.font = `${11 * devicePixelRatio}px system-ui`;
        let k = 0;
        for (const r of runs.values()) {
          for (const f of r.findings) {
            if (!f.step) continue; // the data checks, before training: listed, not marked
            const x = u.valToPos(f.step, 'x', true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
            const y = u.bbox.top + (12 + 13 * (k++ % 4)) * devicePixelRatio; // labels side by side stack
            ctx.strokeStyle = ctx.fillStyle = f.severity === 'error' ? '#c62828' : f.severity === 'warning' ? '#ef8f00' : '#607d8b';
            ctx.setLineDash([4, 4]);
            ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
            ctx.fillText(f.id, x + 3, y);
          }
        }
        ctx.restore();
      },
    },
  };
}

function maxStep(): number {
  let m = 0;
  for (const r of runs.values()) m = Math.max(m, r.steps.length ? r.steps[r.steps.length - 1]!.step : 0, ...r.epochs.map((e) => e.step ?? 0));
  return m;
}

/** Per-step x axis 0..max (0: before the first step), one column per step. */
function stepAxis(): number[] { return Array.from({ length: maxStep() + 1 }, (_, i) => i); }

function drawLoss(): void {
  const xs = stepAxis();
  const series: UPlot.Series[] = [];
  const data: (number | null)[][] = [];
  let i = 0;
  const many = runs.size > 1;
  for (const r of runs.values()) {
    const color = COLORS[i++ % COLORS.length]!;
    const p = many ? `${r.name}: ` : '';
    const step = new Array<number | null>(xs.length).fill(null);
    for (const s of r.steps) step[s.step] = s.loss;
    const ep = new Array<number | null>(xs.length).fill(null);
    const val = new Array<number | null>(xs.length).fill(null);
    if (r.start?.initial?.valLoss !== undefined) val[0] = r.start.initial.valLoss;
    for (const e of r.epochs) {
      if (e.step === undefined) continue;
      ep[e.step] = e.loss;
      if (typeof e.valLoss === 'number') val[e.step] = e.valLoss;
    }
    series.push(line(`${p}train loss (step)`, color), dots(`${p}train loss (epoch)`, color), dots(`${p}validation loss`, '#111'));
    data.push(step, ep, val);
  }
  draw('chart-loss', series, [xs, ...data] as UPlot.AlignedData, { plugins: [findingMarks()] });
}

const NOT_METRICS = new Set(['event', 'epoch', 'loss', 'valLoss', 'lr', 'seconds', 'step', 'run']);

function drawMetrics(): void {
  let epochs = 0;
  const keys = new Set<string>();
  for (const r of runs.values()) {
    epochs = Math.max(epochs, r.epochs.length);
    for (const e of r.epochs) for (const [k, v] of Object.entries(e)) if (!NOT_METRICS.has(k) && typeof v === 'number') keys.add(k);
  }
  if (keys.size === 0) return;
  const xs = Array.from({ length: epochs + 1 }, (_, i) => i);
  const series: UPlot.Series[] = [];
  const data: (number | null)[][] = [];
  let i = 0;
  for (const r of runs.values()) {
    for (const k of [...keys].sort()) {
      const color = COLORS[i++ % COLORS.length]!;
      const col = new Array<number | null>(xs.length).fill(null);
      const first = r.start?.initial?.[k];
      if (typeof first === 'number') col[0] = first;
      for (const e of r.epochs) if (typeof e[k] === 'number') col[e.epoch] = e[k] as number;
      series.push(line(runs.size > 1 ? `${r.name}: ${k}` : k, color, { points: { show: true, size: 5 } }));
      data.push(col);
    }
  }
  draw('chart-metrics', series, [xs, ...data] as UPlot.AlignedData);
}

/** A per-step chart of one field of the step events (lr, gradNorm, samples/s). */
function drawPerStep(id: string, label: string, value: (s: StepEvent, k: number, r: Run) => number | undefined): void {
  const xs = stepAxis();
  const series: UPlot.Series[] = [];
  const data: (number | null)[][] = [];
  let i = 0;
  for (const r of runs.values()) {
    const col = new Array<number | null>(xs.length).fill(null);
    r.steps.forEach((s, k) => { const v = value(s, k, r); if (v !== undefined && Number.isFinite(v)) col[s.step] = v; });
    series.push(line(runs.size > 1 ? `${r.name}: ${label}` : label, COLORS[i++ % COLORS.length]!));
    data.push(col);
  }
  draw(id, series, [xs, ...data] as UPlot.AlignedData);
}

/** Samples per second over windows of ≥ 0.5 s of steps (one point per window), run by run. */
function speed(): (s: StepEvent, k: number, r: Run) => number | undefined {
  let run: Run | null = null, anchor = 0;
  return (s, k, r) => {
    if (r !== run) { run = r; anchor = 0; }
    const a = r.steps[anchor]!;
    if (k === anchor || s.t - a.t < 0.5) return undefined;
    let n = 0;
    for (let q = anchor + 1; q <= k; q++) n += r.steps[q]!.samples;
    anchor = k;
    return n / (s.t - a.t);
  };
}

// ---- text panels ----

function drawStatus(connected: boolean): void {
  const status = $('status'), progress = $('progress');
  const all = [...runs.values()];
  if (all.length !== 1) {
    status.textContent = `${all.length} runs`;
    status.className = 'ended';
    progress.textContent = all.map((r) => `${r.name}: ${r.steps.length} steps, ${r.epochs.length} epochs`).join(' · ');
    return;
  }
  const r = all[0]!;
  const last = r.steps[r.steps.length - 1];
  const total = r.start ? r.start.epochs * r.start.stepsPerEpoch : 0;
  if (r.end?.diverged) { status.textContent = 'training diverged'; status.className = 'diverged'; }
  else if (r.end) { status.textContent = `training ended${r.end.stoppedEarly ? ' (stopped early)' : ''}`; status.className = 'ended'; }
  else if (!connected) { status.textContent = 'connection lost'; status.className = 'lost'; }
  else { status.textContent = r.start ? 'training' : 'waiting for training'; status.className = 'live'; }
  if (!last) { progress.textContent = ''; return; }
  // Throughput over the last ≤ 2 s of steps; ETA from the steps left at that pace.
  let k = r.steps.length - 1, n = 0;
  while (k > 0 && last.t - r.steps[k - 1]!.t < 2) n += r.steps[k--]!.samples;
  const dt = last.t - r.steps[k]!.t;
  const stepsPerSec = dt > 0 ? (r.steps.length - 1 - k) / dt : 0;
  const left = total > 0 ? Math.max(0, total - last.step) : 0;
  const eta = !r.end && stepsPerSec > 0 && left > 0 ? `, ETA ${Math.ceil(left / stepsPerSec)} s` : '';
  progress.textContent = `epoch ${last.epoch}/${r.start?.epochs ?? '?'}, step ${last.step}${total ? `/${total}` : ''}, loss ${fmt(last.loss)}, lr ${fmt(last.lr)}` +
    (dt > 0 ? `, ${fmt(Math.round(n / dt))} samples/s${eta}` : '') + `, ${fmt(Math.round(last.t))} s`;
}

function drawFindings(): void {
  const list = $('findings');
  const items: HTMLElement[] = [];
  for (const r of runs.values()) {
    for (const f of r.findings) {
      const li = document.createElement('li');
      li.className = f.severity;
      li.dataset.id = f.id;
      const when = f.epoch !== undefined ? ` (epoch ${f.epoch}${f.step ? `, step ${f.step}` : ''})` : f.step ? ` (step ${f.step})` : ' (before training)';
      const head = document.createElement('div');
      head.innerHTML = '<span class="sev"></span> <b></b><span class="when"></span>: <span class="title"></span>';
      head.querySelector('.sev')!.textContent = f.severity;
      head.querySelector('b')!.textContent = (runs.size > 1 ? `${r.name} · ` : '') + f.id;
      head.querySelector('.when')!.textContent = when;
      head.querySelector('.title')!.textContent = f.title;
      const ev = document.createElement('div');
      ev.className = 'evidence';
      ev.textContent = Object.entries(f.evidence).map(([k, v]) => `${k} = ${v === null ? 'null' : fmt(v)}`).join(' · ');
      const fix = document.createElement('div');
      fix.className = 'fix';
      fix.textContent = `fix: ${f.fix}`;
      li.append(head, ev, fix);
      items.push(li);
    }
  }
  if (items.length === 0) return;
  list.replaceChildren(...items);
}

function cell(tag: 'td' | 'th', text: string, attrs: Record<string, string> = {}): HTMLElement {
  const c = document.createElement(tag);
  c.textContent = text;
  for (const [k, v] of Object.entries(attrs)) c.setAttribute(k, v);
  return c;
}

function confusionTable(m: number[][]): HTMLTableElement {
  const t = document.createElement('table');
  t.id = 'confusion';
  const max = Math.max(1, ...m.flat());
  const head = document.createElement('tr');
  head.append(cell('th', 'truth \\ predicted'), ...m.map((_, j) => cell('th', String(j))));
  t.append(head);
  m.forEach((row, i) => {
    const tr = document.createElement('tr');
    tr.append(cell('th', String(i)));
    row.forEach((v, j) => {
      const td = cell('td', String(v), { 'data-count': String(v) });
      td.className = 'cm';
      const a = v / max;
      td.style.background = i === j ? `rgba(46,125,50,${a})` : `rgba(198,40,40,${a})`;
      if (a > 0.55) td.style.color = '#fff';
      tr.append(td);
    });
    t.append(tr);
  });
  return t;
}

function perClassTable(m: number[][]): HTMLTableElement {
  const t = document.createElement('table');
  t.id = 'per-class';
  const head = document.createElement('tr');
  head.append(cell('th', 'class'), cell('th', 'precision'), cell('th', 'recall'), cell('th', 'support'));
  t.append(head);
  m.forEach((row, c) => {
    const tp = row[c]!, support = row.reduce((a, b) => a + b, 0), predicted = m.reduce((a, r) => a + r[c]!, 0);
    const tr = document.createElement('tr');
    tr.append(cell('th', String(c)), cell('td', predicted ? (tp / predicted).toFixed(3) : '—'), cell('td', support ? (tp / support).toFixed(3) : '—'), cell('td', String(support)));
    t.append(tr);
  });
  return t;
}

/** The validation pass the user picked (its `trained`), or null: follow the latest. */
let pickedPass: number | null = null;
let shownPass = '';

function passPicker(r: Run, v: ValidationEvent): HTMLElement {
  const sel = document.createElement('select');
  sel.id = 'validation-pass';
  const latest = document.createElement('option');
  latest.value = 'latest';
  latest.textContent = 'latest pass';
  sel.append(latest, ...r.validations.map((p) => {
    const o = document.createElement('option');
    o.value = String(p.trained);
    o.textContent = p.trained === 0 ? 'before training' : `after epoch ${p.trained}`;
    return o;
  }));
  sel.value = pickedPass === null ? 'latest' : String(v.trained);
  sel.onchange = () => { pickedPass = sel.value === 'latest' ? null : Number(sel.value); shownPass = ''; drawValidation(); };
  return sel;
}

function drawValidation(): void {
  // The live run, or the first run of a replay.
  const r = [...runs.values()].find((q) => q.validations.length > 0);
  if (!r) return;
  const v = (pickedPass === null ? undefined : r.validations.find((p) => p.trained === pickedPass)) ?? r.validations[r.validations.length - 1]!;
  const key = `${r.name}/${v.trained}/${r.validations.length}`;
  if (key === shownPass) return; // drawn already
  shownPass = key;
  $('validation-when').textContent = `(${v.trained === 0 ? 'before training' : `after epoch ${v.trained}`}, ${v.rows} rows${runs.size > 1 ? `, run ${r.name}` : ''})`;
  const body = $('validation-body');
  const parts: HTMLElement[] = [passPicker(r, v)];
  if (v.confusion) parts.push(confusionTable(v.confusion), perClassTable(v.confusion));
  if (v.misclassified) {
    const grid = document.createElement('div');
    grid.className = 'thumbs';
    for (const im of v.misclassified) {
      const fig = document.createElement('figure');
      const cv = document.createElement('canvas');
      cv.width = im.width; cv.height = im.height;
      const bytes = Uint8Array.from(atob(im.pixels), (ch) => ch.charCodeAt(0));
      const img = new ImageData(im.width, im.height);
      for (let p = 0; p < im.width * im.height; p++) {
        for (let ch = 0; ch < 3; ch++) img.data[p * 4 + ch] = bytes[p * im.channels + (im.channels === 3 ? ch : 0)]!;
        img.data[p * 4 + 3] = 255;
      }
      cv.getContext('2d')!.putImageData(img, 0, 0);
      const cap = document.createElement('figcaption');
      cap.textContent = `true ${im.truth} → ${im.pred}`;
      fig.append(cv, cap);
      grid.append(fig);
    }
    const h = document.createElement('h3');
    h.textContent = 'Misclassified';
    parts.push(h, grid);
  }
  if (v.truth && v.pred) {
    const div = document.createElement('div');
    div.id = 'chart-regression';
    parts.push(div);
  }
  if (charts.has('chart-regression')) { charts.get('chart-regression')!.plot.destroy(); charts.delete('chart-regression'); }
  body.replaceChildren(...parts);
  if (v.truth && v.pred) {
    const xs = v.truth.map((_, i) => i);
    draw('chart-regression', [line('target', '#111'), line('prediction', '#c62828')], [xs, v.truth, v.pred]);
  }
}

// ---- the stream ----

let dirty = false;
let connected = false;
function render(): void {
  dirty = false;
  drawLoss();
  drawMetrics();
  drawPerStep('chart-lr', 'learning rate', (s) => s.lr);
  drawPerStep('chart-grad', 'gradient norm', (s) => s.gradNorm);
  drawPerStep('chart-speed', 'samples/s', speed());
  drawStatus(connected);
  drawFindings();
  drawValidation();
  const m = [...runs.values()].find((r) => r.model)?.model;
  if (m) $('model').textContent = m.summary;
}

const source = new EventSource('events');
let opened = 0;
source.onopen = () => {
  connected = true;
  // A reconnect is answered with the whole run again: start over.
  if (opened++ > 0) { runs.clear(); shownPass = ''; }
};
source.onerror = () => { connected = false; drawStatus(false); };
source.onmessage = (m: MessageEvent<string>) => {
  messageTimes.push(performance.now());
  for (const e of JSON.parse(m.data) as DashboardEvent[]) take(e);
  if (!dirty) { dirty = true; requestAnimationFrame(render); }
};

/** For tests: what the page has drawn. */
(globalThis as unknown as { axonDashboard: unknown }).axonDashboard = {
  messageTimes,
  runs: () => [...runs.keys()],
  /** Points the loss chart holds, per series label (non-null values). */
  lossPoints: (): Record<string, number> => {
    const c = charts.get('chart-loss');
    if (!c) return {};
    const out: Record<string, number> = {};
    c.plot.series.slice(1).forEach((s, i) => { out[String(s.label)] = (c.plot.data[i + 1] as (number | null)[]).filter((v) => v !== null && v !== undefined).length; });
    return out;
  },
  ended: (): boolean => [...runs.values()].every((r) => r.end !== undefined) && runs.size > 0,
};
