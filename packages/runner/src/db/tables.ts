// The shape of a results database: tables, indexes, the schema version and the migrations between
// versions, and the derived views every connection reads through. Columns are documented once, here,
// in SQL that SQLite runs as it is and postgres-tables.ts renders for PostgreSQL; only the stores in
// db/ use them.
//
// Identity: a run's id is a hash of its fully resolved config (seed included); its group_id is the
// same hash without the seed, so runs that differ only by seed share a group. A run can belong to
// several sweeps (sweep_runs), so a sweep whose YAML gained a value reuses the finished runs it
// shares with its predecessor instead of training them again.
import { existsSync } from 'node:fs';
import { Database, type OpenOptions } from './database.ts';
import { migrateDataDefaults } from './migrate-data-defaults.ts';
import { migrateLrDecay } from './migrate-lr-decay.ts';
import { migrateOptimizerConfigs } from './migrate-optimizer.ts';
import type { RunRecord, RunResults } from './records.ts';
import type { SqlConnection } from './sql.ts';

export const SCHEMA_VERSION = 8;

/**
 * The tables of version 1 that every later version keeps, as they were created then. Shared by
 * SQLite's first migration and PostgreSQL's creation (postgres-tables.ts renders them), so each
 * column is stated once; a change to them is a new migration, never an edit here.
 */
export const RESULT_TABLES = `
  CREATE TABLE sweeps (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,   -- the YAML's name
    config_hash    TEXT NOT NULL,   -- hash of the validated sweep config (grid included)
    config_path    TEXT,            -- the YAML file, relative to the repo root when inside it
    config_yaml    TEXT NOT NULL,   -- the YAML text as it was run
    config_json    TEXT NOT NULL,   -- the validated config, defaults filled in
    varying_json   TEXT NOT NULL,   -- JSON array of the config paths that vary across runs ("seed" included)
    created_at     TEXT NOT NULL,   -- ISO 8601
    updated_at     TEXT NOT NULL,
    ablate_version TEXT NOT NULL,
    code_version   TEXT,            -- git commit, when available
    UNIQUE (name, config_hash)
  );

  CREATE TABLE runs (
    id               TEXT PRIMARY KEY,   -- hash of the fully resolved config
    group_id         TEXT NOT NULL,      -- the same hash without the seed
    seed             INTEGER NOT NULL,
    label            TEXT NOT NULL,      -- what varies, for people: "lr=0.1 init=he seed=1"
    config_json      TEXT NOT NULL,      -- the fully resolved config of this run
    status           TEXT NOT NULL CHECK (status IN ('pending','running','finished','diverged','failed','interrupted')),
    error            TEXT,               -- why it failed or diverged
    epochs_planned   INTEGER NOT NULL,
    epochs_done      INTEGER NOT NULL DEFAULT 0,
    diverged_epoch   INTEGER,
    data_fingerprint TEXT,
    code_version     TEXT,
    ablate_version   TEXT NOT NULL,
    kernels          TEXT,               -- the matmul implementation that trained it
    created_at       TEXT NOT NULL,
    started_at       TEXT,
    finished_at      TEXT,
    wall_seconds     REAL
  );
  CREATE INDEX runs_group ON runs (group_id);
  CREATE INDEX runs_status ON runs (status);

  CREATE TABLE sweep_runs (
    sweep_id    INTEGER NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
    run_id      TEXT NOT NULL REFERENCES runs (id),
    position    INTEGER NOT NULL,   -- order in the expanded grid
    params_json TEXT NOT NULL,      -- this run's values of the sweep's varying paths: {"train.lr": 0.1, "seed": 1}
    PRIMARY KEY (sweep_id, run_id)
  );
  CREATE INDEX sweep_runs_run ON sweep_runs (run_id);

  -- One row per finished epoch, committed as the epoch ends. NaN losses are stored as NULL.
  CREATE TABLE epochs (
    run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    epoch      INTEGER NOT NULL,   -- 1-based
    train_loss REAL,               -- mean batch loss over the epoch
    train_acc  REAL,               -- running accuracy over the epoch's batches, before each update
    val_loss   REAL,               -- NULL when the config carves no validation set
    val_acc    REAL,
    lr         REAL NOT NULL,
    seconds    REAL NOT NULL,      -- wall time of the epoch
    PRIMARY KEY (run_id, epoch)
  ) WITHOUT ROWID;

  -- Per-layer signal statistics, once per epoch (layer 0 is the first Dense layer).
  CREATE TABLE layer_stats (
    run_id    TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    epoch     INTEGER NOT NULL,
    layer     INTEGER NOT NULL,
    name      TEXT NOT NULL,
    act_mean  REAL,
    act_std   REAL,
    grad_mean REAL,
    grad_std  REAL,
    PRIMARY KEY (run_id, epoch, layer)
  ) WITHOUT ROWID;

  -- The end-of-run evaluation on the test set.
  CREATE TABLE test_results (
    run_id         TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    loss           REAL,
    accuracy       REAL NOT NULL,
    confusion_json TEXT NOT NULL,   -- [true class][predicted class] counts
    per_class_json TEXT NOT NULL    -- [{precision, recall, f1, support}] by class
  );

  -- The trained parameters of a finished run: float32 little-endian, in the order of shapes_json.
  CREATE TABLE weights (
    run_id      TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    shapes_json TEXT NOT NULL,   -- [{name, shape}]
    data        BLOB NOT NULL
  );
`;

