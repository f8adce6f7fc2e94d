// One converter per layer class: a layer call (its config, weights and input values) as ONNX
// nodes. Window geometry (pads, strides, output sizes) comes from the same ops functions the
// layers use, so 'same' padding puts TensorFlow's extra pixel bottom/right here too.
import { conv2dGeometry, conv2dTransposeGeometry, depthwiseConv2dGeometry } from '../../ops/conv.js';
import { pool2dGeometry } from '../../ops/pool.js';
import { cropping2dGeometry, zeroPadding2dGeometry } from '../../ops/resize.js';
import { ValueError } from '../../core/errors.js';
import { applyActivation } from './activations.js';
import { float, permute, weight, type LayerCall, type Value } from './graph.js';
import { RECURRENT } from './recurrent.js';

const image = (c: LayerCall, name: string, nchw: boolean): Value => ({ name, shape: c.out, nchw });
const NHWC_TO_NCHW = [0, 3, 1, 2];

type ConvKind = 'Conv2D' | 'DepthwiseConv2D' | 'Conv2DTranspose';

/** Conv / ConvTranspose over the NCHW input; Keras kernels become ONNX's [out, in / group, kh, kw] (ConvTranspose: [in, out, kh, kw]). */
function conv(c: LayerCall, kind: ConvKind): Value {
  const { g, layer, config, inputs: [x] } = c;
  const kernel = c.w.kernel ?? c.w.depthwise_kernel!;
  const [kh, kw, a, b] = kernel.shape as [number, number, number, number];
  const options = { strides: (config.strides ?? 1) as number, padding: (config.padding ?? 'valid') as 'valid', dilationRate: (config.dilationRate ?? 1) as number };
  const geometry = kind === 'Conv2D' ? conv2dGeometry : kind === 'DepthwiseConv2D' ? depthwiseConv2dGeometry : conv2dTransposeGeometry;
  const s = geometry([1, ...x!.shape], kernel.shape, options, layer.name).struct;
  const attrs: Record<string, number | number[]> = {
    kernel_shape: [kh, kw], strides: [s.strideH, s.strideW], dilations: [s.dilationH, s.dilationW], pads: [s.padTop, s.padLeft, s.padBottom, s.padRight],
  };
  let w: string;
  if (kind === 'DepthwiseConv2D') {
    // [kh, kw, c, m] -> [c * m, 1, kh, kw]: output channel c * m + j, as Keras orders them.
    w = weight(c, 'depthwise_kernel', [a * b, 1, kh, kw], permute(kernel.data, kernel.shape, [2, 3, 0, 1]));
    attrs.group = a;
  } else {
    // HWIO -> OIHW; the transposed kernel [kh, kw, out, in] -> [in, out, kh, kw].
    w = weight(c, 'kernel', [b, a, kh, kw], permute(kernel.data, kernel.shape, [3, 2, 0, 1]));
  }
  if (kind === 'Conv2DTranspose') {
    // ONNX's size is stride (in - 1) + span - pads + output_padding; 'same' with a window
    // smaller than the stride leaves trailing cells that only the bias reaches.
    const extra = [0, 1].map((i) => {
      const span = (i === 0 ? s.dilationH * (kh - 1) : s.dilationW * (kw - 1)) + 1;
      const stride = i === 0 ? s.strideH : s.strideW;
      const pads = i === 0 ? s.padTop + s.padBottom : s.padLeft + s.padRight;
      return c.out[i]! - (stride * (x!.shape[i]! - 1) + span - pads);
    });
    if (extra.some((e) => e < 0)) throw new ValueError(`io.toOnnx: ${layer.name} (Conv2DTranspose): its output size cannot be expressed with ONNX ConvTranspose pads`);
    if (extra.some((e) => e > 0)) attrs.output_padding = extra;
  }
  const inputs = [g.nchw(x!), w];
  if (c.w.bias !== undefined) inputs.push(weight(c, 'bias'));
  const y = g.node(kind === 'Conv2DTranspose' ? 'ConvTranspose' : 'Conv', inputs, layer.name, attrs);
  return applyActivation(g, config.activation, image(c, y, true), layer.name);
}

