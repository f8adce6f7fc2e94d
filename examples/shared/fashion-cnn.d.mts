// Types of fashion-cnn.mjs for the TypeScript examples (examples/deno/train.ts).
import type * as tensorlane from 'tensorlane';

type Tl = typeof tensorlane;

export interface FashionCnnOptions {
  seed?: number;
  filters?: readonly [number, number];
  name?: string;
}

export declare function fashionCnn(tl: Pick<Tl, 'Sequential' | 'layers'>, options?: FashionCnnOptions): tensorlane.Sequential;
export declare function compileFashionCnn(tl: Pick<Tl, 'optimizers' | 'losses'>, model: tensorlane.Sequential, learningRate?: number): tensorlane.Sequential;
export declare function firstRows(tl: Pick<Tl, 'tensor'>, t: tensorlane.Tensor, n: number): tensorlane.Tensor;
