// The results schema on PostgreSQL: the tables, columns and views of tables.ts, rendered from the
// same text. A database is created, at SCHEMA_VERSION, by the first writer that connects to it (an
// advisory lock makes the others wait and then find it made). PostgreSQL databases began at version
// 3 (release 0.2): a writer that finds an older version than its own migrates the database under
// the same lock, in the same transaction, by the migrations SQLite takes from there
// (SHARED_MIGRATIONS, one code for both engines); a database of a newer schema is refused.
//
// Readers (the dashboard, `ablate show`) never migrate: like SQLite's openForReading, they read an
// older database as it is, under the run ids and configs it was written with, until a writer of this
// release opens it (a sweep, worker, tag or export). Versions 4 and 5 changed no table or view, only
// what the configs hold, so every read still works on a version-3 or 4 database; versions 6, 7
// and 8 added tables and columns that reads of an older database find absent (no checkpoints, NULL
// statistics).
import { PgConnection, type PgOptions } from './postgres-connection.ts';
import { postgresDialect, type SqlConnection } from './sql.ts';
import {
  ANNOTATION_TABLES,
  CHECKPOINT_TABLES,
  CLAIM_COLUMNS,
  FIRST_SHARED_VERSION,
  NoResultsError,
  PRUNE_TABLES,
  RESULT_TABLES,
  RESULT_VIEWS,
  SCHEMA_VERSION,
  SHARED_MIGRATIONS,
  widenStatusesV7,
} from './tables.ts';

/** PostgreSQL has no PRAGMA user_version: the version is this one-row table. */
const VERSION_TABLE = 'CREATE TABLE schema_version (version INTEGER NOT NULL)';

/** Any constant: the key of the advisory lock under which the schema is created. */
const SCHEMA_LOCK = 0x41626c74;

/** The database's version: 0 for one without Ablate's tables; a newer Ablate's is refused. */
async function versionOf(db: SqlConnection, shownUrl: string): Promise<number> {
  const table = await db.get<{ t: string | null }>("SELECT to_regclass('schema_version')::text AS t");
  if (!table?.t) return 0;
  const version = (await db.get<{ version: number }>('SELECT version FROM schema_version'))?.version ?? 0;
  if (version > SCHEMA_VERSION)
    throw new Error(
      `${shownUrl}: schema version ${version} is newer than this Ablate understands (${SCHEMA_VERSION})`,
    );
  return version;
}

/** Creates the schema in a database without one, at SCHEMA_VERSION. */
async function create(tx: SqlConnection): Promise<void> {
  for (const ddl of [RESULT_TABLES, ANNOTATION_TABLES, CLAIM_COLUMNS, CHECKPOINT_TABLES])
    await tx.run(postgresDialect.ddl(ddl));
  await widenStatusesV7(tx);
  for (const ddl of [PRUNE_TABLES, RESULT_VIEWS, VERSION_TABLE]) await tx.run(postgresDialect.ddl(ddl));
  await tx.run('INSERT INTO schema_version (version) VALUES (?)', [SCHEMA_VERSION]);
}

/** Takes a database from `version` to SCHEMA_VERSION. */
async function migrate(tx: SqlConnection, version: number): Promise<void> {
  for (let v = version; v < SCHEMA_VERSION; v++) await SHARED_MIGRATIONS[v - FIRST_SHARED_VERSION](tx);
  await tx.run('UPDATE schema_version SET version = ?', [SCHEMA_VERSION]);
}

/** Connects, creating the schema if the database has none yet, or migrating it if it is older. */
export async function openPostgresForWriting(url: string, options: PgOptions = {}): Promise<PgConnection> {
  const db = await PgConnection.open(url, options);
  try {
    await db.transaction(async (tx) => {
      await tx.run('SELECT pg_advisory_xact_lock(?)', [SCHEMA_LOCK]);
      const version = await versionOf(tx, db.shownUrl);
      if (version === 0) await create(tx);
      else if (version < SCHEMA_VERSION) await migrate(tx, version);
    });
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

/**
 * Connects to read (the dashboard): the schema must be there already, at a version this Ablate
 * knows. An older one is read as it is (see the top of this file).
 */
export async function openPostgresForReading(url: string, options: PgOptions = {}): Promise<PgConnection> {
  const db = await PgConnection.open(url, options);
  try {
    if ((await versionOf(db, db.shownUrl)) === 0) throw new NoResultsError(db.shownUrl);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
