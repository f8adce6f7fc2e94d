// Windowed layers (convolution, pooling, resizing) keep one geometry struct per batch size (the
// full batch and the last partial one), written to wasm memory once and reused every step.

/** What the cache needs from a geometry: a way to free its wasm struct. */
export interface Releasable {
  release(): void;
}

/** Geometry per batch size, made on first use. */
export class GeometryCache<G extends Releasable> {
  private readonly byBatch = new Map<number, G>();
  constructor(private readonly make: (batch: number) => G) {}

  get(batch: number): G {
    let g = this.byBatch.get(batch);
    if (g === undefined) {
      g = this.make(batch);
      this.byBatch.set(batch, g);
    }
    return g;
  }

  /** Frees every struct (the cache stays usable). */
  release(): void {
    releaseAll(this.byBatch);
  }

  /** A handle that frees the structs without referencing whoever owns the cache (for finalizers). */
  disposer(): Releasable {
    const map = this.byBatch;
    return { release: () => releaseAll(map) };
  }
}

function releaseAll<G extends Releasable>(map: Map<number, G>): void {
  for (const g of map.values()) g.release();
  map.clear();
}
