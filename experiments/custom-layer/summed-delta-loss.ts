// Lesson 004's output layer, as its learners wrote it: softmax + cross-entropy, whose backward
// sums the output delta to one number, delta = np.sum(a - y). Softmax outputs and one-hot labels
// both sum to 1 per row, so that sum is ~0 and every gradient of the network vanishes: the lesson's
// loss stayed at 2486.433448 for 100 epochs. `ablate check lesson-004.yaml` refuses it, naming dz;
// the right backward is dz += (a - y) / B, entry by entry.
//
// A loss module exports `loss`, returning { fused, forward, backward }. fused: true means it reads
// the logits z (the output layer before its activation) and its backward gives dL/dz; with fused:
// false it reads the output activations a and gives dL/da. forward returns the batch's mean loss.
import type { Tensor } from '@ablate/tensor';
import type { UserLoss } from '@ablate/layers';

export function loss(): UserLoss {
  return {
    fused: true,
    forward(
      z: Tensor, // (B, O) logits
      y: Tensor, // (B, O) one-hot targets
    ): number {
      const [B, O] = z.shape;
      let total = 0;
      for (let r = 0; r < B; r++) {
        // log softmax(z)_j = z_j - lse(z), lse computed from the row's max (no overflow)
        let max = -Infinity;
        for (let j = 0; j < O; j++) max = Math.max(max, z.data[r * O + j]);
        let sum = 0;
        for (let j = 0; j < O; j++) sum += Math.exp(z.data[r * O + j] - max);
        const lse = max + Math.log(sum);
        for (let j = 0; j < O; j++) total -= y.data[r * O + j] * (z.data[r * O + j] - lse);
      }
      return total / B;
    },
    backward(
      dz: Tensor, // (B, O)
      a: Tensor, // (B, O) softmax(z)
      y: Tensor, // (B, O)
    ) {
      const B = dz.rows;
      // THE BUG (lesson 004): delta[L] = np.sum(a[-1] - y), one number for every entry.
      let delta = 0;
      for (let i = 0; i < a.size; i++) delta += a.data[i] - y.data[i];
      for (let i = 0; i < dz.size; i++) dz.data[i] += delta / B;
    },
  };
}
