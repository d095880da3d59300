// The runner's command line: `node --import tsx packages/runner/src/cli.ts <command> ...`, what
// `npx nx run runner:sweep` runs. The workspace's `ablate` bin (packages/cli) offers the same
// commands and the dashboard's `serve`.
import { main, RUNNER_COMMANDS } from './cli/index.ts';

process.exitCode = await main(RUNNER_COMMANDS, process.argv.slice(2));
