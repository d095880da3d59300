// `ablate tag`, `untag` and `note`: what people say about runs, stored beside the results. Any
// time, a sweep running on the same database or not; results are never touched.
import { openAnnotator, TAG_PATTERN, type RunAnnotator } from '../db/index.ts';
import { DEFAULT_DB, parseCommandArgs, UsageError } from './args.ts';
import type { Command } from './command.ts';
import { DbOption, findRun, withReader } from './results-args.ts';

interface Annotation {
  name: string;
  summary: string;
  /** What follows RUN. */
  operands: string;
  explain: string;
  write(annotator: RunAnnotator, runId: string, operands: string[]): Promise<void>;
}

const checkTags = (tags: string[]) => {
  const bad = tags.find((tag) => !TAG_PATTERN.test(tag));
  if (bad !== undefined)
    throw new UsageError(
      `tag ${JSON.stringify(bad)}: expected a word of letters, digits and - _ . : / (not starting with a sign)`,
    );
  return tags;
};

function annotationCommand(annotation: Annotation): Command {
  const usage = `usage: ablate ${annotation.name} RUN ${annotation.operands} [--db PATH]

${annotation.explain} RUN is a run id or its first digits (at least 4); the results database
defaults to ${DEFAULT_DB}. The dashboard shows tags and notes, and filters runs by tag.`;
  return {
    name: annotation.name,
    summary: annotation.summary,
    usage,
    async run(args) {
      const { values, positionals } = parseCommandArgs(annotation.name, args, { db: { type: 'string' } });
      const [typed, ...operands] = positionals;
      if (!typed || operands.length === 0)
        throw new UsageError(
          `${annotation.name}: expected RUN ${annotation.operands} (see ablate ${annotation.name} --help)`,
        );
      const db = new DbOption(annotation.name, values.db);
      // Opened first: it migrates an older database, so the run is found by its current id.
      const annotator = await db.open(openAnnotator);
      try {
        const runId = await withReader(db, (reader) => findRun(reader, typed));
        await annotation.write(annotator, runId, operands);
        process.stdout.write(`${annotation.name}: run ${runId}\n`);
        return 0;
      } finally {
        await annotator.close();
      }
    },
  };
}

/** tag and untag: the same words, one method of the annotator. */
const tagEdit = (name: string, summary: string, explain: string, edit: 'tagRun' | 'untagRun') =>
  annotationCommand({
    name,
    summary,
    operands: 'TAG...',
    explain,
    write: (annotator, runId, tags) => annotator[edit](runId, checkTags(tags)),
  });

export const tagCommand = tagEdit('tag', 'add tags to a run', 'Adds tags (words) to a run.', 'tagRun');
export const untagCommand = tagEdit(
  'untag',
  'remove tags from a run',
  'Removes tags from a run; tags it does not have are ignored.',
  'untagRun',
);

export const noteCommand = annotationCommand({
  name: 'note',
  summary: 'add a note to a run',
  operands: 'TEXT...',
  explain: 'Adds a note to a run (the words after RUN, joined by spaces); notes are kept with their time.',
  write: (annotator, runId, words) => annotator.noteRun(runId, words.join(' ')),
});
