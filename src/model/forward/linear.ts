/**
 * y = x · Wᵀ (+ b) over row-major x [rows, in] and a PyTorch-layout weight W [out, in]: both operands are read
 * along contiguous rows, four tokens by four outputs at a time (sixteen running sums in registers).
 */

export function linear(
  x: Float32Array,
  rows: number,
  inDim: number,
  w: Float32Array,
  outDim: number,
  bias: Float32Array | null = null,
  out: Float32Array = new Float32Array(rows * outDim),
): Float32Array {
  const rows4 = rows - (rows % 4);
  const outs4 = outDim - (outDim % 4);
  for (let r = 0; r < rows4; r += 4) {
    const x0 = r * inDim;
    const x1 = x0 + inDim;
    const x2 = x1 + inDim;
    const x3 = x2 + inDim;
    for (let o = 0; o < outs4; o += 4) {
      const w0 = o * inDim;
      const w1 = w0 + inDim;
      const w2 = w1 + inDim;
      const w3 = w2 + inDim;
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      let s20 = 0,
        s21 = 0,
        s22 = 0,
        s23 = 0,
        s30 = 0,
        s31 = 0,
        s32 = 0,
        s33 = 0;
      for (let k = 0; k < inDim; k++) {
        const a0 = x[x0 + k]!,
          a1 = x[x1 + k]!,
          a2 = x[x2 + k]!,
          a3 = x[x3 + k]!;
        const b0 = w[w0 + k]!,
          b1 = w[w1 + k]!,
          b2 = w[w2 + k]!,
          b3 = w[w3 + k]!;
        s00 += a0 * b0;
        s01 += a0 * b1;
        s02 += a0 * b2;
        s03 += a0 * b3;
        s10 += a1 * b0;
        s11 += a1 * b1;
        s12 += a1 * b2;
        s13 += a1 * b3;
        s20 += a2 * b0;
        s21 += a2 * b1;
        s22 += a2 * b2;
        s23 += a2 * b3;
        s30 += a3 * b0;
        s31 += a3 * b1;
        s32 += a3 * b2;
        s33 += a3 * b3;
      }
      const y0 = r * outDim + o;
      out[y0] = s00;
      out[y0 + 1] = s01;
      out[y0 + 2] = s02;
      out[y0 + 3] = s03;
      const y1 = y0 + outDim;
      out[y1] = s10;
      out[y1 + 1] = s11;
      out[y1 + 2] = s12;
      out[y1 + 3] = s13;
      const y2 = y1 + outDim;
      out[y2] = s20;
      out[y2 + 1] = s21;
      out[y2 + 2] = s22;
      out[y2 + 3] = s23;
      const y3 = y2 + outDim;
      out[y3] = s30;
      out[y3 + 1] = s31;
      out[y3 + 2] = s32;
      out[y3 + 3] = s33;
    }
    for (let o = outs4; o < outDim; o++) {
      for (let rr = r; rr < r + 4; rr++) out[rr * outDim + o] = dot(x, rr * inDim, w, o * inDim, inDim);
    }
  }
  for (let r = rows4; r < rows; r++) {
    for (let o = 0; o < outDim; o++) out[r * outDim + o] = dot(x, r * inDim, w, o * inDim, inDim);
  }
  if (bias) {
    for (let r = 0; r < rows; r++) {
      const base = r * outDim;
      for (let o = 0; o < outDim; o++) out[base + o] = Math.fround(out[base + o]! + bias[o]!);
    }
  }
  return out;
}

function dot(x: Float32Array, xi: number, w: Float32Array, wi: number, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += x[xi + k]! * w[wi + k]!;
  return s;
}
