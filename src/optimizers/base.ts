// What every optimizer shares: parameter registration with lazily allocated slots in wasm
// memory, the learning rate (a number or a schedule evaluated at `iterations`), gradient
// clipping before the update, and state save/restore. Subclasses only name their slots and call
// their fused kernel once per parameter buffer.
import { ValueError, checkOptions } from '../core/errors.js';
import { isInitialized } from '../backend/wasm.js';
import { heap, onCollect, readF32, writeF32, type Heap } from '../backend/memory.js';
import { weightsChanged } from '../backend/weights-version.js';
import { deserialize, isSerialized, serialize, type LearningRate, type LearningRateFn } from '../schedules.js';
import { fill } from '../kernels/memory.js';
import { clipScale, sumSquares } from '../kernels/optim.js';
import { allocStruct, freeStructs } from '../kernels/structs.js';
import { checkFloats } from '../kernels/bounds.js';
import type { Optimizer, OptimizerState, ParamRef } from './optimizer.js';

/** Options every optimizer accepts. At most one of the three clipping options may be set. */
export interface OptimizerOptions {
  /** A number, a schedule from `schedules.*`, or a function of the step (`iterations`). */
  learningRate?: LearningRate;
  /** Clamp every gradient element to [-clipValue, clipValue] (torch.nn.utils.clip_grad_value_). */
  clipValue?: number;
  /** Rescale each gradient tensor whose L2 norm exceeds clipNorm (clip_grad_norm_ per tensor). */
  clipNorm?: number;
  /** Rescale all gradients together when their joint L2 norm exceeds it (clip_grad_norm_ on all). */
  globalClipNorm?: number;
}

/** One registered parameter: its buffers, its slots (byte offsets, in `slotNames` order), its steps. */
export interface ParamEntry {
  ref: ParamRef;
  readonly slots: number[];
  /** Updates applied to this parameter (torch's per-parameter `state['step']`). */
  steps: number;
  /** A per-parameter scalar some optimizers keep (NAdam's product of momentum factors). */
  aux: number;
  /** Byte offset of the parameter's call struct for optimizers whose kernel takes one (Adam), else 0. */
  binding: number;
}

/** A number that must be finite and within bounds; returns it. */
export function checkOption(who: string, name: string, value: unknown, min: number, max = Infinity, minOpen = false, maxOpen = false): number {
  const ok =
    typeof value === 'number' && Number.isFinite(value) &&
    (minOpen ? value > min : value >= min) && (maxOpen ? value < max : value <= max);
  if (!ok) {
    const lo = `${minOpen ? '(' : '['}${min}`;
    const hi = `${max}${maxOpen ? ')' : ']'}`;
    throw new ValueError(`${who}: ${name} must be a finite number in ${lo}, ${hi}, got ${String(value)}`);
  }
  return value;
}

/** Throws when `options` has keys outside `allowed`, naming the valid ones. */
export function checkKeys(who: string, options: object, allowed: readonly string[]): void {
  checkOptions(who, options);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new ValueError(`${who}: unknown option '${key}'; valid options are ${allowed.join(', ')}`);
  }
}

const CLIP_KEYS = ['clipValue', 'clipNorm', 'globalClipNorm'] as const;
/** The option names of OptimizerOptions, for subclasses' `checkKeys`. */
export const BASE_KEYS = ['learningRate', ...CLIP_KEYS] as const;

/** The clipping an optimizer applies (at most one kind). */
const enum ClipMode {
  None = 0,
  Value = 1,
  Norm = 2,
  GlobalNorm = 3,
}

/** torch.nn.utils.clip_grad_norm_ adds this to the norm before dividing. */
const CLIP_NORM_EPS = 1e-6;

/** The wasm blocks an optimizer's slots occupy, its kernel structs, and the heap they came from. */
export interface SlotBlocks {
  heap: Heap | undefined;
  readonly ptrs: number[];
  /** Records of the kernel-struct pool (hyperparameters, bindings). */
  readonly structs: number[];
}

/**
 * Frees slot blocks (what `onCollect` runs when an optimizer is garbage-collected, since
 * users never call dispose). Blocks of a heap that a later `init` replaced are left alone.
 */
