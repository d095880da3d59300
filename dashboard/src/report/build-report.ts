// `ablate report`: a sweep as one self-contained HTML file, to keep and share without a server.
// Everything is computed here, in Node, by the functions the dashboard's API uses (aggregates.ts,
// the runner's view/); the page holds the numbers as static tables and the charts as Chart.js
// configs in one inline JSON document, drawn by Chart.js inlined beside it. Nothing is fetched:
// a Content-Security-Policy of default-src 'none' forbids it. The same database gives the same
// bytes: nothing depends on the time or place of writing, and the only times shown are the
// database's own (when the sweep was created and last planned, when each note was written).
import { readFileSync } from 'node:fs';
import { groupLabel, summarizeRuns } from '@ablate/runner';
import type { ResultsReader, RunNote, RunProvenance } from '@ablate/runner/store';
import type { SweepAxesSpec } from '@ablate/runner/view/anova.js';
import { bandDatasets, colorAt, heatColor, type LineDataset } from '@ablate/runner/view/chart-data.js';
import { pairwiseTests } from '@ablate/runner/view/comparisons.js';
import { legendLabels } from '@ablate/runner/view/diff.js';
import { formatParam, formatValue, shortNames } from '@ablate/runner/view/format.js';
import { mean } from '@ablate/runner/view/stats.js';
import { withoutResult } from '@ablate/runner/view/statuses.js';
import { standingOf, winnerLines } from '@ablate/runner/view/winner.js';
import { ablation, depthProfile, groupCurves, importance } from '../aggregates.ts';
import { CURVE_METRICS, FINAL_METRICS, type CurveMetric, type FinalMetric } from '../metric-choices.ts';
import {
  layerStatEpochsOf,
  loadLayerStats,
  loadSweep,
  loadSweepEpochs,
  type SweepWithRuns,
} from '../sweep-data.ts';
import { el, escapeHtml, Html, inlineJson, inlineScript, table, type Cell } from './html.ts';
import { CHART_JS_UMD } from '../vendor.ts';
import { REPORT_STYLE } from './style.ts';

/** Leading groups drawn as curves: the winner and its ties, best mean first, at most this many. */
export const LEADING_GROUPS = 8;
/** Points per curve: longer curves are decimated by LTTB, as the dashboard's group view does. */
export const CURVE_POINTS = 200;

/**
 * The one script of the page: each chart of the JSON document drawn on its canvas, the std bands'
 * edge datasets (hideInLegend, see chart-data.js) kept out of the legends.
 */
const DRAW =
  inlineScript(`const legend = { labels: { boxWidth: 12, filter: (item, data) => !data.datasets[item.datasetIndex].hideInLegend } };
for (const { id, config } of JSON.parse(document.getElementById('charts').textContent)) {
  const plugins = { legend, ...config.options.plugins };
  config.options = { animation: false, maintainAspectRatio: false, ...config.options, plugins };
  new Chart(document.getElementById(id), config);
}`);

interface ChartSpec {
  id: string;
  config: { type: string; data: unknown; options?: unknown };
}

const fixed = (value: number | null | undefined, digits = 4) =>
  value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
const pValue = (p: number | null | undefined) =>
  p === null || p === undefined ? '–' : p < 0.001 ? '< 0.001' : p.toFixed(3);
const metricName = (metric: string) => metric.replaceAll('_', ' ');

/** A part of the report: its anchor, its title (also in the page's table of contents) and its markup. */
interface Section {
  id: string;
  title: string;
  html: Html;
}

function section(id: string, title: string, ...body: Array<Html | string | null>): Section {
  return { id, title, html: el('section', { id }, el('h2', {}, title), ...body) };
}

const canvas = (id: string, label: string, height = 320) =>
  el(
    'div',
    { class: 'chart', style: `height:${height}px` },
    el('canvas', { id, role: 'img', 'aria-label': label }),
  );

/** A line chart's config: points {x, y}, x epochs (or category indices), no animation. */
function lineChart(datasets: LineDataset[], title: string, x: object): ChartSpec['config'] {
  return {
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      elements: { point: { radius: 0 }, line: { borderWidth: 2, tension: 0 } },
      scales: { x },
      plugins: { title: { display: true, text: title } },
    },
  };
}

/**
 * The views as a person arranged them on the dashboard: its address's view state (url-state.js),
 * of which the report follows the ablation's rows, columns and metric (rows, cols, ametric), the
 * group curves' metric (gmetric) and the analysis of variance's (imetric). A value the sweep does
 * not have is passed over, as the dashboard passes it over.
 */
