// @ablate/cli: the `ablate` program. It sits on top of the dependency graph, the one place that
// knows both the runner's commands and the dashboard's `serve` and `report`.
import { reportCommand } from '@ablate/dashboard';
import { serveCommand } from '@ablate/dashboard/serve';
import { main, RUNNER_COMMANDS } from '@ablate/runner/cli';

process.exitCode = await main([...RUNNER_COMMANDS, serveCommand, reportCommand], process.argv.slice(2));
