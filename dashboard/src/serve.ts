// `npx nx run dashboard:serve [--db PATH] [--port N] [--host ADDRESS]`: the serve command alone.
import { runCommand } from '@ablate/runner/cli';
import { serveCommand } from './serve-command.ts';

process.exitCode = await runCommand(serveCommand, process.argv.slice(2));
