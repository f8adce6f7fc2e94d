// The anchor CNN of the benchmarks (conv32-pool-conv64-pool-dense128-dense10, 3x3 'same' convs,
// 421,642 parameters), built from a given `layers` namespace so that bench/cnn-ab.ts can build it
// with another checkout's library.
import type { layers as Layers } from '../src/api.js';

/** The anchor CNN's layers, for 28x28x1 inputs. */
export function anchorCnnLayers(layers: typeof Layers) {
  return [
    layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
    layers.maxPooling2d(),
    layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
    layers.maxPooling2d(),
    layers.flatten(),
    layers.dense({ units: 128, activation: 'relu' }),
    layers.dense({ units: 10 }),
  ];
}
