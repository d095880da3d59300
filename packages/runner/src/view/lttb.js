// Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013): keeps the visual shape of a long
// series in `threshold` points. Shared by the server (API ?points=N) and the browser.

/**
 * @param {Array<[number, number]>} points sorted by x
 * @param {number} threshold the most points to return (>= 2)
 * @returns {Array<[number, number]>} a subset of points, first and last always kept
 */
export function lttb(points, threshold) {
  if (threshold >= points.length) return points.slice();
  if (threshold <= 2) return points.length > 1 ? [points[0], points[points.length - 1]] : points.slice();

  const sampled = [points[0]];
  // The first and last points are fixed; the rest is cut into threshold - 2 buckets.
  const bucketSize = (points.length - 2) / (threshold - 2);
  let previous = points[0];
  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    const start = Math.floor(bucket * bucketSize) + 1;
    const end = Math.floor((bucket + 1) * bucketSize) + 1;
    const [avgX, avgY] = averageOf(
      points,
      end,
      Math.min(Math.floor((bucket + 2) * bucketSize) + 1, points.length),
    );
    let chosen = points[start];
    let largestArea = -1;
    for (let i = start; i < end; i++) {
      const area = Math.abs(
        (previous[0] - avgX) * (points[i][1] - previous[1]) -
          (previous[0] - points[i][0]) * (avgY - previous[1]),
      );
      if (area > largestArea) {
        largestArea = area;
        chosen = points[i];
      }
    }
    sampled.push(chosen);
    previous = chosen;
  }
  sampled.push(points[points.length - 1]);
  return sampled;
}

/** The centroid of points[from, to), the third corner of the triangles of the bucket before it. */
function averageOf(points, from, to) {
  let sumX = 0;
  let sumY = 0;
  for (let i = from; i < to; i++) {
    sumX += points[i][0];
    sumY += points[i][1];
  }
  const count = Math.max(to - from, 1);
  return [sumX / count, sumY / count];
}