function pool(c: LayerCall, op: 'MaxPool' | 'AveragePool'): Value {
  const { g, layer, config, inputs: [x] } = c;
  const options: Record<string, unknown> = { poolSize: config.poolSize ?? 2 };
  if (config.strides !== undefined) options.strides = config.strides;
  if (config.padding !== undefined) options.padding = config.padding;
  const s = pool2dGeometry([1, ...x!.shape], options, layer.name).struct;
  const attrs: Record<string, number | number[]> = { kernel_shape: [s.kH, s.kW], strides: [s.strideH, s.strideW], pads: [s.padTop, s.padLeft, s.padBottom, s.padRight] };
  if (op === 'AveragePool') attrs.count_include_pad = 0; // padded cells are not averaged in (TensorFlow)
  return image(c, g.node(op, [g.nchw(x!)], layer.name, attrs), true);
}

/** Mean or max over height and width, in whichever layout the input is. */
function globalPool(c: LayerCall, op: 'ReduceMean' | 'ReduceMax'): Value {
  const x = c.inputs[0]!;
  return { name: c.g.node(op, [x.name], c.layer.name, { axes: x.nchw ? [2, 3] : [1, 2], keepdims: 0 }), shape: c.out, nchw: false };
}

/** [top, bottom, left, right] of a border (padding or cropping) as [begin..., end...] over the 4 axes of x's layout. */
function borderPads(x: Value, [t, b, l, r]: readonly number[]): number[] {
  return x.nchw ? [0, 0, t!, l!, 0, 0, b!, r!] : [0, t!, l!, 0, 0, b!, r!, 0];
}

function batchNormalization(c: LayerCall): Value {
  const { g, layer, config, inputs: [x], w } = c;
  const channels = x!.shape[x!.shape.length - 1]!;
  const epsilon = (config.epsilon ?? 1e-3) as number;
  const gamma = w.gamma?.data ?? new Float32Array(channels).fill(1);
  const beta = w.beta?.data ?? new Float32Array(channels);
  if (x!.shape.length === 3 || x!.shape.length === 1) {
    // Channels on axis 1: NCHW images, or [batch, channels].
    const ins = [x!.shape.length === 3 ? g.nchw(x!) : x!.name, g.floats(`${layer.name}/gamma`, [channels], gamma), g.floats(`${layer.name}/beta`, [channels], beta), weight(c, 'moving_mean'), weight(c, 'moving_variance')];
    return image(c, g.node('BatchNormalization', ins, layer.name, { epsilon: float(epsilon) }), x!.shape.length === 3);
  }
  // Other ranks normalise the last axis: x * scale + shift with the statistics folded in.
  const mean = w.moving_mean!.data, variance = w.moving_variance!.data;
  const scale = gamma.map((v, i) => v / Math.sqrt(variance[i]! + epsilon));
  const shift = beta.map((v, i) => v - mean[i]! * scale[i]!);
  const y = g.node('Mul', [g.nhwc(x!), g.floats(`${layer.name}/folded_scale`, [channels], scale)], layer.name);
  return image(c, g.node('Add', [y, g.floats(`${layer.name}/folded_shift`, [channels], shift)], layer.name), false);
}