export function releaseSlots(blocks: SlotBlocks): void {
  if (blocks.heap !== undefined && isInitialized() && blocks.heap === heap()) {
    for (const ptr of blocks.ptrs) blocks.heap.free(ptr);
    freeStructs(blocks.heap, blocks.structs);
  }
  blocks.ptrs.length = 0;
  blocks.structs.length = 0;
}


/** Splits a learning-rate option into a constant or a function of the step; validates. */
function resolveLearningRate(who: string, lr: unknown): { fn: LearningRateFn | undefined; value: number } {
  if (typeof lr === 'number') {
    if (!(Number.isFinite(lr) && lr >= 0)) throw new ValueError(`${who}: learningRate must be a finite number >= 0 or a schedule, got ${lr}`);
    return { fn: undefined, value: lr };
  }
  if (typeof lr === 'function') return { fn: lr as LearningRateFn, value: NaN };
  if (isSerialized(lr)) return { fn: deserialize(lr), value: NaN };
  throw new ValueError(`${who}: learningRate must be a number, a schedule or a function (step) => number, got ${String(lr)}`);
}

/** The shared machinery of every optimizer; subclasses implement `slotNames` and `update`. */
export abstract class BaseOptimizer implements Optimizer {
  abstract readonly name: string;
  private lrValue: number;
  private readonly lrFn: LearningRateFn | undefined;
  private readonly lrConfig: unknown;
  private iterationCount = 0;
  private readonly entries = new Map<string, ParamEntry>();
  private active: ParamEntry[] = [];
  private readonly clip: { value: number; norm: number; globalNorm: number };
  /**
   * Which clipping `step()` applies (a small integer, so the hot path reads no double field: a
   * double-valued field like `Infinity` is boxed on every load by V8's unoptimised tiers) and its
   * limit (read only when clipping).
   */
  private readonly clipMode: ClipMode;
  private readonly clipLimit: number;
  /** Slot blocks, freed when this optimizer is garbage-collected. */
  protected readonly blocks: SlotBlocks = { heap: undefined, ptrs: [], structs: [] };

  protected constructor(protected readonly who: string, options: OptimizerOptions, defaultLearningRate: number) {
    const { fn, value } = resolveLearningRate(who, options.learningRate ?? defaultLearningRate);
    this.lrFn = fn;
    this.lrValue = value;
    this.lrConfig = fn === undefined ? value : serialize(options.learningRate!);
    const set = CLIP_KEYS.filter((key) => options[key] !== undefined);
    if (set.length > 1) throw new ValueError(`${who}: only one of clipValue, clipNorm and globalClipNorm may be set, got ${set.join(' and ')}`);
    this.clip = {
      value: options.clipValue === undefined ? Infinity : checkOption(who, 'clipValue', options.clipValue, 0, Infinity, true),
      norm: options.clipNorm === undefined ? Infinity : checkOption(who, 'clipNorm', options.clipNorm, 0, Infinity, true),
      globalNorm: options.globalClipNorm === undefined ? Infinity : checkOption(who, 'globalClipNorm', options.globalClipNorm, 0, Infinity, true),
    };
    const clip = this.clip;
    this.clipMode = clip.globalNorm !== Infinity ? ClipMode.GlobalNorm : clip.norm !== Infinity ? ClipMode.Norm : clip.value !== Infinity ? ClipMode.Value : ClipMode.None;
    this.clipLimit = [0, clip.value, clip.norm, clip.globalNorm][this.clipMode]!;
  }

  /** Names of the slots each parameter gets, in the order `update` reads `entry.slots`. */
  protected abstract slotNames(): readonly string[];
  /** Value a new slot starts with (0 unless overridden, e.g. Adagrad's initialAccumulatorValue). */
  protected slotInitialValue(_slot: string): number {
    return 0;
  }
  /** Applies one update to one parameter with learning rate `lr`; `entry.steps` counts prior updates. */
  protected abstract update(entry: ParamEntry, lr: number): void;
  /** Bytes of this optimizer's hyperparameter struct in wasm memory; 0 (the default) for none. */
  protected hyperBytes(): number {
    return 0;
  }
  /** Writes the hyperparameter struct at `ptr` (called once, when the first parameters are built). */
  protected writeHyper(_ptr: number): void {}
  /** Byte offset of the hyperparameter struct (0 until built, or when there is none). */
  protected hyper = 0;
  /** Called by `build` for every parameter it (re)registers: where a per-parameter call struct is written. */
  protected bind(_entry: ParamEntry): void {}
  /** Recomputes `entry.aux` after `setState` set `entry.steps` (default: nothing kept). */
  protected restoreAux(_entry: ParamEntry): void {}
  /** The optimizer-specific options, defaults filled in (getConfig adds the shared ones). */
  protected abstract ownConfig(): Record<string, unknown>;

