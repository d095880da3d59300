// The report's stylesheet, inlined in its <head>: a document to read and print, light only.
export const REPORT_STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; color: #1b1f24; margin: 0 auto; max-width: 1200px; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.5rem; margin: 0.2rem 0; }
h2 { font-size: 1.15rem; margin: 1.8rem 0 0.5rem; border-bottom: 1px solid #d9dde3; padding-bottom: 0.2rem; }
nav { display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; margin: 0.6rem 0; }
nav a { color: #1f5fbf; }
.hint { color: #5b6472; font-size: 0.85rem; margin: 0.2rem 0; }
.winner { border-left: 4px solid #1f5fbf; background: #f5f8fc; padding: 0.4rem 1rem; }
.winner p, .winner ul { margin: 0.25rem 0; }
pre { background: #f5f7f9; border: 1px solid #d9dde3; padding: 0.6rem; overflow-x: auto; font-size: 0.85rem; }
.chart { position: relative; margin: 0.5rem 0; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.85rem; }
th, td { border: 1px solid #d9dde3; padding: 0.2rem 0.45rem; text-align: left; vertical-align: top; }
th { background: #f0f2f5; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.runs td:first-child { font-family: ui-monospace, monospace; }
table.heatmap td { text-align: center; }
/* A 10,000-run table is laid out only once scrolled to, so the page opens at its top at once. */
#runs, #notes { content-visibility: auto; contain-intrinsic-size: auto 3000px; }
@media print { .chart { break-inside: avoid; } }
`;