const RUN_SUMMARY_V1 = `
  -- Version 1 only (dropped by version 2: it repeated the epochs and test_results).
  CREATE TABLE run_summary (
    run_id           TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    final_train_loss REAL,
    final_train_acc  REAL,
    final_val_loss   REAL,
    final_val_acc    REAL,
    best_val_loss    REAL,
    best_val_acc     REAL,
    best_epoch       INTEGER,   -- the epoch of best_val_acc
    test_loss        REAL,      -- set when the run finishes
    test_acc         REAL
  );

`;

/** Version 3's columns. */
export const CLAIM_COLUMNS = `
  -- Claims so far (0: never claimed). Every write of a run names the attempt it belongs to and is
  -- refused once another claim has superseded it.
  ALTER TABLE runs ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;
  -- A claimed run's lease: when it lapses, in seconds since 1970 by the database clock. A running run
  -- whose lease has lapsed belongs to a worker that is gone, and may be claimed again.
  ALTER TABLE runs ADD COLUMN lease_expires REAL;
  -- Who holds the current attempt: host:pid of the process training it.
  ALTER TABLE runs ADD COLUMN claimed_by TEXT;
  -- The kernel set every run of the sweep must train on (NULL: any), for bit-identical results.
  ALTER TABLE sweeps ADD COLUMN kernels TEXT;
  -- {data spec (JSON): SHA-256 fingerprint} as the sweep first prepared its data; a worker whose
  -- data differs declines the sweep.
  ALTER TABLE sweeps ADD COLUMN data_fingerprints_json TEXT;
`;

/**
 * Version 6's table and columns. A run's checkpoint is the state it goes on from after its last
 * committed epoch, written in the same transaction as that epoch's rows, so the two never disagree.
 * Only the latest is kept, one row per run (each epoch's replaces the one before): resuming needs
 * the last committed epoch's and nothing older, and a longer run of the same lineage continues from
 * a finished run's last one. Kept while a run is unfinished (to resume it) and once it has finished
 * (to continue it); dropped when it diverges or fails (both start again from epoch 1).
 */
export const CHECKPOINT_TABLES = `
  CREATE TABLE checkpoints (
    run_id     TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    epoch      INTEGER NOT NULL,   -- the epoch it was taken after, the run's epochs_done then
    kernels    TEXT NOT NULL,      -- the kernel set that computed it: it resumes only on the same set
    state_json TEXT NOT NULL,      -- optimizer step, random streams, early stopping, arrays' places in data
    data       BLOB NOT NULL       -- float32 little-endian: weights, optimizer slots, best weights
  );
  -- The run's config hash without train.epochs, for runs a longer run may continue (NULL: none may).
  ALTER TABLE runs ADD COLUMN lineage TEXT;
  CREATE INDEX runs_lineage ON runs (lineage);
  -- The shorter run whose checkpoint this run went on from (its first epochs' rows are copies).
  ALTER TABLE runs ADD COLUMN continued_from TEXT;
`;

/**
 * Version 7's statuses and columns. A run may end `stalled` (its train loss stopped moving:
 * view/diagnosis.js) or `pruned` (a sweep's pruning rule stopped its group at a rung), both data
 * like `diverged`. The statuses a version-7 database takes, as that version wrote them: records.ts's
 * RUN_STATUSES is today's list, which a later version may extend by a migration of its own.
 */
const STATUSES_V7 = [
  'pending',
  'running',
  'finished',
  'diverged',
  'failed',
  'interrupted',
  'stalled',
  'pruned',
];
const STATUS_CHECK_V7 = `CHECK (status IN (${STATUSES_V7.map((status) => `'${status}'`).join(',')}))`;
/** Version 1's, which RESULT_TABLES spells exactly so (SQLite keeps a table's text as written). */
const STATUS_CHECK_V1 =
  "CHECK (status IN ('pending','running','finished','diverged','failed','interrupted'))";