export interface ReportView {
  /** The dashboard address it came from, shown in the report. */
  address: string;
  state: URLSearchParams;
}

/** The view's choice of `key` among `choices`, else the fallback. */
function chosen<T extends string>(
  view: ReportView | null,
  key: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = view?.state.get(key);
  return value && (choices as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** The ablation's axes: the view's, else the first two params (the first alone when one varies). */
function ablationAxes(view: ReportView | null, params: string[]): [string, string | null] {
  const rows = chosen(view, 'rows', params, params[0]);
  const cols = view?.state.has('cols')
    ? chosen(view, 'cols', ['', ...params], params.find((p) => p !== rows) ?? '')
    : (params.find((p) => p !== rows) ?? '');
  return [rows, cols && cols !== rows ? cols : null];
}

/** The report of one sweep, as the text of an HTML file; view: the dashboard's arrangement, if given. */
export async function buildReport(
  store: ResultsReader,
  sweepId: number,
  view: ReportView | null = null,
): Promise<string> {
  const sweep = await loadSweep(store, sweepId);
  const record = (await store.sweep(sweepId))!;
  const params = sweep.varying.filter((path) => path !== 'seed');
  const summary = summarizeRuns(sweep.varying, sweep.runs);
  const charts: ChartSpec[] = [];
  const [provenance, notes] = await Promise.all([
    store.provenanceOfSweep(sweepId),
    Promise.all(sweep.runs.map((run) => store.notes(run.id))),
  ]);

  const sections = [
    winnerSection(summary),
    configSection(record.configYaml, record.configPath),
    await curvesSection(
      store,
      sweep,
      summary,
      params,
      charts,
      chosen(view, 'gmetric', CURVE_METRICS, sweep.metrics.curves.preferred),
    ),
    groupsSection(summary, charts),
    ablationSection(
      sweep,
      params.length ? ablationAxes(view, params) : null,
      chosen(view, 'ametric', FINAL_METRICS, sweep.metrics.final.preferred),
    ),
    importanceSection(
      sweep,
      (record.config as { sweep?: SweepAxesSpec }).sweep,
      chosen(view, 'imetric', FINAL_METRICS, sweep.metrics.final.preferred),
      charts,
    ),
    await depthSection(store, sweep, params, charts),
    runsSection(sweep, provenance),
    notesSection(sweep, notes),
  ];
  const counts = Object.entries(sweep.statusCounts)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const head = el(
    'header',
    {},
    el('h1', {}, `${sweep.name} (sweep #${sweep.id})`),
    el(
      'p',
      { class: 'hint' },
      `${sweep.configPath ?? 'inline config'} · created ${sweep.createdAt} · last planned ${sweep.updatedAt} (UTC, as the database records them) · ${sweep.runs.length} runs: ${counts}`,
    ),
    view ? el('p', { class: 'hint view' }, `Views as arranged at ${view.address}`) : null,
  );
  const shown = sections.filter((part): part is Section => part !== null);
  const nav = el(
    'nav',
    {},
    shown.map((part) => el('a', { href: `#${part.id}` }, part.title)),
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ablate report">
<title>${escapeHtml(`${sweep.name}: Ablate report`)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
${head.text}
${nav.text}
${shown.map((part) => part.html.text).join('\n')}
<script type="application/json" id="charts">${inlineJson(charts)}</script>
<script>${inlineScript(readFileSync(CHART_JS_UMD, 'utf8'))}</script>
<script>${DRAW}</script>
</body>
</html>
`;
}

function winnerSection(summary: ReturnType<typeof summarizeRuns>): Section {
  const lines = winnerLines(summary.winner, summary.metric);
  const [first, ...rest] = lines;
  const blocks: Html[] = [];
  let list: string[] = [];
  const flush = () => {
    if (list.length)
      blocks.push(
        el(
          'ul',
          {},
          list.map((item) => el('li', {}, item)),
        ),
      );
    list = [];
  };
  for (const line of rest) {
    if (line.startsWith('  ')) list.push(line.trim());
    else {
      flush();
      blocks.push(el('p', {}, line));
    }
  }
  flush();
  const best = summary.best
    ? `best single run: ${summary.best.label} (${summary.metric} ${fixed(summary.best.accuracy)}, id ${summary.best.runId})`
    : 'best single run: none finished yet';
  return section(
    'winner',
    'Winner',
    el(
      'div',
      { class: 'winner' },
      el('p', {}, el('strong', {}, first)),
      ...blocks,
      el('p', { class: 'hint' }, best),
    ),
  );
}

function configSection(yaml: string, configPath: string | null): Section {
  return section(
    'config',
    'Sweep file',
    el(
      'p',
      { class: 'hint' },
      `${configPath ?? 'inline config'}, as it was run; command-line overrides, if any, are the comment at its end.`,
    ),
    el('pre', {}, yaml),
  );
}

/** The leading groups (the winner and its ties; without a winner, the best means) over epochs. */
async function curvesSection(
  store: ResultsReader,
  sweep: SweepWithRuns,
  summary: ReturnType<typeof summarizeRuns>,
  params: string[],
  charts: ChartSpec[],
  metric: CurveMetric,
): Promise<Section> {
  const { winner, ties } = summary.winner;
  const ranked = winner
    ? [winner, ...ties]
    : summary.groups
        .filter((group) => group.mean !== null)
        .sort((a, b) => b.mean! - a.mean!)
        .map((group) => ({ key: group.groupId, label: '' }));
  const leading = ranked.slice(0, LEADING_GROUPS).map((group) => group.key);
  const curves = groupCurves(sweep, await loadSweepEpochs(store, sweep), params, metric, CURVE_POINTS);
  const groupOf = new Map(sweep.runs.map((run) => [run.id, run.groupId]));
  const byKey = new Map(curves.map((curve) => [groupOf.get(curve.runIds[0]), curve]));
  const datasets = leading
    .map((key) => byKey.get(key))
    .filter((curve) => curve && curve.epochs.length)
    .flatMap((curve, i) =>
      bandDatasets(groupLabel(params, curve!.params), curve!.epochs, curve!.mean, curve!.std, colorAt(i)),
    );
  if (!datasets.length)
    return section('curves', 'Curves of the leading groups', el('p', {}, 'No epochs recorded yet.'));
  charts.push({
    id: 'chart-curves',
    config: lineChart(datasets, `${metricName(metric)}: mean ± std over each group's seeds`, {
      type: 'linear',
      title: { display: true, text: 'epoch' },
      ticks: { precision: 0 },
    }),
  });
  const cut = ranked.length > LEADING_GROUPS ? ` (the first ${LEADING_GROUPS} of ${ranked.length})` : '';
  return section(
    'curves',
    'Curves of the leading groups',
    el(
      'p',
      { class: 'hint' },
      `${winner ? 'The winner and the groups tied with it' : 'The groups with the best means'}${cut}; each curve decimated to at most ${CURVE_POINTS} points (LTTB on its mean, as the dashboard does).`,
    ),
    canvas('chart-curves', 'curves of the leading groups', 360),
  );
}

