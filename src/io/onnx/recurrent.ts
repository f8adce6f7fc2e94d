// simpleRnn, gru and lstm as ONNX's RNN, GRU and LSTM ops (forward, zero initial state).
// Keras stores kernel [features, gates * units] with gates LSTM i, f, c, o and GRU z, r, h;
// ONNX wants W [1, gates * units, features] with LSTM gates i, o, f, c and GRU z, r, h, and
// B = [input biases, recurrent biases]. Keras's GRU with resetAfter (the reset gate applied to
// h·U + b_rec) is ONNX's linear_before_reset = 1. ONNX runs time-major ([time, batch, features];
// onnxruntime refuses layout = 1), so the input is transposed in and the output back.
import { ValueError } from '../../core/errors.js';
import { resolveActivation, type ActivationSpec } from '../../ops/activation.js';
import { permute, type LayerCall, type Value } from './graph.js';

/** ONNX's recurrent activation for each tensorlane activation that has one, with its alpha and beta. */
const RECURRENT_ACTIVATIONS: Record<string, (alpha: number) => [string, number?, number?]> = {
  sigmoid: () => ['Sigmoid'],
  tanh: () => ['Tanh'],
  relu: () => ['Relu'],
  softsign: () => ['Softsign'],
  softplus: () => ['Softplus'],
  linear: () => ['Affine', 1, 0],
  hardSigmoid: () => ['HardSigmoid', 0.2, 0.5],
  leakyRelu: (alpha) => ['LeakyRelu', alpha],
  elu: (alpha) => ['Elu', alpha],
};

function recurrentActivation(c: LayerCall, option: unknown): [string, number?, number?] {
  let spec: ActivationSpec;
  try {
    spec = resolveActivation((option ?? 'tanh') as ActivationSpec);
  } catch (err) {
    throw new ValueError(`io.toOnnx: ${c.layer.name}: ${(err as Error).message}`);
  }
  const make = RECURRENT_ACTIVATIONS[spec.name];
  if (make === undefined) {
    throw new ValueError(
      `io.toOnnx: ${c.layer.name} (${c.layer.className}): activation '${spec.name}' has no equivalent in ONNX's recurrent ops, which take ${Object.keys(RECURRENT_ACTIVATIONS).join(', ')}`,
    );
  }
  return make(spec.alpha ?? 0);
}

/** A Keras [rows, gates * units] matrix as ONNX's [gates * units, rows], gate blocks in ONNX order (`order[s]` = Keras gate of ONNX slot s). */
function gateMatrix(data: Float32Array, rows: number, units: number, order: readonly number[]): Float32Array {
  const t = permute(data, [rows, order.length * units], [1, 0]);
  const out = new Float32Array(t.length);
  const block = units * rows;
  order.forEach((k, s) => out.set(t.subarray(k * block, (k + 1) * block), s * block));
  return out;
}

function recurrent(c: LayerCall, op: 'RNN' | 'GRU' | 'LSTM', order: readonly number[]): Value {
  const { g, layer, config, w } = c;
  // Options the export does not map refuse rather than export a different model.
  const unsupported = config.goBackwards === true ? 'goBackwards is' : config.returnState === true ? 'returnState is' : config.stateful === true ? 'stateful is' : c.inputs.length > 1 ? 'initial-state inputs are' : undefined;
  if (unsupported !== undefined) throw new ValueError(`io.toOnnx: ${layer.name} (${layer.className}): ${unsupported} not exported (the ONNX graph runs forward from a zero state)`);
  const x = c.inputs[0]!;
  const features = x.shape[1]!;
  const units = config.units as number;
  const gu = order.length * units;
  const W = g.floats(`${layer.name}/kernel`, [1, gu, features], gateMatrix(w.kernel!.data, features, units, order));
  const R = g.floats(`${layer.name}/recurrent_kernel`, [1, gu, units], gateMatrix(w.recurrent_kernel!.data, units, units, order));
  const bias = new Float32Array(2 * gu); // [input biases, recurrent biases]; GRU's Keras bias has both rows
  const kerasBias = w.bias?.data ?? new Float32Array(0);
  for (let row = 0; row * gu < kerasBias.length; row++) {
    order.forEach((k, s) => bias.set(kerasBias.subarray(row * gu + k * units, row * gu + (k + 1) * units), row * gu + s * units));
  }
  const B = g.floats(`${layer.name}/bias`, [1, 2 * gu], bias);
  // f (gates) then g, h (candidate, output) for LSTM; f, g for GRU; f for RNN.
  const act = recurrentActivation(c, config.activation);
  const functions = op === 'RNN' ? [act] : op === 'GRU' ? [recurrentActivation(c, config.recurrentActivation ?? 'sigmoid'), act] : [recurrentActivation(c, config.recurrentActivation ?? 'sigmoid'), act, act];
  const attrs: Parameters<typeof g.op>[3] = { hidden_size: units, activations: { strings: functions.map((f) => f[0]) } };
  const alphas = functions.flatMap((f) => (f[1] === undefined ? [] : [f[1]]));
  const betas = functions.flatMap((f) => (f[2] === undefined ? [] : [f[2]]));
  if (alphas.length > 0) attrs.activation_alpha = { floats: alphas };
  if (betas.length > 0) attrs.activation_beta = { floats: betas };
  // resetAfter (default) is ONNX's linear_before_reset; resetAfter false is ONNX's default GRU with Rb = 0.
  if (op === 'GRU') attrs.linear_before_reset = config.resetAfter === false ? 0 : 1;
  const timeMajor = g.node('Transpose', [x.name], layer.name, { perm: [1, 0, 2] });
  if (config.returnSequences === true) {
    const [y] = g.op(op, [timeMajor, W, R, B], layer.name, attrs, ['Y']); // [time, 1, batch, units]
    const squeezed = g.node('Squeeze', [y!, g.ints([1])], layer.name);
    return { name: g.node('Transpose', [squeezed], layer.name, { perm: [1, 0, 2] }), shape: c.out, nchw: false };
  }
  const [, last] = g.op(op, [timeMajor, W, R, B], layer.name, attrs, [false, 'Y_h']); // [1, batch, units]
  return { name: g.node('Squeeze', [last!, g.ints([0])], layer.name), shape: c.out, nchw: false };
}

/** The recurrent converters, by layer class. */
export const RECURRENT: Record<string, (c: LayerCall) => Value> = {
  SimpleRNN: (c) => recurrent(c, 'RNN', [0]),
  GRU: (c) => recurrent(c, 'GRU', [0, 1, 2]),
  LSTM: (c) => recurrent(c, 'LSTM', [0, 3, 1, 2]),
};