export const LAYER_STAT_COLUMNS_V7 = `
  -- Per layer, on the probe batch: the norm of one optimizer step's change to the layer's weights
  -- over the norm of the weights (too small a step, or one that swamps them). NULL before version 7.
  ALTER TABLE layer_stats ADD COLUMN update_ratio REAL;
  -- The fraction of a ReLU layer's units that output 0 for every example of the probe batch (dead
  -- units), NULL for other activations and before version 7. (No semicolons in these comments:
  -- runDdl splits the text on them.)
  ALTER TABLE layer_stats ADD COLUMN dead_fraction REAL;
`;

/**
 * 6 -> 7 (and a new PostgreSQL database's last step): the statuses of version 7 and the layer
 * statistics' columns. Widening a CHECK constraint keeps every row valid, so on SQLite the table's
 * stored text is edited in place (the procedure SQLite's ALTER TABLE documentation gives for
 * changing constraints, which rewrites no row); PostgreSQL replaces the named constraint.
 */
export async function widenStatusesV7(db: SqlConnection): Promise<void> {
  if (db.dialect.name === 'postgres') {
    await db.run('ALTER TABLE runs DROP CONSTRAINT runs_status_check');
    await db.run(`ALTER TABLE runs ADD CONSTRAINT runs_status_check ${STATUS_CHECK_V7}`);
  } else {
    const { schema_version: version } = (await db.get<{ schema_version: number }>('PRAGMA schema_version'))!;
    await db.run('PRAGMA writable_schema = ON');
    const edit = await db.run(
      "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'runs' AND instr(sql, ?) > 0",
      [STATUS_CHECK_V1, STATUS_CHECK_V7, STATUS_CHECK_V1],
    );
    // The next statement must read the edited text: bumping the version makes SQLite re-read it.
    await db.run(`PRAGMA schema_version = ${version + 1}`);
    await db.run('PRAGMA writable_schema = OFF');
    if (edit.changes !== 1) throw new Error('runs: its status constraint is not the one version 6 wrote');
  }
  await runDdl(db, LAYER_STAT_COLUMNS_V7);
}

/**
 * Version 8's table and column. A pruned run (status 'pruned', at the rung its group was stopped
 * at, its checkpoint kept so that `--no-prune` resumes it) has the decision that pruned it; a run
 * waiting for a decision it cannot have yet is parked: released (status interrupted) at its
 * checkpoint, to be claimed again once the runs the decision reads are recorded.
 */
export const PRUNE_TABLES = `
  CREATE TABLE prune_decisions (
    run_id    TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    rule      TEXT NOT NULL,      -- the sweep's prune rule by name: median or halving
    metric    TEXT NOT NULL,      -- the epoch metric it judged: val_loss, val_acc, train_loss, train_acc
    rung      INTEGER NOT NULL,   -- the epoch the group was pruned after, the run's epochs_done
    value     REAL,               -- the group's mean over its seeds there (NULL: counted worst, a seed diverged)
    threshold REAL                -- the median (median) or the last kept group's value (halving), NULL: a worst
  );
  -- The rung a parked run waits at, NULL for every other run.
  ALTER TABLE runs ADD COLUMN parked_at INTEGER;
`;

/** Runs schema text one statement at a time (a SQLite connection's run takes one), in db's spelling. */
async function runDdl(db: SqlConnection, ddl: string): Promise<void> {
  for (const statement of ddl.split(';').filter((text) => text.trim() !== ''))
    await db.run(db.dialect.ddl(statement));
}

/** The first version a PostgreSQL database can be at: they were created at 3 (release 0.2) on. */
export const FIRST_SHARED_VERSION = 3;

/**
 * The migrations from FIRST_SHARED_VERSION on, which PostgreSQL databases take as well
 * (postgres-tables.ts): each is written once, against any SqlConnection. SHARED_MIGRATIONS[i] takes
 * a database from version FIRST_SHARED_VERSION + i to the next.
 */
export const SHARED_MIGRATIONS: Array<(db: SqlConnection) => Promise<void>> = [
  // 3 -> 4: stored configs carry every data-source default (the data schema fills them now), which
  // re-keys the runs whose ids hash them.
  migrateDataDefaults,
  // 4 -> 5: train.lrDecay is train.schedule (exponential, or constant for 1), which re-keys the runs.
  migrateLrDecay,
  // 5 -> 6: checkpoints, to resume interrupted runs and continue finished ones for more epochs. Runs
  // recorded before have none (an unfinished one is trained again from epoch 1, as it would have been)
  // and no lineage (nothing continues them).
  (db) => runDdl(db, CHECKPOINT_TABLES),
  // 6 -> 7: runs may end stalled or pruned; layer statistics gain update_ratio and dead_fraction.
  // Runs recorded before keep their status (a finished run whose loss was flat stays finished: the
  // verdict was not recorded then) and have NULL in the new columns.
  widenStatusesV7,
  // 7 -> 8: pruning decisions, and parked runs. Runs recorded before were never pruned nor parked.
  (db) => runDdl(db, PRUNE_TABLES),
];