  /** The learning rate of the next step: the schedule's value at `iterations`, or the set number. */
  get learningRate(): number {
    return this.lrFn === undefined ? this.lrValue : this.lrFn(this.iterationCount);
  }

  /** Sets a constant learning rate; an optimizer built with a schedule refuses (as Keras does). */
  set learningRate(value: number) {
    if (this.lrFn !== undefined) {
      throw new ValueError(`${this.who}: the learning rate comes from a schedule and cannot be set; build the optimizer with a number to change it`);
    }
    this.lrValue = checkOption(this.who, 'learningRate', value, 0);
  }

  /** Steps applied so far (Keras's `optimizer.iterations`); schedules are evaluated at it. */
  get iterations(): number {
    return this.iterationCount;
  }

  /** Registers `params` as the ones `step()` updates; slots are created once per name. */
  build(params: readonly ParamRef[]): void {
    if (!Array.isArray(params)) throw new ValueError(`${this.who}.build: expected an array of parameters, got ${String(params)}`);
    const seen = new Set<string>();
    const active: ParamEntry[] = [];
    if (this.hyper === 0 && this.hyperBytes() > 0) {
      this.hyper = this.allocStruct(this.hyperBytes());
      this.writeHyper(this.hyper);
    }
    for (const ref of params) {
      if (ref === null || typeof ref !== 'object' || typeof ref.name !== 'string') {
        throw new ValueError(`${this.who}.build: expected parameters {name, ptr, gradPtr, size}, got ${String(ref)}`);
      }
      for (const field of ['ptr', 'gradPtr', 'size'] as const) {
        const v = ref[field];
        if (!Number.isSafeInteger(v) || v < 0 || (field !== 'size' && v % 4 !== 0)) {
          throw new ValueError(`${this.who}.build: parameter '${ref.name}' has ${field} ${String(v)}; expected a non-negative integer${field === 'size' ? '' : ' multiple of 4'}`);
        }
      }
      if (seen.has(ref.name)) throw new ValueError(`${this.who}.build: parameter name '${ref.name}' appears twice`);
      checkFloats(`${this.who}.build`, `parameter '${ref.name}'`, ref.ptr, ref.size);
      checkFloats(`${this.who}.build`, `gradient of '${ref.name}'`, ref.gradPtr, ref.size);
      seen.add(ref.name);
      let entry = this.entries.get(ref.name);
      if (entry === undefined) {
        entry = { ref, slots: this.slotNames().map((slot) => this.allocSlot(slot, ref.size)), steps: 0, aux: 1, binding: 0 };
        this.entries.set(ref.name, entry);
      } else if (entry.ref.size !== ref.size) {
        throw new ValueError(`${this.who}.build: parameter '${ref.name}' was built with ${entry.ref.size} floats, now has ${ref.size}`);
      } else {
        entry.ref = ref;
      }
      this.bind(entry);
      active.push(entry);
    }
    this.active = active;
  }

  /** Clips the gradients (if asked), then applies one update to every built parameter. */
  step(): void {
    const lr = this.learningRate;
    if (!(lr >= 0 && Number.isFinite(lr))) throw new ValueError(`${this.who}: learning rate at step ${this.iterationCount} is ${lr}; expected a finite number >= 0`);
    this.clipGradients();
    weightsChanged();
    const active = this.active;
    for (let i = 0; i < active.length; i++) {
      const entry = active[i]!;
      this.update(entry, lr);
      entry.steps++;
    }
    this.iterationCount++;
  }