function groupsSection(summary: ReturnType<typeof summarizeRuns>, charts: ChartSpec[]): Section {
  const labels = summary.groups.map(
    (group) => summary.varying.map((key) => formatValue(group.params[key])).join(' ') || 'all runs',
  );
  const withMean = summary.groups
    .map((group, i) => ({ group, label: labels[i] }))
    .filter(({ group }) => group.mean !== null);
  if (withMean.length)
    charts.push({
      id: 'chart-groups',
      config: {
        type: 'bar',
        data: {
          labels: withMean.map(({ label }) => label),
          datasets: [
            {
              label: `${summary.metric}: mean ± std`,
              data: withMean.map(({ group }) => [group.mean! - group.std!, group.mean! + group.std!]),
              backgroundColor: `${colorAt(0)}66`,
              borderColor: colorAt(0),
              borderWidth: 1,
            },
            {
              type: 'line',
              label: 'mean',
              data: withMean.map(({ group }) => group.mean),
              showLine: false,
              pointRadius: 4,
              borderColor: colorAt(1),
              backgroundColor: colorAt(1),
            },
          ],
        },
        options: {
          scales: { y: { beginAtZero: false } },
          plugins: { title: { display: true, text: `final ${summary.metric} by group` } },
        },
      },
    });
  const names = shortNames(summary.varying);
  return section(
    'groups',
    'Group means ± std',
    withMean.length ? canvas('chart-groups', 'group means with std', 340) : null,
    table(
      'groups',
      [...names, 'n', `final ${summary.metric}`, 'finished', 'stalled', 'diverged', 'failed', 'standing'],
      summary.groups.map((group) => [
        ...summary.varying.map((key) => formatValue(group.params[key])),
        String(group.runs),
        group.mean === null ? '–' : `${fixed(group.mean)} ± ${fixed(group.std)}`,
        String(group.finished),
        String(group.stalled),
        String(group.diverged),
        String(group.failed),
        standingOf(summary.winner, group.groupId) ?? '–',
      ]),
      [
        names.length,
        names.length + 1,
        names.length + 2,
        names.length + 3,
        names.length + 4,
        names.length + 5,
      ],
    ),
  );
}

