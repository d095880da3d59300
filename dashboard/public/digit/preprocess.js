// A drawing prepared as MNIST's digits were: the grey levels of the strokes, scaled (keeping the
// aspect ratio, averaging the pixels each new pixel covers) to fit a 20x20 box, placed in a 28x28
// field so that their centre of mass sits at its centre (14, 14), and rounded to bytes, as the
// IDX files store them.

const FIELD = 28;
const BOX = 20;

/**
 * grey: the drawing's grey levels (0 background .. 255 ink), row-major, width x height. Returns the
 * 784 bytes of the MNIST-style image, all zero for an empty drawing.
 */
export function mnistImage(grey, width, height) {
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (grey[y * width + x] > 0) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
  const image = new Uint8Array(FIELD * FIELD);
  if (right < 0) return image;
  const [boxWidth, boxHeight] = [right - left + 1, bottom - top + 1];
  const scale = BOX / Math.max(boxWidth, boxHeight);
  const [w, h] = [Math.max(1, Math.round(boxWidth * scale)), Math.max(1, Math.round(boxHeight * scale))];
  const small = resample(grey, width, { left, top, boxWidth, boxHeight }, w, h);
  // Centre of mass of the scaled digit, then the shift that puts it at (14, 14).
  let [mass, mx, my] = [0, 0, 0];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = small[y * w + x];
      mass += v;
      mx += v * x;
      my += v * y;
    }
  const dx = Math.round(FIELD / 2 - mx / mass);
  const dy = Math.round(FIELD / 2 - my / mass);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const [tx, ty] = [x + dx, y + dy];
      if (tx >= 0 && tx < FIELD && ty >= 0 && ty < FIELD)
        image[ty * FIELD + tx] = Math.round(Math.min(255, small[y * w + x]));
    }
  return image;
}

/** The box of grey scaled to w x h: each new pixel the coverage-weighted mean of the pixels under it. */
function resample(grey, width, { left, top, boxWidth, boxHeight }, w, h) {
  const out = new Float64Array(w * h);
  const [sx, sy] = [boxWidth / w, boxHeight / h];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const [x0, x1, y0, y1] = [x * sx, (x + 1) * sx, y * sy, (y + 1) * sy];
      let sum = 0;
      for (let py = Math.floor(y0); py < Math.ceil(y1); py++) {
        const cy = Math.min(y1, py + 1) - Math.max(y0, py);
        for (let px = Math.floor(x0); px < Math.ceil(x1); px++) {
          const cx = Math.min(x1, px + 1) - Math.max(x0, px);
          sum += cx * cy * grey[(top + py) * width + left + px];
        }
      }
      out[y * w + x] = sum / (sx * sy);
    }
  return out;
}
