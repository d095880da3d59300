// `npx nx run dashboard:serve [--port 8080] [--host 127.0.0.1] [--db results/ablate.db]`
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NO_SWEEPS_HINT } from './results-db.ts';
import { startServer } from './server.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    db: { type: 'string', default: path.join(repoRoot, 'results', 'ablate.db') },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port: expected 0-65535 (0 = any free port), got ${values.port}`);
  process.exit(2);
}
const dbPath = path.resolve(values.db);
const server = await startServer({ dbPath, host: values.host, port });

console.log(`Ablate dashboard: ${server.url}/`);
console.log(`results database: ${dbPath}${existsSync(dbPath) ? '' : ` (not there yet: ${NO_SWEEPS_HINT})`}`);
if (!LOOPBACK.includes(values.host)) {
  console.log(`listening on ${values.host}: reachable from other machines, with no authentication`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void server.close().then(() => process.exit(0)));
}
