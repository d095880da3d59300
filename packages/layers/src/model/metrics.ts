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
 * The predicted and true class of each row: argmax when there are several outputs, threshold 0.5
 * when there is one (class 1 = output > 0.5, target > 0.5). Written into `scratch`, two arrays of
 * at least B slots.
 */
function classesOf(
  a: Tensor, // (B, O) output activations
  y: Tensor, // (B, O) targets
  scratch: Int32Array[],
): [predicted: Int32Array, actual: Int32Array] {
  const [predicted, actual] = scratch;
  if (a.cols > 1) return [argmaxRows(predicted, a), argmaxRows(actual, y)];
  for (let b = 0; b < a.rows; b++) {
    predicted[b] = a.data[b] > 0.5 ? 1 : 0;
    actual[b] = y.data[b] > 0.5 ? 1 : 0;
  }
  return [predicted, actual];
}

/** Adds the batch to confusion (K, K). */
export function countConfusion(
  confusion: number[][], // (K, K)
  a: Tensor, // (B, O) output activations
  y: Tensor, // (B, O) targets
  scratch: Int32Array[],
): void {
  const [predicted, actual] = classesOf(a, y, scratch);
  for (let b = 0; b < a.rows; b++) confusion[actual[b]][predicted[b]]++;
}

/** How many rows of the batch are classified right. */
export function countCorrect(
  a: Tensor, // (B, O) output activations
  y: Tensor, // (B, O) targets
  scratch: Int32Array[],
): number {
  const [predicted, actual] = classesOf(a, y, scratch);
  let correct = 0;
  for (let b = 0; b < a.rows; b++) if (predicted[b] === actual[b]) correct++;
  return correct;
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

/** The Euclidean (Frobenius) norm of x, summed in float64. */
export function l2Norm(x: Float32Array): number {
  let sq = 0;
  for (let i = 0; i < x.length; i++) sq += x[i] * x[i];
  return Math.sqrt(sq);
}

/** The fraction of the columns (units) of a that are 0 in every row (example). */
export function deadFraction(
  a: Float32Array, // (B, N)
  rows: number,
  units: number,
): number {
  let dead = 0;
  for (let j = 0; j < units; j++) {
    let b = 0;
    while (b < rows && a[b * units + j] === 0) b++;
    if (b === rows) dead++;
  }
  return units > 0 ? dead / units : 0;
}
