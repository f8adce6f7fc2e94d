// The part of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto) that an inference export
// writes, as a protobufjs JSON descriptor (`Root.fromJSON`, so no .proto parser is needed).
// Field numbers are onnx.proto's; field names are camelCase (protobufjs's convention; the wire
// format only carries the numbers). Enums are written as int32 (same varint on the wire). Only
// the fields the exporter writes are declared; tensor data always goes to raw_data.
const str = (id: number) => ({ type: 'string', id });
const i64 = (id: number) => ({ type: 'int64', id });
const i32 = (id: number) => ({ type: 'int32', id });
const many = (type: string, id: number) => ({ rule: 'repeated', type, id });

/** The ONNX messages as a protobufjs JSON descriptor; the root type is `onnx.ModelProto`. */
export const ONNX_SCHEMA = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: i64(1), producerName: str(2), graph: { type: 'GraphProto', id: 7 }, opsetImport: many('OperatorSetIdProto', 8),
          },
        },
        OperatorSetIdProto: { fields: { domain: str(1), version: i64(2) } },
        GraphProto: {
          fields: {
            node: many('NodeProto', 1), name: str(2), initializer: many('TensorProto', 5),
            input: many('ValueInfoProto', 11), output: many('ValueInfoProto', 12),
          },
        },
        NodeProto: {
          fields: {
            input: many('string', 1), output: many('string', 2), name: str(3), opType: str(4), attribute: many('AttributeProto', 5),
          },
        },
        AttributeProto: {
          fields: {
            name: str(1), f: { type: 'float', id: 2 }, i: i64(3), s: { type: 'bytes', id: 4 },
            floats: many('float', 7), ints: many('int64', 8), strings: many('bytes', 9), type: i32(20),
          },
        },
        TensorProto: {
          fields: {
            dims: many('int64', 1), dataType: i32(2), name: str(8), rawData: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: { fields: { name: str(1), type: { type: 'TypeProto', id: 2 } } },
        TypeProto: {
          fields: { tensorType: { type: 'Tensor', id: 1 } },
          nested: { Tensor: { fields: { elemType: i32(1), shape: { type: 'TensorShapeProto', id: 2 } } } },
        },
        TensorShapeProto: {
          fields: { dim: many('Dimension', 1) },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: { dimValue: i64(1), dimParam: str(2) },
            },
          },
        },
      },
    },
  },
};

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;