  /** The options this optimizer was built with, defaults filled in (what `optimizers.get(name, config)` takes). */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { learningRate: this.lrFn === undefined ? this.lrValue : this.lrConfig, ...this.ownConfig() };
    if (this.clip.value !== Infinity) config.clipValue = this.clip.value;
    if (this.clip.norm !== Infinity) config.clipNorm = this.clip.norm;
    if (this.clip.globalNorm !== Infinity) config.globalClipNorm = this.clip.globalNorm;
    return config;
  }

  /** A copy of the step count and every built parameter's slots (for checkpoints). */
  getState(): OptimizerState {
    const slots: Record<string, Record<string, Float32Array>> = {};
    const names = this.slotNames();
    for (const [paramName, entry] of this.entries) {
      const record: Record<string, Float32Array> = {};
      names.forEach((slot, i) => (record[slot] = readF32(entry.slots[i]!, entry.ref.size)));
      slots[paramName] = record;
    }
    return { iterations: this.iterationCount, slots };
  }

  /** Restores `getState()`'s result onto built parameters; validates everything before writing. */
  setState(state: OptimizerState): void {
    const who = `${this.who}.setState`;
    if (state === null || typeof state !== 'object' || typeof state.slots !== 'object' || state.slots === null) {
      throw new ValueError(`${who}: expected { iterations, slots }, got ${String(state)}`);
    }
    const iterations = checkOption(who, 'iterations', state.iterations, 0);
    if (!Number.isInteger(iterations)) throw new ValueError(`${who}: iterations must be an integer, got ${iterations}`);
    const names = this.slotNames();
    // Validate everything before writing anything.
    for (const [paramName, record] of Object.entries(state.slots)) {
      const entry = this.entries.get(paramName);
      if (entry === undefined) {
        throw new ValueError(`${who}: state has parameter '${paramName}', which was not built; build(params) first (built: ${[...this.entries.keys()].join(', ') || 'none'})`);
      }
      for (const slot of names) {
        const data = record[slot];
        if (!(data instanceof Float32Array) || data.length !== entry.ref.size) {
          throw new ValueError(`${who}: slot '${slot}' of '${paramName}' must be a Float32Array of ${entry.ref.size} floats, got ${data instanceof Float32Array ? `${data.length} floats` : String(data)}`);
        }
      }
    }
    for (const [paramName, record] of Object.entries(state.slots)) {
      const entry = this.entries.get(paramName)!;
      names.forEach((slot, i) => writeF32(entry.slots[i]!, record[slot]!));
      entry.steps = iterations;
      this.restoreAux(entry);
    }
    this.iterationCount = iterations;
  }

  private ownHeap(): Heap {
    if (this.blocks.heap === undefined) {
      this.blocks.heap = heap();
      onCollect(this, this.blocks, releaseSlots);
    }
    return this.blocks.heap;
  }

  private allocSlot(slot: string, size: number): number {
    const ptr = this.ownHeap().alloc(size * 4);
    this.blocks.ptrs.push(ptr);
    fill(ptr, this.slotInitialValue(slot), size);
    return ptr;
  }

  /** A kernel struct of `bytes` bytes owned by this optimizer (freed with its slots). */
  protected allocStruct(bytes: number): number {
    this.ownHeap();
    const ptr = allocStruct(bytes, this.who);
    this.blocks.structs.push(ptr);
    return ptr;
  }

  private clipGradients(): void {
    const mode = this.clipMode;
    if (mode === ClipMode.None) return;
    const active = this.active;
    const limit = this.clipLimit;
    if (mode === ClipMode.GlobalNorm) {
      let sum = 0;
      for (let i = 0; i < active.length; i++) sum += sumSquares(active[i]!.ref.gradPtr, active[i]!.ref.size);
      const coef = limit / (Math.sqrt(sum) + CLIP_NORM_EPS);
      if (coef < 1) for (let i = 0; i < active.length; i++) clipScale(active[i]!.ref.gradPtr, active[i]!.ref.size, coef, Infinity);
    } else if (mode === ClipMode.Norm) {
      for (let i = 0; i < active.length; i++) {
        const ref = active[i]!.ref;
        const coef = limit / (Math.sqrt(sumSquares(ref.gradPtr, ref.size)) + CLIP_NORM_EPS);
        if (coef < 1) clipScale(ref.gradPtr, ref.size, coef, Infinity);
      }
    } else {
      for (let i = 0; i < active.length; i++) clipScale(active[i]!.ref.gradPtr, active[i]!.ref.size, 1, limit);
    }
  }
}
