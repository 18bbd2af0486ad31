/** Test helper: a tiny protobuf reader that lists the fields of a message (to check what the encoder wrote). */

export interface ProtoField {
  field: number;
  wire: number;
  /** varint value (as bigint), fixed32 bytes, or length-delimited bytes. */
  value: bigint | Uint8Array;
}

export function readFields(buf: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[pos++];
      if (b === undefined) throw new Error('truncated varint');
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const tag = Number(varint());
    const field = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 5) {
      out.push({ field, wire, value: buf.subarray(pos, pos + 4) });
      pos += 4;
    } else if (wire === 2) {
      const len = Number(varint());
      out.push({ field, wire, value: buf.subarray(pos, pos + len) });
      pos += len;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return out;
}

export const text = (f: ProtoField): string => new TextDecoder().decode(f.value as Uint8Array);

/** The fields with number `n`. */
export const fieldsOf = (buf: Uint8Array, n: number): ProtoField[] =>
  readFields(buf).filter((f) => f.field === n);

/** Signed value of a varint field (int64 two's complement). */
export const int64 = (f: ProtoField): number => Number(BigInt.asIntN(64, f.value as bigint));

/** The values of a packed repeated varint field. */
export function packedVarints(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[pos++]!;
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
    }
    out.push(Number(BigInt.asIntN(64, v)));
  }
  return out;
}
