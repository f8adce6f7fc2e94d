// Activations as ONNX nodes: one op where ONNX has it (opset 17), a short composition where it
// does not (gelu through Erf, swish as x * sigmoid(x), mish, step). Elementwise activations keep
// the layout of their input; softmax and logSoftmax work on the last axis, so they read NHWC.
import { ValueError } from '../../core/errors.js';
import { resolveActivation, type ActivationName, type ActivationSpec } from '../../ops/activation.js';
import { float, type OnnxGraph, type Value } from './graph.js';
import { DataType } from './schema.js';

// assembly/activation.ts's constants.
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

type Emit = (op: string, inputs: string[], attrs?: Parameters<OnnxGraph['node']>[3]) => string;

/** Each activation as nodes over the input named x (`n` adds a node, `c` names a float constant). */
const ACTIVATIONS: Record<Exclude<ActivationName, 'linear'>, (x: string, n: Emit, c: (v: number) => string, alpha: number) => string> = {
  sigmoid: (x, n) => n('Sigmoid', [x]),
  tanh: (x, n) => n('Tanh', [x]),
  relu: (x, n) => n('Relu', [x]),
  softplus: (x, n) => n('Softplus', [x]),
  softsign: (x, n) => n('Softsign', [x]),
  softmax: (x, n) => n('Softmax', [x], { axis: -1 }),
  logSoftmax: (x, n) => n('LogSoftmax', [x], { axis: -1 }),
  hardSigmoid: (x, n) => n('HardSigmoid', [x], { alpha: float(0.2), beta: float(0.5) }),
  relu6: (x, n, c) => n('Clip', [x, c(0), c(6)]),
  leakyRelu: (x, n, _c, alpha) => n('LeakyRelu', [x], { alpha: float(alpha) }),
  elu: (x, n, _c, alpha) => n('Elu', [x], { alpha: float(alpha) }),
  selu: (x, n) => n('Selu', [x], { alpha: float(SELU_ALPHA), gamma: float(SELU_SCALE) }),
  step: (x, n, c) => n('Cast', [n('Greater', [x, c(0)])], { to: DataType.FLOAT }),
  swish: (x, n) => n('Mul', [x, n('Sigmoid', [x])]),
  silu: (x, n) => n('Mul', [x, n('Sigmoid', [x])]),
  mish: (x, n) => n('Mul', [x, n('Tanh', [n('Softplus', [x])])]),
  // x (1 + erf(x / sqrt 2)) / 2
  gelu: (x, n, c) => n('Mul', [n('Mul', [x, c(0.5)]), n('Add', [n('Erf', [n('Div', [x, c(Math.SQRT2)])]), c(1)])]),
  // x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))) / 2
  geluTanh: (x, n, c) => {
    const inner = n('Add', [x, n('Mul', [n('Mul', [n('Mul', [x, x]), x]), c(0.044715)])]);
    return n('Mul', [n('Mul', [x, c(0.5)]), n('Add', [n('Tanh', [n('Mul', [inner, c(Math.sqrt(2 / Math.PI))])]), c(1)])]);
  },
};

/** The activation spec of a layer's `activation` option (undefined, null and 'linear' mean none). */
export function activationSpec(option: unknown, who: string): ActivationSpec | undefined {
  if (option === undefined || option === null || option === 'linear') return undefined;
  try {
    const spec = resolveActivation(option as ActivationSpec);
    return spec.name === 'linear' ? undefined : spec;
  } catch (err) {
    throw new ValueError(`io.toOnnx: ${who}: ${(err as Error).message}`);
  }
}

/** `option` (a layer's activation) applied to v; v itself when it is linear. */
export function applyActivation(g: OnnxGraph, option: unknown, v: Value, base: string): Value {
  const spec = activationSpec(option, base);
  if (spec === undefined) return v;
  const rows = spec.name === 'softmax' || spec.name === 'logSoftmax';
  const x = rows ? g.nhwc(v) : v.name;
  const emit: Emit = (op, inputs, attrs) => g.node(op, inputs, base, attrs);
  const name = ACTIVATIONS[spec.name as Exclude<ActivationName, 'linear'>](x, emit, (c) => g.scalar(c), spec.alpha ?? 0);
  return { name, shape: v.shape, nchw: rows ? false : v.nchw };
}
