// Classification metrics from a confusion matrix [true class][predicted class].
import { argmaxRows, type Tensor } from '@ablate/tensor';

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Samples whose true class this is. */
  support: number;
}

/**
 * Adds the batch to confusion: classes by argmax of each row when there are several outputs, by
 * threshold 0.5 when there is one (class 1 = output > 0.5, target > 0.5). `scratch` holds one
 * slot per row for the argmax of predictions and targets.
 */
export function countConfusion(
  confusion: number[][], // (K, K)
  a: Tensor, // (B, O) output activations
  y: Tensor, // (B, O) targets
  scratch: Int32Array[], // two arrays of at least B slots
): void {
  const B = a.rows;
  if (a.cols === 1) {
    for (let b = 0; b < B; b++) confusion[y.data[b] > 0.5 ? 1 : 0][a.data[b] > 0.5 ? 1 : 0]++;
    return;
  }
  const predicted = argmaxRows(scratch[0], a);
  const actual = argmaxRows(scratch[1], y);
  for (let b = 0; b < B; b++) confusion[actual[b]][predicted[b]]++;
}

export function classMetrics(confusion: number[][]): ClassMetrics[] {
  return confusion.map((row, k) => {
    const tp = row[k];
    const support = row.reduce((s, n) => s + n, 0);
    const predicted = confusion.reduce((s, r) => s + r[k], 0);
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
}

export function accuracyOf(confusion: number[][]): number {
  let correct = 0;
  let total = 0;
  confusion.forEach((row, k) => {
    correct += row[k];
    for (const n of row) total += n;
  });
  return total > 0 ? correct / total : 0;
}

/** Mean and (population) standard deviation of a buffer, accumulated in double precision. */
export function meanStd(x: Float32Array): { mean: number; std: number } {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < x.length; i++) {
    sum += x[i];
    sq += x[i] * x[i];
  }
  const mean = x.length > 0 ? sum / x.length : 0;
  return { mean, std: Math.sqrt(Math.max(0, sq / Math.max(1, x.length) - mean * mean)) };
}
