// The metric names the API accepts. They are the results-db column names, so a name means the
// same thing in a query string, a JSON payload and the schema; values are picked out in code,
// never spliced into SQL.
import type { EpochRow, RunSummaryRow } from '@ablate/runner/schema';

export const EPOCH_METRICS = ['train_loss', 'train_acc', 'val_loss', 'val_acc', 'lr', 'seconds'] as const;
export type EpochMetric = (typeof EPOCH_METRICS)[number] & keyof EpochRow;

export const FINAL_METRICS = [
  'final_val_acc',
  'final_val_loss',
  'best_val_acc',
  'best_val_loss',
  'final_train_acc',
  'final_train_loss',
  'test_acc',
  'test_loss',
] as const;
export type FinalMetric = (typeof FINAL_METRICS)[number] & keyof RunSummaryRow;
