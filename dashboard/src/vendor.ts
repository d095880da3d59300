// Chart.js's UMD build, which the pages load from /vendor/ and a report inlines. chart.js exports
// no subpath for it, so it is found beside the CommonJS entry.
import { createRequire } from 'node:module';
import path from 'node:path';

export const CHART_JS_UMD = path.join(
  path.dirname(createRequire(import.meta.url).resolve('chart.js')),
  'chart.umd.js',
);
