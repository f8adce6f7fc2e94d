// A small ONNX (protobuf) writer for single-graph benchmark models: enough of onnx.proto to
// describe nodes with attributes, float initializers, and typed graph inputs/outputs. Field
// numbers are onnx.proto's (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
// ValueInfoProto, TypeProto, TensorShapeProto).
//
//   const bytes = encodeModel({
//     nodes: [{ op: 'Gemm', inputs: ['A', 'B'], outputs: ['Y'], attributes: { transA: 1 } }],
//     inputs: [{ name: 'A', shape: [784, 64] }, { name: 'B', shape: [784, 128] }],
//     outputs: [{ name: 'Y', shape: [64, 128] }],
//   });

/** An attribute value: int, float, string, int list, float list (number[] is INTS unless `floats`). */
export type AttributeValue = number | string | number[] | { floats: number[] } | { float: number };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  /** Integers are INT attributes (`{ float: x }` for FLOAT); arrays are INTS (`{ floats }` for FLOATS). */
  attributes?: Record<string, AttributeValue>;
}

export interface OnnxValue {
  name: string;
  /** Dimensions; a string is a symbolic dimension (e.g. 'batch'). */
  shape: Array<number | string>;
}

export interface OnnxInitializer {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface OnnxModel {
  nodes: OnnxNode[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  initializers?: OnnxInitializer[];
  /** Default opset 17 of the default domain. */
  opset?: number;
}

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

/** Protobuf wire encoding into a growable byte list. */
class Writer {
  private bytes: number[] = [];

  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
    return this;
  }

  private tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }

  int(field: number, value: number): this {
    return this.tag(field, 0).varint(value);
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(new Float32Array([value]).buffer);
    this.bytes.push(...b);
    return this;
  }

  raw(field: number, data: Uint8Array): this {
    this.tag(field, 2).varint(data.length);
    for (let i = 0; i < data.length; i++) this.bytes.push(data[i]!);
    return this;
  }

  string(field: number, value: string): this {
    return this.raw(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.raw(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function attribute(w: Writer, name: string, value: AttributeValue): void {
  w.string(1, name);
  if (typeof value === 'number') {
    w.int(3, value).int(20, ATTR.INT);
  } else if (typeof value === 'string') {
    w.string(4, value).int(20, ATTR.STRING);
  } else if (Array.isArray(value)) {
    for (const v of value) w.int(8, v);
    w.int(20, ATTR.INTS);
  } else if ('floats' in value) {
    for (const v of value.floats) w.float(7, v);
    w.int(20, ATTR.FLOATS);
  } else {
    w.float(2, value.float).int(20, ATTR.FLOAT);
  }
}

function valueInfo(w: Writer, v: OnnxValue): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, FLOAT);
      tensor.message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

function initializer(w: Writer, t: OnnxInitializer): void {
  if (t.data.length !== t.shape.reduce((a, b) => a * b, 1)) {
    throw new Error(`onnx: initializer ${t.name} has ${t.data.length} values for shape [${t.shape}]`);
  }
  for (const d of t.shape) w.int(1, d);
  w.int(2, FLOAT);
  w.string(8, t.name);
  w.raw(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

/** Encodes a one-graph ONNX model (IR version 8) as the bytes an ONNX runtime loads. */
export function encodeModel(model: OnnxModel): Uint8Array {
  const w = new Writer();
  w.int(1, 8); // ir_version
  w.string(2, 'tensorlane-bench');
  w.message(7, (g) => {
    model.nodes.forEach((node, i) => {
      g.message(1, (n) => {
        for (const input of node.inputs) n.string(1, input);
        for (const output of node.outputs) n.string(2, output);
        n.string(3, node.name ?? `${node.op.toLowerCase()}_${i}`);
        n.string(4, node.op);
        for (const [name, value] of Object.entries(node.attributes ?? {})) n.message(5, (a) => attribute(a, name, value));
      });
    });
    g.string(2, 'bench');
    for (const t of model.initializers ?? []) g.message(5, (tw) => initializer(tw, t));
    for (const v of model.inputs) g.message(11, (vw) => valueInfo(vw, v));
    for (const v of model.outputs) g.message(12, (vw) => valueInfo(vw, v));
  });
  w.message(8, (o) => o.string(1, '').int(2, model.opset ?? 17));
  return w.finish();
}
