// One `ablate` subcommand: its name, its help, and what it does with the arguments after its name.
// cli.ts dispatches to them; each lives in its own module under cli/.

export interface Command {
  /** The word after `ablate`: "sweep", "worker", "ls". */
  name: string;
  /** One line for `ablate --help`. */
  summary: string;
  /** The whole text of `ablate <name> --help`. */
  usage: string;
  /**
   * Runs the command; resolves to its exit code. Bad input throws UsageError (cli/args.ts) or
   * another input error cli.ts knows, which it prints in one line with exit code 2.
   */
  run(args: string[]): Promise<number>;
}

/** A Command from its four parts, in the order `ablate --help` reads them. */
export function command(
  name: string,
  summary: string,
  usage: string,
  run: (args: string[]) => Promise<number>,
): Command {
  return { name, summary, usage, run };
}
