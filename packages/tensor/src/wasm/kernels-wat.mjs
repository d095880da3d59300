// Source of the WebAssembly kernels: the matmul, and the streaming loops of training that JS
// cannot vectorize (the momentum update, the bias gradient's column sums, ReLU forward and
// backward, dropout forward and backward, batch norm forward and backward). It generates the .wat text, which scripts/build-wasm.mjs compiles with wabt. A
// generator rather than a hand-written .wat because the micro-kernel is fully unrolled over its
// MR x NR tile (MR * NR/4 accumulators) and the tile size is a tuning knob.
//
// Dimension legend: see ../../native/kernels.h (C is the kernels' out).
// C (M, N) = A (M, K) B (K, N), where A and B are read through element strides, so that
// a b, a^T b and a b^T are all the same call with different strides (see ./wasm.ts).
//
// Design (the GotoBLAS/BLIS loop nest, one thread):
// - B is packed per K block into column panels of NR columns, k-major: panel[k][0..NR), zero-padded
//   past N. The micro-kernel then reads one contiguous NR-float row of B per k. With few rows of A
//   (little reuse per panel), B rows that already hold whole panels are read in place instead.
// - A is packed per (K, M) block into row panels of MR rows, k-major: panel[k][0..MR), zero-padded
//   past M, so every A value is a v128.load32_splat at a constant offset from one pointer.
// - The micro-kernel keeps the MR x NR tile of C in registers (f32x4 accumulators) for a whole K
//   block. V8 on x64 gives wasm 15 xmm registers and schedules the splat loads early, so a tile
//   needs a few spare registers: 4 x 8 (8 accumulators) runs clean, 6 x 8 (12) spills on every k
//   at half the speed, and so does unrolling k by 2 (bench/tiles.ts measures these).
// - C lives in wasm memory padded to whole tiles (ldc >= N rounded up to NR, rows up to MR), so
//   the micro-kernel never needs an edge case; the caller copies out only the valid part.
// - A bias (N) is added by the micro-kernel to its accumulators after the last K block, just
//   before it stores the tile: a dense layer's forward pass needs no second pass over C.
// - KC bounds the B micro-panel (KC x NR) to L1; MC bounds the packed A block (MC x KC) to L2.

/**
 * Tile (MR x NR) and block (MC x KC) sizes, and the largest M and N for which B is read in place,
 * as measured best by bench/tiles.ts. The module exports MR, NR, KC, MC as globals, so the loader
 * sizes its buffers from the module itself. MC must be a multiple of MR, NR of 4.
 */
export const TILE = { MR: 4, NR: 8, KC: 256, MC: 128, DIRECT_B_M: 64, DIRECT_B_N: 512 };

/**
 * The wabt features the module needs: SIMD, relaxed SIMD for the FMA build, and threads for its
 * shared memory (no atomics are used).
 */
export function watFeatures(relaxed) {
  return { simd: true, relaxed_simd: relaxed, threads: true };
}

/** out = a * b + c for f32x4 locals: fused on relaxed SIMD, separate rounding otherwise. */
function madd(relaxed, a, b, c) {
  return relaxed
    ? `(f32x4.relaxed_madd (local.get ${a}) (local.get ${b}) (local.get ${c}))`
    : `(f32x4.add (local.get ${c}) (f32x4.mul (local.get ${a}) (local.get ${b})))`;
}

/** Shuffle of two f32x4 locals by f32 lane (0-3 from x, 4-7 from y). */
function shuffle(x, y, lanes) {
  const bytes = lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
  return `(i8x16.shuffle ${bytes.join(' ')} (local.get ${x}) (local.get ${y}))`;
}

function repeat(n, line) {
  return Array.from({ length: n }, (_, i) => line(i)).join('\n');
}

/**
 * C tile (MR, NR) at c (row stride ldc bytes) = or += packed A panel (kc, MR) x B panel (kc, NR),
 * whose rows are bstep bytes apart (NR * 4 when packed). Accumulators start at zero unless load:
 * wasm zeroes locals. Unless bias is 0 (no real bias address: the copy of A sits at 0), the NR
 * floats there are added to every row before the store: the bias epilogue of the last K block.
 */