/**
 * migrations[v] takes a database from version v to v + 1, inside one transaction. A migration is
 * never edited once released: databases in the field were written by it.
 */
const migrations: Array<(db: Database) => Promise<void>> = [
  (db) => db.exec(RESULT_TABLES + RUN_SUMMARY_V1),
  // 1 -> 2: each fact once. Final and best values are derived from epochs (RESULT_VIEWS), test
  // accuracy lives only in test_results; and stored configs take the current optimizer shape,
  // which re-keys the runs whose ids hash them.
  // Also: tags and notes, which people add to runs (`ablate tag`, `ablate note`), any time.
  async (db) => {
    await db.exec('DROP TABLE run_summary');
    await db.exec(ANNOTATION_TABLES);
    await migrateOptimizerConfigs(db);
  },
  // 2 -> 3: runs claimed by many workers (a shared PostgreSQL store), each claim an attempt with a
  // lease; sweeps that say which data and kernels their runs must train on.
  (db) => db.exec(CLAIM_COLUMNS),
  ...SHARED_MIGRATIONS,
];

/** Annotations: what people say about runs. Never part of a run's identity or results. */
export const ANNOTATION_TABLES = `
  CREATE TABLE run_tags (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    tag    TEXT NOT NULL,   -- a word: letters, digits, "-", "_", ".", ":" or "/"
    PRIMARY KEY (run_id, tag)
  ) WITHOUT ROWID;
  CREATE INDEX run_tags_tag ON run_tags (tag);

  CREATE TABLE run_notes (
    id         INTEGER PRIMARY KEY,
    run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL   -- ISO 8601
  );
  CREATE INDEX run_notes_run ON run_notes (run_id);
`;

/**
 * Derived per connection (TEMP), so they are code, not schema: a database of any version reads
 * through the current definitions, including a version-1 file the dashboard opens read-only.
 *
 * run_results: a run's final values (its last epoch), best validation values (best_epoch, the first
 * epoch of the highest val_acc) and its test results.
 *
 * ranked_runs: THE definition of the best run. Among a sweep's finished runs, the highest final
 * validation accuracy (val_acc of the last epoch); a run without a validation set ranks by its test
 * accuracy; ties go to the run planned first. rank 1 is the sweep's best run; runs not finished (or
 * without either accuracy) are not ranked.
 */
export const RESULT_VIEWS = `
  CREATE TEMP VIEW IF NOT EXISTS run_results AS
  SELECT r.id AS run_id,
         last.train_loss AS final_train_loss, last.train_acc AS final_train_acc,
         last.val_loss AS final_val_loss, last.val_acc AS final_val_acc,
         (SELECT MIN(e.val_loss) FROM epochs e WHERE e.run_id = r.id) AS best_val_loss,
         best.val_acc AS best_val_acc, best.epoch AS best_epoch,
         t.loss AS test_loss, t.accuracy AS test_acc
    FROM runs r
    LEFT JOIN epochs last
      ON last.run_id = r.id AND last.epoch = (SELECT MAX(e.epoch) FROM epochs e WHERE e.run_id = r.id)
    LEFT JOIN epochs best
      ON best.run_id = r.id
     AND best.epoch = (SELECT e.epoch FROM epochs e WHERE e.run_id = r.id AND e.val_acc IS NOT NULL
                        ORDER BY e.val_acc DESC, e.epoch LIMIT 1)
    LEFT JOIN test_results t ON t.run_id = r.id;

  CREATE TEMP VIEW IF NOT EXISTS ranked_runs AS
  SELECT sr.sweep_id, sr.run_id,
         CASE WHEN rr.final_val_acc IS NULL THEN 'test_acc' ELSE 'final_val_acc' END AS metric,
         COALESCE(rr.final_val_acc, rr.test_acc) AS value,
         ROW_NUMBER() OVER (PARTITION BY sr.sweep_id
                            ORDER BY COALESCE(rr.final_val_acc, rr.test_acc) DESC, sr.position) AS rank
    FROM sweep_runs sr
    JOIN runs r ON r.id = sr.run_id
    JOIN run_results rr ON rr.run_id = sr.run_id
   WHERE r.status = 'finished' AND COALESCE(rr.final_val_acc, rr.test_acc) IS NOT NULL;
`;

