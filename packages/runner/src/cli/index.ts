// @ablate/runner/cli: the command line's parts, for the workspace's `ablate` bin (packages/cli) and
// for other packages' commands (the dashboard's serve).
export { main, runCommand } from './main.ts';
export { RUNNER_COMMANDS } from './commands.ts';
export { command, type Command } from './command.ts';
export { dbLocation, DEFAULT_DB, parseCommandArgs, UsageError } from './args.ts';
export { DB_RETRY_OPTION, DB_RETRY_USAGE, dbRetry } from './db-retry.ts';
export { BAD_INPUT_EXIT, DB_UNAVAILABLE_EXIT, STORAGE_FAULT_EXIT } from './exit-codes.ts';
export { DbOption, findSweep, withReader } from './results-args.ts';