function microKernel(relaxed, { MR, NR }) {
  const NV = NR / 4; // f32x4 vectors per tile row
  // C rows go through one moving pointer, since wasm offsets must be constants.
  const eachRowOfC = (indent, line) =>
    repeat(
      MR,
      (r) =>
        repeat(NV, (v) => indent + line(r, v)) +
        `\n${indent}(local.set $row (i32.add (local.get $row) (local.get $ldc)))`,
    );
  return `
  (func $kernel (param $pa i32) (param $pb i32) (param $bstep i32) (param $c i32) (param $ldc i32) (param $kc i32)
    (param $load i32) (param $bias i32)
    (local $row i32) (local $a v128)
${repeat(NV, (v) => `    (local $b${v} v128)`)}
${repeat(MR, (r) => repeat(NV, (v) => `    (local $c${r}_${v} v128)`))}
    (if (local.get $load)
      (then
        (local.set $row (local.get $c))
${eachRowOfC('        ', (r, v) => `(local.set $c${r}_${v} (v128.load offset=${16 * v} (local.get $row)))`)}))
    (loop $k
${repeat(NV, (v) => `      (local.set $b${v} (v128.load offset=${16 * v} (local.get $pb)))`)}
${repeat(
  MR,
  (r) =>
    `      (local.set $a (v128.load32_splat offset=${4 * r} (local.get $pa)))\n` +
    repeat(NV, (v) => `      (local.set $c${r}_${v} ${madd(relaxed, '$a', `$b${v}`, `$c${r}_${v}`)})`),
)}
      (local.set $pa (i32.add (local.get $pa) (i32.const ${4 * MR})))
      (local.set $pb (i32.add (local.get $pb) (local.get $bstep)))
      (br_if $k (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
    (if (local.get $bias)
      (then
${repeat(NV, (v) => `        (local.set $b${v} (v128.load offset=${16 * v} (local.get $bias)))`)}
${repeat(MR, (r) => repeat(NV, (v) => `        (local.set $c${r}_${v} (f32x4.add (local.get $c${r}_${v}) (local.get $b${v})))`))}))
    (local.set $row (local.get $c))
${eachRowOfC('    ', (r, v) => `(v128.store offset=${16 * v} (local.get $row) (local.get $c${r}_${v}))`)})`;
}

/**
 * Batch norm's loops (see ../kernels/regularize.ts) run over one f32x4 of columns at a time, its
 * rows $stride bytes apart, from $p (x) to $rowsEnd; each is the body of a loop over the column
 * vectors of a (B, ld) layout whose rows are padded to whole vectors (ld a multiple of 4).
 */
function eachRow(indent, body, pointers) {
  const step = pointers.map((p) => `(local.set ${p} (i32.add (local.get ${p}) (local.get $stride)))`);
  return `${indent}(local.set $p (local.get $col))
${indent}${pointers.map((p) => `(local.set ${p} (i32.add (local.get ${p.replace('$', '$base_')}) (local.get $off)))`).join(' ')}
${indent}(loop $rows
${indent}  ${body}
${indent}  ${step.join(' ')}
${indent}  (br_if $rows (i32.lt_u (local.tee $p (i32.add (local.get $p) (local.get $stride))) (local.get $rowsEnd))))`;
}

/** out = gamma ((x - m) r) + beta over the rows of one column vector, m and r its statistics. */
function applyRows(indent) {
  return eachRow(
    indent,
    `(v128.store (local.get $q) (f32x4.add (f32x4.mul (local.get $g) (f32x4.mul (f32x4.sub (v128.load (local.get $p)) (local.get $m)) (local.get $r))) (local.get $bt)))`,
    ['$q'],
  );
}

