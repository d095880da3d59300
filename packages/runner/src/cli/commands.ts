// The runner's commands, in the order `ablate --help` lists them.
import { noteCommand, tagCommand, untagCommand } from './annotate.ts';
import { checkCommand } from './check.ts';
import type { Command } from './command.ts';
import { confirmCommand } from './confirm.ts';
import { doctorCommand } from './doctor.ts';
import { exportSweepCommand } from './export.ts';
import { lsCommand } from './ls.ts';
import { rmCommand } from './rm.ts';
import { showCommand } from './show.ts';
import { sweepCommand } from './sweep.ts';
import { workerCommand } from './worker.ts';

export const RUNNER_COMMANDS: readonly Command[] = [
  sweepCommand,
  checkCommand,
  workerCommand,
  confirmCommand,
  lsCommand,
  showCommand,
  tagCommand,
  untagCommand,
  noteCommand,
  rmCommand,
  exportSweepCommand,
  doctorCommand,
];
