export { createApp, startServer, type AppOptions, type RunningServer, type ServerOptions } from './server.ts';
export { reportCommand } from './report/report-command.ts';