export interface SweepRow {
  id: number;
  name: string;
  config_hash: string;
  config_path: string | null;
  config_yaml: string;
  config_json: string;
  varying_json: string;
  created_at: string;
  updated_at: string;
  ablate_version: string;
  code_version: string | null;
  /** Version 3 on. */
  kernels?: string | null;
  data_fingerprints_json?: string | null;
}

/** A runs row: the run record (records.ts) with its config as stored. */
export type RunRow = Omit<RunRecord, 'config'> & { config_json: string };

/** A row of the run_results view. */
export type RunResultsRow = RunResults & { run_id: string; best_epoch: number | null };

export interface TestResultRow {
  run_id: string;
  loss: number | null;
  accuracy: number;
  confusion_json: string;
  per_class_json: string;
}

export interface WeightsRow {
  run_id: string;
  shapes_json: string;
  data: Uint8Array;
}

/**
 * No results at a location yet: no file there, an empty file (version 0, no tables), or a
 * PostgreSQL database without Ablate's schema. Only writers that record sweeps create a database;
 * readers and annotators say this instead.
 */
export class NoResultsError extends Error {
  override name = 'NoResultsError';

  constructor(readonly location: string) {
    super(`no results yet at ${location}`);
  }
}

/** The version a database file is at (0 for a new, empty file). */
export async function schemaVersion(db: Database): Promise<number> {
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  return row?.user_version ?? 0;
}

/**
 * Opens a results database for writing, migrated to SCHEMA_VERSION: WAL so readers never block the
 * writer, foreign keys on. A sweep's open creates the file (create: true); an annotator's does not.
 */
export async function openForWriting(path: string, { create = true } = {}): Promise<Database> {
  const db = create ? await Database.open(path) : await openExisting(path, { mustExist: true });
  await closeOnError(db, async () => {
    // Before WAL is set, which writes to the file: an empty one an annotator found stays as it was.
    if (!create && (await usableVersion(db)) === 0) throw new NoResultsError(path);
    await db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
    await migrate(db);
    await db.exec(RESULT_VIEWS);
  });
  return db;
}

/**
 * Opens a results database read-only (the dashboard), without migrating it: an older file is read
 * as it is (the derived views cover the difference); a file from a newer Ablate is refused.
 */
export async function openForReading(path: string): Promise<Database> {
  const db = await openExisting(path, { readonly: true });
  await closeOnError(db, async () => {
    const version = await usableVersion(db);
    if (version === 0) throw new NoResultsError(path);
    // A version-1 file has no annotations: empty TEMP stand-ins let the same reads run on it.
    if (version === 1)
      await db.exec(
        ANNOTATION_TABLES.replaceAll('CREATE TABLE', 'CREATE TEMP TABLE').replace(/CREATE INDEX[^;]*;/g, ''),
      );
    await db.exec(RESULT_VIEWS);
  });
  return db;
}

/** A database file that must be there already: NoResultsError without one, and no file created. */
function openExisting(path: string, options: OpenOptions): Promise<Database> {
  if (!existsSync(path)) throw new NoResultsError(path);
  return Database.open(path, options);
}

/**
 * Applies the migrations a database is missing, each in its own transaction: a failed step leaves
 * the file at the version before it, with nothing lost.
 */
export async function migrate(db: Database): Promise<void> {
  const from = await usableVersion(db);
  for (let v = from; v < SCHEMA_VERSION; v++) {
    await db.transaction(async () => {
      await migrations[v](db);
      // PRAGMA takes no bound parameters; v is an integer we control.
      await db.exec(`PRAGMA user_version = ${v + 1}`);
    });
  }
}

/**
 * The database's schema version, if it is a results database this Ablate may use: 0 for an empty
 * file. Refused: a file that is not SQLite, another program's database (tables, no version), and a
 * newer Ablate's (its tables may mean other things).
 */
async function usableVersion(db: Database): Promise<number> {
  const version = await schemaVersion(db).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'SQLITE_NOTADB'
      ? new Error(`${db.path}: not an Ablate results database (not a SQLite file)`)
      : err;
  });
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `${db.path}: schema version ${version} is newer than this Ablate understands (${SCHEMA_VERSION})`,
    );
  }
  if (version === 0 && (await db.get('SELECT 1 FROM sqlite_master')))
    throw new Error(`${db.path}: not an Ablate results database (another program's tables)`);
  return version;
}

async function closeOnError(db: Database, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    await db.close();
    throw err;
  }
}
