// The step body shared by the convolution layers (Conv2D and its kin, Conv1D on a 4-D view):
// fills one pointer object per layer (the conv ops read it synchronously; nothing allocated per
// step) and runs the forward, or the filter, bias and input gradients.
import { convBackwardBiasPtr, convBackwardFilterPtr, convBackwardInputPtr, convForwardPtr, type ConvForwardCall, type ConvGeometry } from '../ops/conv.js';
import type { NodeIO } from './node-io.js';

/** One layer's conv calls, with ReLU fused into the forward's epilogue when `relu` is true. */
export class ConvStep {
  private readonly call: ConvForwardCall & { dx: number; dy: number; dw: number; db: number } = {
    y: 0, x: 0, w: 0, bias: 0, activation: 'linear', dx: 0, dy: 0, dw: 0, db: 0,
  };

  /** z = conv(x, kernel) + bias (then relu when fused). */
  forward(g: ConvGeometry, io: NodeIO, kernel: number, bias: number, relu: boolean): void {
    const c = this.call;
    c.y = io.z;
    c.x = io.inputs[0]!.ptr;
    c.w = kernel;
    c.bias = bias;
    c.activation = relu ? 'relu' : 'linear';
    convForwardPtr(g, c);
  }

  /** The gradients the plan asks for (a zero pointer: not wanted), accumulated into their buffers. */
  backward(g: ConvGeometry, io: NodeIO, kernel: number): void {
    const x = io.inputs[0]!;
    const c = this.call;
    c.x = x.ptr;
    c.w = kernel;
    c.dy = io.dz;
    c.dx = x.grad;
    c.dw = io.weightGrads[0] ?? 0;
    c.db = io.weightGrads[1] ?? 0;
    // The bias gradient rides in the filter-gradient pass when both are wanted.
    if (c.dw !== 0) convBackwardFilterPtr(g, c);
    else if (c.db !== 0) convBackwardBiasPtr(g, c);
    if (c.dx !== 0) convBackwardInputPtr(g, c);
  }
}
