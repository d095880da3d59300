// Every stored number of a results database, as plain rows in a stable order (wall times
// excluded): what "the same results, bit for bit" compares.
import { withDb } from './cli.ts';

const RESULT_QUERIES = [
  'SELECT run_id, epoch, train_loss, train_acc, val_loss, val_acc, lr FROM epochs ORDER BY run_id, epoch',
  'SELECT * FROM layer_stats ORDER BY run_id, epoch, layer',
  'SELECT * FROM run_results ORDER BY run_id',
  'SELECT * FROM test_results ORDER BY run_id',
  'SELECT run_id, shapes_json, hex(data) AS data FROM weights ORDER BY run_id',
  'SELECT id, status, epochs_done, diverged_epoch, data_fingerprint FROM runs ORDER BY id',
];

export function results(dbPath: string) {
  return withDb(dbPath, (db) => Promise.all(RESULT_QUERIES.map((sql) => db.all(sql))));
}
