// The results store on PostgreSQL, shared by every worker on every machine (store.ts has the
// interface; sql-store.ts the writes both engines share). A worker claims a sweep's first claimable
// run in plan order with FOR UPDATE SKIP LOCKED, so two workers never take the same run and never
// wait for each other; the claim is an attempt under a lease, renewed by the database clock with
// every epoch commit and by a heartbeat between them, so a long epoch is not a dead worker. A
// worker that stops renewing (kill -9, a lost machine or connection, a pause) loses its runs to the
// next claim once their lease lapses, and its late writes are refused.
import { namingFaults } from './faults.ts';
import { dataKeyOf } from './identity.ts';
import type { ClaimedRun, EpochRecord, RunClaim, RunOutcome, StoredRunConfig } from './records.ts';
import type { PgConnection, PgOptions } from './postgres-connection.ts';
import { openPostgresForReading, openPostgresForWriting } from './postgres-tables.ts';
import type { SqlConnection } from './sql.ts';
import { annotator, CURRENT_ATTEMPT, DEFAULT_LEASE_SECONDS, SqlStore } from './sql-store.ts';
import { SqlReads } from './sql-reads.ts';
import {
  LeaseLostError,
  type ClaimStart,
  type ResultsReader,
  type RunAnnotator,
  type SharedResultsStore,
} from './store.ts';

/**
 * How a store connects: its pool (default 4 connections: a few threads' writes and the heartbeat)
 * and how long it waits for a server that is away (retrySeconds; outage.ts).
 */
export interface PostgresStoreOptions extends Omit<PgOptions, 'queryPatienceSeconds'> {
  /** Seconds a claim lasts without a commit or a heartbeat (DEFAULT_LEASE_SECONDS). */
  leaseSeconds?: number;
}

/** Heartbeats per lease: a claim survives two lost heartbeats. */
const HEARTBEATS_PER_LEASE = 3;

export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<SharedResultsStore> {
  const { leaseSeconds, ...connection } = options;
  return new PostgresStore(
    await openPostgresForWriting(url, connection),
    leaseSeconds ?? DEFAULT_LEASE_SECONDS,
  );
}