/** Layer classes with an ONNX form, by class name. */
export const CONVERTERS: Record<string, (c: LayerCall) => Value> = {
  Dense: (c) => {
    const { g, layer } = c;
    let y = g.node('MatMul', [g.nhwc(c.inputs[0]!), weight(c, 'kernel')], layer.name);
    if (c.w.bias !== undefined) y = g.node('Add', [y, weight(c, 'bias')], layer.name);
    return applyActivation(g, c.config.activation, image(c, y, false), layer.name);
  },
  Conv2D: (c) => conv(c, 'Conv2D'),
  DepthwiseConv2D: (c) => conv(c, 'DepthwiseConv2D'),
  Conv2DTranspose: (c) => conv(c, 'Conv2DTranspose'),
  MaxPooling2D: (c) => pool(c, 'MaxPool'),
  AveragePooling2D: (c) => pool(c, 'AveragePool'),
  GlobalAveragePooling2D: (c) => globalPool(c, 'ReduceMean'),
  GlobalMaxPooling2D: (c) => globalPool(c, 'ReduceMax'),
  UpSampling2D: (c) => {
    const x = c.inputs[0]!;
    const [sh, sw] = [c.out[0]! / x.shape[0]!, c.out[1]! / x.shape[1]!];
    const scales = x.nchw ? [1, 1, sh, sw] : [1, sh, sw, 1];
    const attrs = { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' };
    return image(c, c.g.node('Resize', [x.name, '', c.g.floats(`const/scales[${scales.join(',')}]`, [4], Float32Array.from(scales))], c.layer.name, attrs), x.nchw);
  },
  ZeroPadding2D: (c) => {
    const x = c.inputs[0]!;
    const border = zeroPadding2dGeometry([1, ...x.shape], { padding: (c.config.padding ?? 1) as number }, c.layer.name).padding;
    return image(c, c.g.node('Pad', [x.name, c.g.ints(borderPads(x, border))], c.layer.name, { mode: 'constant' }), x.nchw);
  },
  Cropping2D: (c) => {
    const x = c.inputs[0]!;
    const [t, b, l, r] = cropping2dGeometry([1, ...x.shape], { cropping: (c.config.cropping ?? 0) as number }, c.layer.name).padding;
    const [h, w] = x.shape as [number, number];
    const ins = [x.name, c.g.ints([t, l]), c.g.ints([h - b, w - r]), c.g.ints(x.nchw ? [2, 3] : [1, 2])];
    return image(c, c.g.node('Slice', ins, c.layer.name), x.nchw);
  },
  BatchNormalization: batchNormalization,
  LayerNormalization: (c) => {
    const { g, layer, w } = c;
    const x = c.inputs[0]!;
    const channels = x.shape[x.shape.length - 1]!;
    const scale = w.gamma === undefined ? g.floats(`${layer.name}/gamma`, [channels], new Float32Array(channels).fill(1)) : weight(c, 'gamma');
    const bias = w.beta === undefined ? g.floats(`${layer.name}/beta`, [channels], new Float32Array(channels)) : weight(c, 'beta');
    return image(c, g.node('LayerNormalization', [g.nhwc(x), scale, bias], layer.name, { axis: -1, epsilon: float((c.config.epsilon ?? 1e-3) as number) }), false);
  },
  Activation: (c) => applyActivation(c.g, c.config.activation, c.inputs[0]!, c.layer.name),
  PReLU: (c) => image(c, c.g.node('PRelu', [c.g.nhwc(c.inputs[0]!), weight(c, 'alpha')], c.layer.name), false),
  Add: (c) => {
    const nchw = c.inputs.every((v) => v.nchw);
    return image(c, c.g.node('Sum', c.inputs.map((v) => (nchw ? v.name : c.g.nhwc(v))), c.layer.name), nchw);
  },
  Concatenate: (c) => {
    const rank = c.out.length + 1;
    const axis = (c.config.axis ?? -1) as number;
    const nhwcAxis = axis < 0 ? axis + rank : axis;
    const nchw = c.inputs.every((v) => v.nchw);
    const names = c.inputs.map((v) => (nchw ? v.name : c.g.nhwc(v)));
    return image(c, c.g.node('Concat', names, c.layer.name, { axis: nchw ? NHWC_TO_NCHW.indexOf(nhwcAxis) : nhwcAxis }), nchw);
  },
  // Flatten and Reshape read tensorlane's memory order, NHWC.
  Flatten: (c) => image(c, c.g.node('Flatten', [c.g.nhwc(c.inputs[0]!)], c.layer.name, { axis: 1 }), false),
  Reshape: (c) => image(c, c.g.node('Reshape', [c.g.nhwc(c.inputs[0]!), c.g.ints([0, ...c.out])], c.layer.name), false),
  // Training-only layers are the identity in inference.
  Dropout: (c) => c.inputs[0]!,
  GaussianNoise: (c) => c.inputs[0]!,
  ...RECURRENT,
};
