// Every stored number of a results database, as plain rows in a stable order (wall times
// excluded): what "the same results, bit for bit" compares.
import { LAYER_STATISTICS } from '../../src/db/records.ts';
import { withDb } from './cli.ts';

/**
 * The layer statistics a database of any version records: update_ratio and dead_fraction came with
 * schema version 7 (rows written before have NULL there).
 */
const STATISTICS_BEFORE_V7 = LAYER_STATISTICS.filter(
  (statistic) => statistic !== 'update_ratio' && statistic !== 'dead_fraction',
);

const resultQueries = (statistics: readonly string[]) => [
  'SELECT run_id, epoch, train_loss, train_acc, val_loss, val_acc, lr FROM epochs ORDER BY run_id, epoch',
  `SELECT run_id, epoch, layer, name, ${statistics.join(', ')} FROM layer_stats ORDER BY run_id, epoch, layer`,
  'SELECT * FROM run_results ORDER BY run_id',
  'SELECT * FROM test_results ORDER BY run_id',
  'SELECT run_id, shapes_json, hex(data) AS data FROM weights ORDER BY run_id',
  'SELECT id, status, epochs_done, diverged_epoch, data_fingerprint FROM runs ORDER BY id',
];

const numbers = (dbPath: string, statistics: readonly string[]) =>
  withDb(dbPath, (db) => Promise.all(resultQueries(statistics).map((sql) => db.all(sql))));

export function results(dbPath: string) {
  return numbers(dbPath, LAYER_STATISTICS);
}

/** The same without the statistics of version 7: what a migrated database's older runs compare on. */
export function resultsBeforeV7(dbPath: string) {
  return numbers(dbPath, STATISTICS_BEFORE_V7);
}