/** The whole module text; `relaxed` selects f32x4.relaxed_madd (FMA) over mul + add. */
export function kernelsWat(relaxed, tile = TILE) {
  const { MR, NR, KC, MC, DIRECT_B_M, DIRECT_B_N } = tile;
  return `;; Generated by packages/tensor/src/wasm/kernels-wat.mjs (${relaxed ? 'relaxed SIMD' : 'SIMD'}): edit that file.
(module
  ;; Shared, so that growing it never detaches the views of resident arrays (see ./heap.ts); a
  ;; shared memory must state its maximum, here the whole 4 GiB a 32-bit address reaches.
  (memory (export "memory") 1 65536 shared)
  (global (export "MR") i32 (i32.const ${MR}))
  (global (export "NR") i32 (i32.const ${NR}))
  (global (export "KC") i32 (i32.const ${KC}))
  (global (export "MC") i32 (i32.const ${MC}))

  ;; Packs lanes x kc values of a matrix into panels of w lanes, k-major, zero-padding the last
  ;; panel: dst[p][k][l] = src[(p*w + l)*ls + k*ks]. Lanes are rows of A
  ;; (w = MR) or columns of B (w = NR); ls and ks are element strides, so one function packs every
  ;; layout. Full panels of the two layouts that occur get a fast path for all steps they can: k
  ;; contiguous (ks = 1) 4 x 4 transposes, lanes contiguous (ls = 1) vector copies. The scalar loop
  ;; finishes whatever is left: partial panels, the last steps, the zero padding.
  (func $pack (param $dst i32) (param $src i32) (param $ls i32) (param $ks i32) (param $lanes i32)
    (param $kc i32) (param $w i32)
    (local $p i32) (local $n i32) (local $k i32) (local $s i32) (local $q i32) (local $l i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local.set $ls (i32.shl (local.get $ls) (i32.const 2)))
    (local.set $ks (i32.shl (local.get $ks) (i32.const 2)))
    (loop $panels
      (local.set $n (i32.sub (local.get $lanes) (local.get $p)))
      (local.set $n (select (local.get $w) (local.get $n) (i32.gt_u (local.get $n) (local.get $w))))
      (local.set $s (i32.add (local.get $src) (i32.mul (local.get $p) (local.get $ls))))
      (local.set $k (i32.const 0))
      (if (i32.and (i32.eq (local.get $ks) (i32.const 4)) (i32.eq (local.get $n) (local.get $w)))
        (then
          (block $transposed (loop $four_steps
            (br_if $transposed (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $kc)))
            (local.set $l (i32.const 0))
            (loop $groups
              ;; r_i: steps k..k+3 of lane l+i; x_i, then the stores: the 4 x 4 transpose.
              (local.set $q (i32.add (local.get $s) (i32.mul (local.get $l) (local.get $ls))))
${repeat(4, (i) => `              (local.set $r${i} (v128.load (local.get $q)))${i < 3 ? '\n              (local.set $q (i32.add (local.get $q) (local.get $ls)))' : ''}`)}
              (local.set $x0 ${shuffle('$r0', '$r1', [0, 4, 1, 5])})
              (local.set $x1 ${shuffle('$r0', '$r1', [2, 6, 3, 7])})
              (local.set $x2 ${shuffle('$r2', '$r3', [0, 4, 1, 5])})
              (local.set $x3 ${shuffle('$r2', '$r3', [2, 6, 3, 7])})
              (local.set $q (i32.add (local.get $dst) (i32.shl (local.get $l) (i32.const 2))))
${[
  ['$x0', '$x2', [0, 1, 4, 5]],
  ['$x0', '$x2', [2, 3, 6, 7]],
  ['$x1', '$x3', [0, 1, 4, 5]],
  ['$x1', '$x3', [2, 3, 6, 7]],
]
  .map(
    ([x, y, lanes], u) =>
      `              (v128.store (local.get $q) ${shuffle(x, y, lanes)})${u < 3 ? '\n              (local.set $q (i32.add (local.get $q) (i32.shl (local.get $w) (i32.const 2))))' : ''}`,
  )
  .join('\n')}
              (br_if $groups (i32.lt_u (local.tee $l (i32.add (local.get $l) (i32.const 4))) (local.get $w))))
            (local.set $s (i32.add (local.get $s) (i32.const 16)))
            (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $w) (i32.const 4))))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $four_steps))))
        (else (if (i32.and (i32.eq (local.get $ls) (i32.const 4)) (i32.eq (local.get $n) (local.get $w)))
          (then
            (block $rows_done (loop $rows
              (br_if $rows_done (i32.ge_u (local.get $k) (local.get $kc)))
              (local.set $l (i32.const 0))
              (loop $vectors
                (v128.store (i32.add (local.get $dst) (local.get $l)) (v128.load (i32.add (local.get $s) (local.get $l))))
                (br_if $vectors (i32.lt_u (local.tee $l (i32.add (local.get $l) (i32.const 16))) (i32.shl (local.get $w) (i32.const 2)))))
              (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $w) (i32.const 2))))
              (local.set $s (i32.add (local.get $s) (local.get $ks)))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br $rows)))))))
      (block $steps_done (loop $steps
        (br_if $steps_done (i32.ge_u (local.get $k) (local.get $kc)))
        (local.set $l (i32.const 0))
        (local.set $q (local.get $s))
        (block $copied (loop $copy
          (br_if $copied (i32.ge_u (local.get $l) (local.get $n)))
          (f32.store (i32.add (local.get $dst) (i32.shl (local.get $l) (i32.const 2))) (f32.load (local.get $q)))
          (local.set $q (i32.add (local.get $q) (local.get $ls)))
          (local.set $l (i32.add (local.get $l) (i32.const 1)))
          (br $copy)))
        (block $padded (loop $pad
          (br_if $padded (i32.ge_u (local.get $l) (local.get $w)))
          (f32.store (i32.add (local.get $dst) (i32.shl (local.get $l) (i32.const 2))) (f32.const 0))
          (local.set $l (i32.add (local.get $l) (i32.const 1)))
          (br $pad)))
        (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $w) (i32.const 2))))
        (local.set $s (i32.add (local.get $s) (local.get $ks)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $steps)))
      (br_if $panels (i32.lt_u (local.tee $p (i32.add (local.get $p) (local.get $w))) (local.get $lanes))))
  )
${microKernel(relaxed, tile)}

  ;; C (M, N) = or += A (M, K) B (K, N), plus bias (N) on every row unless bias is 0. A[i][k] is
  ;; a[i*aLs + k*aKs], B[k][j] is b[j*bLs + k*bKs] (element strides; a, b, c, pa, pb, bias are
  ;; byte addresses). C has row stride ldc elements and room for M and N rounded up to whole tiles,
  ;; bias room for ldc floats; pa holds MC x min(K, KC) floats, pb ldc x min(K, KC).
  ;; Needs M, N, K > 0.
  (func (export "matmul")
    (param $M i32) (param $N i32) (param $K i32)
    (param $a i32) (param $aLs i32) (param $aKs i32)
    (param $b i32) (param $bLs i32) (param $bKs i32)
    (param $c i32) (param $ldc i32) (param $accumulate i32) (param $pa i32) (param $pb i32)
    (param $bias i32)
    (local $pc i32) (local $kc i32) (local $ic i32) (local $mc i32) (local $jr i32) (local $ir i32)
    (local $direct i32) (local $bk i32) (local $bpanel i32) (local $bstep i32) (local $last i32)
    ;; Few rows of A reuse each B panel too little to repay packing it, so B rows that already hold
    ;; whole panels (contiguous, N a multiple of NR) are read in place; but not from wide B, whose
    ;; long row stride maps a panel's rows onto few cache sets.
    (local.set $direct (i32.and
      (i32.and (i32.eq (local.get $bLs) (i32.const 1)) (i32.eqz (i32.rem_u (local.get $N) (i32.const ${NR}))))
      (i32.and (i32.le_u (local.get $M) (i32.const ${DIRECT_B_M})) (i32.le_u (local.get $N) (i32.const ${DIRECT_B_N})))))
    (loop $k_blocks
      (local.set $kc (i32.sub (local.get $K) (local.get $pc)))
      (local.set $kc (select (i32.const ${KC}) (local.get $kc) (i32.gt_u (local.get $kc) (i32.const ${KC}))))
      ;; The bias goes in with the last K block, when the tiles are final.
      (local.set $last (i32.and (i32.ne (local.get $bias) (i32.const 0))
        (i32.eq (i32.add (local.get $pc) (local.get $kc)) (local.get $K))))
      ;; bk: B at this K block; bpanel: bytes from one column to the next; bstep: from one k to the next
      (local.set $bk (i32.add (local.get $b) (i32.shl (i32.mul (local.get $pc) (local.get $bKs)) (i32.const 2))))
      (if (local.get $direct)
        (then
          (local.set $bpanel (i32.const 4))
          (local.set $bstep (i32.shl (local.get $bKs) (i32.const 2))))
        (else
          (call $pack (local.get $pb) (local.get $bk)
            (local.get $bLs) (local.get $bKs) (local.get $N) (local.get $kc) (i32.const ${NR}))
          (local.set $bk (local.get $pb))
          (local.set $bpanel (i32.shl (local.get $kc) (i32.const 2)))
          (local.set $bstep (i32.const ${4 * NR}))))
      (local.set $ic (i32.const 0))
      (loop $m_blocks
        (local.set $mc (i32.sub (local.get $M) (local.get $ic)))
        (local.set $mc (select (i32.const ${MC}) (local.get $mc) (i32.gt_u (local.get $mc) (i32.const ${MC}))))
        (call $pack (local.get $pa)
          (i32.add (local.get $a) (i32.shl (i32.add
            (i32.mul (local.get $ic) (local.get $aLs)) (i32.mul (local.get $pc) (local.get $aKs))) (i32.const 2)))
          (local.get $aLs) (local.get $aKs) (local.get $mc) (local.get $kc) (i32.const ${MR}))
        ;; B micro-panel outer: it stays in L1 while the A panels stream from L2.
        (local.set $jr (i32.const 0))
        (loop $n_tiles
          (local.set $ir (i32.const 0))
          (loop $m_tiles
            (call $kernel
              (i32.add (local.get $pa) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2)))
              (i32.add (local.get $bk) (i32.mul (local.get $jr) (local.get $bpanel)))
              (local.get $bstep)
              (i32.add (local.get $c) (i32.shl (i32.add
                (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $ldc)) (local.get $jr)) (i32.const 2)))
              (i32.shl (local.get $ldc) (i32.const 2))
              (local.get $kc)
              (i32.or (local.get $accumulate) (i32.ne (local.get $pc) (i32.const 0)))
              (select (i32.add (local.get $bias) (i32.shl (local.get $jr) (i32.const 2))) (i32.const 0) (local.get $last)))
            (br_if $m_tiles (i32.lt_u (local.tee $ir (i32.add (local.get $ir) (i32.const ${MR}))) (local.get $mc))))
          (br_if $n_tiles (i32.lt_u (local.tee $jr (i32.add (local.get $jr) (i32.const ${NR}))) (local.get $N))))
        (br_if $m_blocks (i32.lt_u (local.tee $ic (i32.add (local.get $ic) (i32.const ${MC}))) (local.get $M))))
      (br_if $k_blocks (i32.lt_u (local.tee $pc (i32.add (local.get $pc) (i32.const ${KC}))) (local.get $K)))))

  ;; The momentum update of n parameters in place (w, g, v byte addresses, n > 0), from the
  ;; gradient g' = scale g (a clipped one; scale 1 is g exactly):
  ;;   v = mu v + c g';  w -= lr v (classical) or w -= lr (c g' + mu v) (nesterov != 0).
  ;; Four at a time, so the caller gives each buffer room for n rounded up to whole vectors (the
  ;; extra lanes compute garbage it never reads). Plain mul + add, no FMA: every build agrees.
  ;; Velocities that decay below the smallest normal float are set to 0 (NaN is kept): as a
  ;; denormal each would cost a slow path on every later step, for a contribution below 1e-38.
  (func (export "momentum")
    (param $n i32) (param $w i32) (param $g i32) (param $v i32)
    (param $lr f32) (param $mu f32) (param $c f32) (param $nesterov i32) (param $scale f32)
    (local $end i32) (local $lr4 v128) (local $mu4 v128) (local $c4 v128) (local $cg v128) (local $vi v128)
    (local $min4 v128) (local $scale4 v128)
    (local.set $min4 (f32x4.splat (f32.const 0x1p-126)))
    (local.set $lr4 (f32x4.splat (local.get $lr)))
    (local.set $mu4 (f32x4.splat (local.get $mu)))
    (local.set $c4 (f32x4.splat (local.get $c)))
    (local.set $scale4 (f32x4.splat (local.get $scale)))
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (loop $vectors
      (local.set $cg (f32x4.mul (local.get $c4) (f32x4.mul (local.get $scale4) (v128.load (local.get $g)))))
      (local.set $vi (f32x4.add (f32x4.mul (local.get $mu4) (v128.load (local.get $v))) (local.get $cg)))
      (local.set $vi (v128.andnot (local.get $vi) (f32x4.lt (f32x4.abs (local.get $vi)) (local.get $min4))))
      (v128.store (local.get $v) (local.get $vi))
      (v128.store (local.get $w) (f32x4.sub (v128.load (local.get $w)) (f32x4.mul (local.get $lr4)
        (if (result v128) (local.get $nesterov)
          (then (f32x4.add (local.get $cg) (f32x4.mul (local.get $mu4) (local.get $vi))))
          (else (local.get $vi))))))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $v (i32.add (local.get $v) (i32.const 16)))
      (br_if $vectors (i32.lt_u (local.tee $w (i32.add (local.get $w) (i32.const 16))) (local.get $end)))))

  ;; The sum of the squares of n floats at x (a byte address, n > 0 a multiple of 4), each squared
  ;; and summed in float64: lanes 0 and 1 of each vector in one pair of sums, lanes 2 and 3 in the
  ;; other, the four added at the end in a fixed order (a clipping norm's share of a gradient).
  (func (export "sumSquares") (param $x i32) (param $n i32) (result f64)
    (local $end i32) (local $v v128) (local $lo v128) (local $hi v128) (local $sumLo v128) (local $sumHi v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (loop $vectors
      (local.set $v (v128.load (local.get $x)))
      (local.set $lo (f64x2.promote_low_f32x4 (local.get $v)))
      (local.set $hi (f64x2.promote_low_f32x4
        (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
      (local.set $sumLo (f64x2.add (local.get $sumLo) (f64x2.mul (local.get $lo) (local.get $lo))))
      (local.set $sumHi (f64x2.add (local.get $sumHi) (f64x2.mul (local.get $hi) (local.get $hi))))
      (br_if $vectors (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 16))) (local.get $end))))
    (f64.add
      (f64.add (f64x2.extract_lane 0 (local.get $sumLo)) (f64x2.extract_lane 1 (local.get $sumLo)))
      (f64.add (f64x2.extract_lane 0 (local.get $sumHi)) (f64x2.extract_lane 1 (local.get $sumHi)))))

  ;; out (N) += the column sums of x (M, N) (byte addresses, M, N > 0): the bias gradient. Each
  ;; column is summed row after row in float32, the reference's order, so the two agree to the bit.
  ;; Four columns at a time, so out needs room for N rounded up to whole vectors and x as much
  ;; slack past its end (the extra lanes sum values of the next row; the caller never reads them).
  (func (export "sumRows") (param $out i32) (param $x i32) (param $M i32) (param $N i32)
    (local $stride i32) (local $end i32) (local $p i32) (local $rowsEnd i32) (local $sum v128)
    (local.set $stride (i32.shl (local.get $N) (i32.const 2)))
    (local.set $end (i32.add (local.get $out) (local.get $stride)))
    (local.set $rowsEnd (i32.add (local.get $x) (i32.mul (local.get $M) (local.get $stride))))
    (loop $columns
      (local.set $sum (v128.load (local.get $out)))
      (local.set $p (local.get $x))
      (loop $rows
        (local.set $sum (f32x4.add (local.get $sum) (v128.load (local.get $p))))
        (br_if $rows (i32.lt_u (local.tee $p (i32.add (local.get $p) (local.get $stride))) (local.get $rowsEnd))))
      (v128.store (local.get $out) (local.get $sum))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $rowsEnd (i32.add (local.get $rowsEnd) (i32.const 16)))
      (br_if $columns (i32.lt_u (local.tee $out (i32.add (local.get $out) (i32.const 16))) (local.get $end)))))

  ;; ReLU of n values in place (x a byte address, n > 0, room for whole vectors like momentum).
  ;; pmax(0, x) is 0 < x ? x : 0, the reference's definition to the bit, NaN included.
  (func (export "relu") (param $x i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (loop $vectors
      (v128.store (local.get $x) (f32x4.pmax (v128.const f32x4 0 0 0 0) (v128.load (local.get $x))))
      (br_if $vectors (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 16))) (local.get $end)))))

  ;; ReLU's backward pass over n values (byte addresses, n > 0, room for whole vectors):
  ;; dx += dout where the activation a > 0. A select rather than adding a masked 0, so dx is left
  ;; untouched elsewhere (-0 stays -0), as in the reference.
  (func (export "reluBackward") (param $dx i32) (param $dout i32) (param $a i32) (param $n i32)
    (local $end i32) (local $d v128)
    (local.set $end (i32.add (local.get $dx) (i32.shl (local.get $n) (i32.const 2))))
    (loop $vectors
      (local.set $d (v128.load (local.get $dx)))
      (v128.store (local.get $dx) (v128.bitselect
        (f32x4.add (local.get $d) (v128.load (local.get $dout)))
        (local.get $d)
        (f32x4.gt (v128.load (local.get $a)) (v128.const f32x4 0 0 0 0))))
      (local.set $dout (i32.add (local.get $dout) (i32.const 16)))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (br_if $vectors (i32.lt_u (local.tee $dx (i32.add (local.get $dx) (i32.const 16))) (local.get $end)))))
  ;; Inverted dropout over n values in place (byte addresses, n > 0, room for whole vectors):
  ;; x *= mask, the mask 0 or 1 / (1 - p). One rounding, as the reference's: the same bits.
  (func (export "dropout") (param $x i32) (param $mask i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (loop $vectors
      (v128.store (local.get $x) (f32x4.mul (v128.load (local.get $x)) (v128.load (local.get $mask))))
      (local.set $mask (i32.add (local.get $mask) (i32.const 16)))
      (br_if $vectors (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 16))) (local.get $end)))))

  ;; Dropout's backward pass over n values (as dropout's): dx += dout mask.
  (func (export "dropoutBackward") (param $dx i32) (param $dout i32) (param $mask i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dx) (i32.shl (local.get $n) (i32.const 2))))
    (loop $vectors
      (v128.store (local.get $dx) (f32x4.add (v128.load (local.get $dx))
        (f32x4.mul (v128.load (local.get $dout)) (v128.load (local.get $mask)))))
      (local.set $dout (i32.add (local.get $dout) (i32.const 16)))
      (local.set $mask (i32.add (local.get $mask) (i32.const 16)))
      (br_if $vectors (i32.lt_u (local.tee $dx (i32.add (local.get $dx) (i32.const 16))) (local.get $end)))))

  ;; Batch norm with the batch's statistics over B rows of a (B, ld) layout, ld a multiple of 4
  ;; (byte addresses; mean, rstd, gamma and beta with room for ld floats; B > 0): per column,
  ;; mean and rstd = 1 / sqrt(var + eps) written, each sum taken row after row in float32, then
  ;; out = gamma ((x - mean) rstd) + beta. out may be x. Four columns at a time; the padding
  ;; columns compute values the caller never reads.
  (func (export "batchNorm") (param $out i32) (param $mean i32) (param $rstd i32) (param $x i32)
    (param $gamma i32) (param $beta i32) (param $B i32) (param $ld i32) (param $eps f32)
    (local $stride i32) (local $off i32) (local $col i32) (local $rowsEnd i32) (local $p i32)
    (local $q i32) (local $base_q i32) (local $sum v128) (local $d v128) (local $m v128) (local $r v128)
    (local $g v128) (local $bt v128) (local $b4 v128)
    (local.set $stride (i32.shl (local.get $ld) (i32.const 2)))
    (local.set $base_q (local.get $out))
    (local.set $b4 (f32x4.splat (f32.convert_i32_u (local.get $B))))
    (loop $columns
      (local.set $col (i32.add (local.get $x) (local.get $off)))
      (local.set $rowsEnd (i32.add (local.get $col) (i32.mul (local.get $B) (local.get $stride))))
      (local.set $sum (v128.const f32x4 0 0 0 0))
      (local.set $p (local.get $col))
      (loop $rows
        (local.set $sum (f32x4.add (local.get $sum) (v128.load (local.get $p))))
        (br_if $rows (i32.lt_u (local.tee $p (i32.add (local.get $p) (local.get $stride))) (local.get $rowsEnd))))
      (local.set $m (f32x4.div (local.get $sum) (local.get $b4)))
      (v128.store (i32.add (local.get $mean) (local.get $off)) (local.get $m))
      (local.set $sum (v128.const f32x4 0 0 0 0))
      (local.set $p (local.get $col))
      (loop $rows
        (local.set $d (f32x4.sub (v128.load (local.get $p)) (local.get $m)))
        (local.set $sum (f32x4.add (local.get $sum) (f32x4.mul (local.get $d) (local.get $d))))
        (br_if $rows (i32.lt_u (local.tee $p (i32.add (local.get $p) (local.get $stride))) (local.get $rowsEnd))))
      (local.set $r (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.sqrt
        (f32x4.add (f32x4.div (local.get $sum) (local.get $b4)) (f32x4.splat (local.get $eps))))))
      (v128.store (i32.add (local.get $rstd) (local.get $off)) (local.get $r))
      (local.set $g (v128.load (i32.add (local.get $gamma) (local.get $off))))
      (local.set $bt (v128.load (i32.add (local.get $beta) (local.get $off))))
${applyRows('      ')}
      (br_if $columns (i32.lt_u (local.tee $off (i32.add (local.get $off) (i32.const 16))) (local.get $stride)))))

  ;; out = gamma ((x - mean) rstd) + beta with given statistics (evaluation's), laid out as batchNorm's.
  (func (export "batchNormApply") (param $out i32) (param $x i32) (param $mean i32) (param $rstd i32)
    (param $gamma i32) (param $beta i32) (param $B i32) (param $ld i32)
    (local $stride i32) (local $off i32) (local $col i32) (local $rowsEnd i32) (local $p i32)
    (local $q i32) (local $base_q i32) (local $m v128) (local $r v128) (local $g v128) (local $bt v128)
    (local.set $stride (i32.shl (local.get $ld) (i32.const 2)))
    (local.set $base_q (local.get $out))
    (loop $columns
      (local.set $col (i32.add (local.get $x) (local.get $off)))
      (local.set $rowsEnd (i32.add (local.get $col) (i32.mul (local.get $B) (local.get $stride))))
      (local.set $m (v128.load (i32.add (local.get $mean) (local.get $off))))
      (local.set $r (v128.load (i32.add (local.get $rstd) (local.get $off))))
      (local.set $g (v128.load (i32.add (local.get $gamma) (local.get $off))))
      (local.set $bt (v128.load (i32.add (local.get $beta) (local.get $off))))
${applyRows('      ')}
      (br_if $columns (i32.lt_u (local.tee $off (i32.add (local.get $off) (i32.const 16))) (local.get $stride)))))

  ;; Batch norm's backward pass, laid out as batchNorm's, xhat = (x - mean) rstd recomputed: per
  ;; column, sg = sum dout and sgx = sum dout xhat (row after row), dbeta += sg, dgamma += sgx,
  ;; then dx += rstd (dout gamma - gamma sg / B - xhat (gamma sgx / B)).
  (func (export "batchNormBackward") (param $dx i32) (param $dgamma i32) (param $dbeta i32)
    (param $dout i32) (param $x i32) (param $mean i32) (param $rstd i32) (param $gamma i32)
    (param $B i32) (param $ld i32)
    (local $stride i32) (local $off i32) (local $col i32) (local $rowsEnd i32) (local $p i32)
    (local $q i32) (local $base_q i32) (local $o i32) (local $base_o i32)
    (local $m v128) (local $r v128) (local $g v128) (local $sg v128) (local $sgx v128) (local $xh v128)
    (local $dy v128) (local $b4 v128) (local $a v128) (local $c v128)
    (local.set $stride (i32.shl (local.get $ld) (i32.const 2)))
    (local.set $base_q (local.get $dx))
    (local.set $base_o (local.get $dout))
    (local.set $b4 (f32x4.splat (f32.convert_i32_u (local.get $B))))
    (loop $columns
      (local.set $col (i32.add (local.get $x) (local.get $off)))
      (local.set $rowsEnd (i32.add (local.get $col) (i32.mul (local.get $B) (local.get $stride))))
      (local.set $m (v128.load (i32.add (local.get $mean) (local.get $off))))
      (local.set $r (v128.load (i32.add (local.get $rstd) (local.get $off))))
      (local.set $g (v128.load (i32.add (local.get $gamma) (local.get $off))))
      (local.set $sg (v128.const f32x4 0 0 0 0))
      (local.set $sgx (v128.const f32x4 0 0 0 0))
${eachRow(
  '      ',
  `(local.set $xh (f32x4.mul (f32x4.sub (v128.load (local.get $p)) (local.get $m)) (local.get $r)))
        (local.set $dy (v128.load (local.get $o)))
        (local.set $sg (f32x4.add (local.get $sg) (local.get $dy)))
        (local.set $sgx (f32x4.add (local.get $sgx) (f32x4.mul (local.get $dy) (local.get $xh))))`,
  ['$o'],
)}
      (local.set $q (i32.add (local.get $dbeta) (local.get $off)))
      (v128.store (local.get $q) (f32x4.add (v128.load (local.get $q)) (local.get $sg)))
      (local.set $q (i32.add (local.get $dgamma) (local.get $off)))
      (v128.store (local.get $q) (f32x4.add (v128.load (local.get $q)) (local.get $sgx)))
      (local.set $a (f32x4.div (f32x4.mul (local.get $g) (local.get $sg)) (local.get $b4)))
      (local.set $c (f32x4.div (f32x4.mul (local.get $g) (local.get $sgx)) (local.get $b4)))
${eachRow(
  '      ',
  `(local.set $xh (f32x4.mul (f32x4.sub (v128.load (local.get $p)) (local.get $m)) (local.get $r)))
        (v128.store (local.get $q) (f32x4.add (v128.load (local.get $q)) (f32x4.mul (local.get $r)
          (f32x4.sub (f32x4.sub (f32x4.mul (v128.load (local.get $o)) (local.get $g)) (local.get $a))
            (f32x4.mul (local.get $xh) (local.get $c))))))`,
  ['$q', '$o'],
)}
      (br_if $columns (i32.lt_u (local.tee $off (i32.add (local.get $off) (i32.const 16))) (local.get $stride)))))
)
`;
}
