// A trained run's network run in the browser from its served weights (/api/runs/:id/weights) and
// config: Dense layers y = x W + b (W stored input x output, as the runner's Dense keeps it), the
// config's activations. The same arithmetic as the runner's forward pass, in float64 over the
// float32 weights, so the two agree to about 1e-7.

const ACTIVATIONS = {
  sigmoid: () => (z) => z.map((v) => 1 / (1 + Math.exp(-v))),
  tanh: () => (z) => z.map(Math.tanh),
  relu: () => (z) => z.map((v) => (v > 0 ? v : 0)),
  leaky_relu: (slope) => (z) => z.map((v) => (v > 0 ? v : slope * v)),
  linear: () => (z) => z,
  swish: () => (z) => z.map((v) => v / (1 + Math.exp(-v))),
  softmax: () => (z) => {
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  },
};

/**
 * weights: the /weights payload; model: the run config's model section. Returns { inputs, outputs,
 * layers } or throws with what is not supported.
 */
export function networkOf(weights, model) {
  const bytes = Uint8Array.from(window.atob(weights.data), (c) => c.charCodeAt(0));
  const floats = new Float32Array(bytes.buffer);
  let offset = 0;
  const params = weights.shapes.map(({ shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = floats.subarray(offset, offset + size);
    offset += size;
    return { shape, values };
  });
  const layers = [];
  for (let l = 0; l < params.length; l += 2) {
    const hidden = l / 2 < params.length / 2 - 1;
    const name = hidden
      ? Array.isArray(model.activation)
        ? model.activation[l / 2]
        : model.activation
      : model.outputActivation;
    if (!ACTIVATIONS[name]) throw new Error(`activation ${name} is not supported here`);
    layers.push({ W: params[l], b: params[l + 1], activate: ACTIVATIONS[name](model.leakySlope) });
  }
  return { inputs: params[0].shape[0], outputs: params.at(-1).shape[0], layers };
}

/** The network's outputs (class probabilities under softmax) for one input vector. */
export function forward(network, input) {
  let x = Array.from(input);
  for (const { W, b, activate } of network.layers) {
    const [inputs, outputs] = W.shape;
    const z = Array.from(b.values);
    for (let i = 0; i < inputs; i++) {
      const xi = x[i];
      if (xi === 0) continue;
      for (let o = 0; o < outputs; o++) z[o] += xi * W.values[i * outputs + o];
    }
    x = activate(z);
  }
  return x;
}

/**
 * The network's input for an MNIST-style image of bytes, scaled as the run's data was: input is the
 * server's map of the run's pixels (the /weights payload's `input`, { offset, factor }).
 */
export const scaledInput = (image, { offset, factor }) =>
  Array.from(image, (byte) => (byte - offset) * factor);