/** The heatmap of the first two params (the first alone when one varies), and every pair of cells tested. */
function ablationSection(
  sweep: SweepWithRuns,
  axes: [string, string | null] | null,
  metric: FinalMetric,
): Section | null {
  if (!axes) return null;
  const [rowParam, colParam] = axes;
  const grid = ablation(sweep, rowParam, colParam, metric);
  const means = grid.cells.map((cell) => cell.mean).filter((m): m is number => m !== null);
  const [low, high] = [Math.min(...means), Math.max(...means)];
  const cellAt = (row: unknown, col: unknown) =>
    grid.cells.find(
      (cell) => formatValue(cell.row) === formatValue(row) && formatValue(cell.col) === formatValue(col),
    );
  const colTitle = (col: unknown) =>
    grid.cols.param ? formatParam(grid.cols.param, col) : metricName(metric);
  const rows: Cell[][] = grid.rows.values.map((row) => [
    { text: formatParam(grid.rows.param, row), className: 'rowhead' },
    ...grid.cols.values.map((col): Cell => {
      const cell = cellAt(row, col);
      if (!cell || cell.mean === null) return { text: cell ? `n=0${withoutResult(cell)}` : '' };
      const colors = heatColor(high === low ? 0.5 : (cell.mean - low) / (high - low));
      return {
        text: `${fixed(cell.mean)} ± ${fixed(cell.std)} (n=${cell.n}${withoutResult(cell)})`,
        style: `background:${colors.background};color:${colors.color}`,
      };
    }),
  ]);
  const named = grid.cells
    .filter((cell) => cell.values.length)
    .map((cell) => ({
      name: [
        formatParam(grid.rows.param, cell.row),
        grid.cols.param ? formatParam(grid.cols.param, cell.col) : null,
      ]
        .filter(Boolean)
        .join(' '),
      values: cell.values,
    }));
  const pairs = pairwiseTests(named);
  const tested = pairs.filter((pair) => pair.test);
  return section(
    'ablation',
    'Ablation heatmap and tests',
    el(
      'p',
      { class: 'hint' },
      `${metricName(metric)}: mean ± std over each cell's runs (darker = higher), diverged, stalled and failed runs counted apart.`,
    ),
    table('heatmap', ['', ...grid.cols.values.map(colTitle)], rows),
    el(
      'p',
      {},
      `Every pair of cells: Welch's t-test, p Holm-corrected over the ${tested.length} pairs tested; ${tested.filter((pair) => pair.holm! < 0.05).length} differ at p < 0.05.`,
    ),
    table(
      'pairs',
      ['A', 'B', 'A − B', "Cohen's d", 'Welch p', 'Holm p'],
      pairs.map((pair) => [
        pair.a.name,
        pair.b.name,
        fixed(mean(pair.a.values) - mean(pair.b.values)),
        fixed(pair.d, 3),
        pair.test ? pValue(pair.test.p) : 'n < 2',
        pValue(pair.holm),
      ]),
      [2, 3, 4, 5],
    ),
  );
}

function importanceSection(
  sweep: SweepWithRuns,
  spec: SweepAxesSpec | undefined,
  metric: FinalMetric,
  charts: ChartSpec[],
): Section | null {
  if (!sweep.varying.some((path) => path !== 'seed')) return null;
  const analysis = importance(sweep, spec, metric);
  if (analysis.reason) return section('importance', 'Which params matter', el('p', {}, analysis.reason));
  const label = (effect: (typeof analysis.effects)[number]) =>
    effect.higherOrder ? 'higher-order interactions' : effect.factors.join(' × ');
  charts.push({
    id: 'chart-importance',
    config: {
      type: 'bar',
      data: {
        labels: analysis.effects.map(label),
        datasets: [
          {
            label: 'η² (share of the variance)',
            data: analysis.effects.map((effect) => effect.eta2),
            backgroundColor: analysis.effects.map((effect) => colorAt(effect.factors.length > 1 ? 1 : 0)),
          },
        ],
      },
      options: {
        indexAxis: 'y',
        plugins: { title: { display: true, text: `${metricName(analysis.metric)}: analysis of variance` } },
      },
    },
  });
  return section(
    'importance',
    'Which params matter',
    el(
      'p',
      { class: 'hint' },
      `Analysis of variance over ${analysis.runs} runs (${analysis.replicates} seeds per cell as replicates); ${analysis.dropped.runs + analysis.dropped.withoutValue} runs left out (no value, or beyond a full, balanced grid).`,
    ),
    canvas('chart-importance', 'which params matter', Math.max(160, 40 * analysis.effects.length)),
    table(
      'importance',
      ['effect', 'df', 'F', 'p', 'η²'],
      analysis.effects.map((effect) => [
        label(effect),
        String(effect.df),
        fixed(effect.f, 3),
        pValue(effect.p),
        fixed(effect.eta2, 3),
      ]),
      [1, 2, 3, 4],
    ),
  );
}