/** A reader (the dashboard): waits for the server at the start as asked, then never (a page answers at once). */
export async function openPostgresReader(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<ResultsReader> {
  const db = await openPostgresForReading(url, { ...options, queryPatienceSeconds: 0 });
  return Object.assign(new SqlReads(db), { close: () => db.close() });
}

export async function openPostgresAnnotator(url: string): Promise<RunAnnotator> {
  const db = await openPostgresForWriting(url);
  return annotator(db, () => db.close());
}

type ClaimedRow = {
  id: string;
  group_id: string;
  seed: number;
  label: string;
  config_json: string;
  lineage: string | null;
  position: number;
  params_json: string;
  data_fingerprints_json: string | null;
};

class PostgresStore extends SqlStore implements SharedResultsStore {
  private readonly pending = new Set<Promise<unknown>>();
  /** The last write issued for each run with writes in flight. */
  private readonly runQueues = new Map<string, Promise<unknown>>();
  /** Claims this process holds, by run id: the heartbeat renews them. */
  private readonly held = new Map<string, RunClaim>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly pg: PgConnection,
    leaseSeconds: number,
  ) {
    super(pg, leaseSeconds);
    this.heartbeat = setInterval(() => void this.renew(), (leaseSeconds * 1000) / HEARTBEATS_PER_LEASE);
    this.heartbeat.unref();
  }

  /**
   * Pending, interrupted, or running under a lapsed lease (its worker is gone); not parked (those
   * are claimed by name, once their pruning decision can be made).
   */
  private get claimableNow(): string {
    return `(r.status IN ('pending', 'interrupted') OR (r.status = 'running' AND r.lease_expires < ${this.db.dialect.nowSeconds})) AND r.parked_at IS NULL`;
  }

  /** As SqlStore's; `inTransaction` false runs fn on the pool, for one statement (atomic by itself). */
  protected write<T>(
    fn: (tx: SqlConnection) => Promise<T>,
    runId?: string,
    inTransaction = true,
  ): Promise<T> {
    // Writes run concurrently on the pool, except a run's own, which queue behind each other.
    const apply = () => namingFaults(this.pg.shownUrl, inTransaction ? this.pg.transaction(fn) : fn(this.pg));
    const before = runId === undefined ? undefined : this.runQueues.get(runId);
    const result = before ? before.then(apply) : apply();
    if (runId !== undefined) {
      const queued = result.catch(() => undefined);
      this.runQueues.set(runId, queued);
      void queued.then(() => this.runQueues.get(runId) === queued && this.runQueues.delete(runId));
    }
    const settled = result.catch(() => undefined);
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
    return result;
  }

  /** Nothing to recover at start: a run whose worker is gone is claimable once its lease lapses. */
  async recoverAbandoned(): Promise<number> {
    return 0;
  }

  claimNext(sweepId: number, start: ClaimStart, parked?: string): Promise<ClaimedRun | null> {
    const which =
      parked === undefined
        ? { sql: this.claimableNow, params: [] }
        : { sql: "r.id = ? AND r.status = 'interrupted' AND r.parked_at IS NOT NULL", params: [parked] };
    return this.write(async (tx) => {
      const row = await tx.get<ClaimedRow>(
        `SELECT r.id, r.group_id, r.seed, r.label, r.config_json, r.lineage, sr.position, sr.params_json, s.data_fingerprints_json
           FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id JOIN sweeps s ON s.id = sr.sweep_id
          WHERE sr.sweep_id = ? AND ${which.sql}
          ORDER BY sr.position LIMIT 1 ${tx.dialect.claimRows}`,
        [sweepId, ...which.params],
      );
      if (!row) return null;
      const config = JSON.parse(row.config_json) as StoredRunConfig;
      // The worker has checked its data against these fingerprints before it claims (sweep/worker.ts).
      const fingerprints = JSON.parse(row.data_fingerprints_json ?? '{}') as Record<string, string>;
      const { claim, from } = await this.startAttempt(tx, row.id, {
        ...start,
        dataFingerprint: fingerprints[dataKeyOf(config)] ?? '',
      });
      this.held.set(claim.runId, claim);
      const run = {
        id: row.id,
        groupId: row.group_id,
        seed: row.seed,
        label: row.label,
        params: JSON.parse(row.params_json) as Record<string, unknown>,
        position: row.position,
        config,
        lineage: row.lineage,
      };
      return { claim, from, run };
    });
  }

  /**
   * One statement, so one round trip to the server, instead of a transaction's five: the claim
   * check and the epoch's rows as data-modifying CTEs. PostgreSQL runs each exactly once, and the
   * division by the number of runs the check updated fails the whole statement, writing nothing,
   * when the claim is no longer current.
   */
  override commitEpoch(claim: RunClaim, epoch: EpochRecord): Promise<void> {
    const set = this.epochClaim(epoch);
    const rows = this.epochRows(claim, epoch);
    const sql =
      `WITH claim AS (UPDATE runs SET ${set.sql} WHERE ${CURRENT_ATTEMPT} RETURNING id)` +
      rows.map((row, i) => `, w${i} AS (${row.sql})`).join('') +
      ' SELECT 1 / COUNT(*) AS held FROM claim';
    const params = [...set.params, claim.runId, claim.attempt, ...rows.flatMap((row) => row.params)];
    return this.write(
      async (tx) => {
        try {
          await tx.run(sql, params);
        } catch (err) {
          const current = await this.pg.get<{ stored: boolean }>(
            `SELECT EXISTS (SELECT 1 FROM epochs WHERE run_id = ?1 AND epoch = ?3) AS stored
               FROM runs WHERE id = ?1 AND attempt = ?2 AND status = 'running'`,
            [claim.runId, claim.attempt, epoch.epoch],
          );
          if (!current)
            throw new LeaseLostError(
              `run ${claim.runId}: attempt ${claim.attempt} is no longer its current one`,
            );
          // Tried again after the server went away before answering (outage.ts): the first try had
          // committed, and the second met its rows. Only this attempt writes its epochs.
          if (current.stored) return;
          throw err;
        }
      },
      claim.runId,
      false,
    );
  }

  override async finishRun(claim: RunClaim, end: RunOutcome): Promise<void> {
    try {
      await super.finishRun(claim, end);
    } catch (err) {
      if (!(err instanceof LeaseLostError)) throw err;
      // Tried again after the server went away before answering: the first try may have ended the
      // run, which only this attempt can have done.
      const row = await this.pg.get<{ status: string }>(
        'SELECT status FROM runs WHERE id = ? AND attempt = ?',
        [claim.runId, claim.attempt],
      );
      if (row?.status !== end.status) throw err;
    } finally {
      this.held.delete(claim.runId);
    }
  }

  /** Renews the lease of every claim still held; a claim found superseded is dropped. */
  private async renew(): Promise<void> {
    for (const claim of [...this.held.values()]) {
      // Without waiting for the server: the commits that wait for it renew the lease too.
      const { changes } = await this.pg.once
        .run(
          `UPDATE runs SET lease_expires = ${this.leaseEnd} WHERE id = ? AND attempt = ? AND status = 'running'`,
          [this.leaseSeconds, claim.runId, claim.attempt],
        )
        // A failed heartbeat (the server unreachable for a moment) is retried on the next beat.
        .catch(() => ({ changes: 1 }));
      if (changes === 0 && this.held.get(claim.runId) === claim) this.held.delete(claim.runId);
    }
  }

  async runsLeft(sweepId: number): Promise<number> {
    const row = await this.pg.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id
        WHERE sr.sweep_id = ? AND r.status IN ('pending', 'running', 'interrupted') AND r.parked_at IS NULL`,
      [sweepId],
    );
    return row?.n ?? 0;
  }

  async sweepsWithWork(): Promise<number[]> {
    const rows = await this.pg.all<{ sweep_id: number }>(
      `SELECT DISTINCT sr.sweep_id FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id
        WHERE ${this.claimableNow} ORDER BY sr.sweep_id`,
    );
    return rows.map((row) => row.sweep_id);
  }

  async flush(): Promise<void> {
    await Promise.all(this.pending);
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.flush();
    await this.pg.close();
  }
}