/** act_std by layer for each group of the first param, at the first epoch with statistics (as the dashboard opens). */
async function depthSection(
  store: ResultsReader,
  sweep: SweepWithRuns,
  params: string[],
  charts: ChartSpec[],
): Promise<Section | null> {
  if (!params.length) return null;
  const [epoch] = await layerStatEpochsOf(store, sweep);
  if (epoch === undefined)
    return section('depth', 'Signal through depth', el('p', {}, 'No layer statistics were recorded.'));
  const by = params[0];
  const profile = depthProfile(sweep, await loadLayerStats(store, sweep, epoch), by, 'act_std');
  const positions = profile.layers.map((_, i) => i);
  const labels = legendLabels(profile.groups.map((group) => group.params));
  // Points too, as on the dashboard, so a shallower network's layers show beside the gap it leaves.
  const datasets = profile.groups.flatMap((group, i) => {
    if (!group.n) return [];
    const [line, ...band] = bandDatasets(labels[i], positions, group.mean, group.std, colorAt(i));
    return [{ ...line, pointRadius: 3 }, ...band];
  });
  charts.push({
    id: 'chart-depth',
    config: lineChart(datasets, `act std by layer at epoch ${epoch}, by ${by} (mean ± std over the runs)`, {
      type: 'category',
      labels: profile.layers.map(
        (layer) => `${layer.layer === 'output' ? 'output' : `layer ${layer.layer}`} ${layer.name}`,
      ),
      offset: true,
    }),
  });
  return section(
    'depth',
    'Signal through depth',
    el(
      'p',
      { class: 'hint' },
      `The standard deviation of each Dense layer's activations at epoch ${epoch}${epoch === 0 ? ' (the untrained network: the init itself)' : ''}, by ${by}; networks of other shapes apart.`,
    ),
    canvas('chart-depth', 'signal through depth', 320),
  );
}

function runsSection(sweep: SweepWithRuns, records: RunProvenance[]): Section {
  const finalMetric = sweep.metrics.final.preferred;
  return section(
    'runs',
    'Runs and their provenance',
    el(
      'p',
      { class: 'hint' },
      `Every run in plan order. Its id is the hash of its config; code is the git commit it was trained with (-dirty: uncommitted changes), data the SHA-256 fingerprint of the data it saw, kernels the kernel set.`,
    ),
    table(
      'runs',
      [
        'run (config hash)',
        'label',
        'status',
        'epochs',
        metricName(finalMetric),
        'test acc',
        'rank',
        'code',
        'data',
        'kernels',
        'tags',
      ],
      sweep.runs.map((run, i) => [
        run.id,
        run.label,
        run.status,
        `${run.epochsDone}/${run.epochsPlanned}`,
        fixed(run.results[finalMetric]),
        fixed(run.results.test_acc),
        run.rank === null ? '–' : String(run.rank),
        records[i]?.code_version ?? '–',
        records[i]?.data_fingerprint?.slice(0, 16) ?? '–',
        records[i]?.kernels ?? '–',
        run.tags.join(' '),
      ]),
      [3, 4, 5, 6],
    ),
  );
}

function notesSection(sweep: SweepWithRuns, notes: RunNote[][]): Section {
  const rows = sweep.runs.flatMap((run, i) =>
    notes[i].map((note) => [run.id, run.label, note.createdAt, note.text] as Cell[]),
  );
  const tagged = sweep.runs.filter((run) => run.tags.length);
  return section(
    'notes',
    'Tags and notes',
    el(
      'p',
      {},
      tagged.length
        ? `${tagged.length} tagged runs: ${[...new Set(tagged.flatMap((run) => run.tags))]
            .sort()
            .map((tag) => `${tag} (${tagged.filter((run) => run.tags.includes(tag)).length})`)
            .join(', ')}.`
        : 'No run is tagged.',
    ),
    rows.length ? table('notes', ['run', 'label', 'written (UTC)', 'note'], rows) : el('p', {}, 'No notes.'),
  );
}
