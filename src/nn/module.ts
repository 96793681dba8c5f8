// Module: PyTorch's nn.Module in TypeScript casing. A module finds its parameters, buffers and
// children by walking its own fields (arrays of modules count as lists: `layers.0`).
import { AxonError, ShapeError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { assign } from '../ops/assign.js';
import { shapesEqual, shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { unkeep } from '../tensor/lifetime.js';
import { zeros as zerosTensor } from '../tensor/creation.js';
import { renameLegacyKeys } from './legacy-keys.js';
import { Parameter } from './parameter.js';

/** What a module needs to be rebuilt by `load()`: its registered type name and constructor arguments. */
export interface ModuleConfig {
  type: string;
  args: unknown[];
}

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

// Forward hooks live beside the module, not in its fields (a field would be walked as state).
const HOOKS = new WeakMap<object, ForwardHook[]>();
const RESTORE = new WeakMap<object, () => void>();

const REGISTRY = new Map<string, (...args: never[]) => Module>();

/** Make a module type rebuildable from its config (every built-in layer registers itself). */
export function registerModule(name: string, factory: (...args: never[]) => Module): void {
  REGISTRY.set(name, factory);
}

/** Rebuild a module from `module.config()`. */
export function moduleFromConfig(config: ModuleConfig): Module {
  const f = REGISTRY.get(config.type);
  if (!f) throw new AxonError('moduleFromConfig', `unknown module type '${config.type}'; register custom modules with registerModule('${config.type}', (...args) => new ${config.type}(...args))`);
  return (f as (...a: unknown[]) => Module)(...config.args);
}

/**
 * A forward hook: called after the module's `forward` with the module, the arguments it got and
 * its output (PyTorch's `hook(module, args, output)`). Returning a value other than `undefined`
 * replaces the output.
 */
export type ForwardHook = (module: Module, args: unknown[], output: any) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What `registerForwardHook` returns: `remove()` takes the hook off (PyTorch's RemovableHandle). */
export interface HookHandle {
  remove(): void;
}

export abstract class Module {
  /** Whether the module is in training mode (Dropout/BatchNorm behave differently). */
  training = true;
  /** Stay in eval mode whatever `train()` says (set by `freeze(m, { batchNorm: 'eval' })`, cleared by `unfreeze`). */
  pinnedEval = false;

  /**
   * The computation. Subclasses define it with their own signature: extra options objects and
   * non-tensor results are allowed (LSTM returns `[output, [hN, cN]]`), as PyTorch types
   * `forward` as `Callable[..., Any]`. Generic code (Sequential, fit) calls it with one tensor.
   */
  abstract forward(...inputs: any[]): any; // eslint-disable-line @typescript-eslint/no-explicit-any

  /** Constructor arguments, for save/load. Modules without a config can still save weights. */
  config(): ModuleConfig {
    throw new AxonError('config', `${this.constructor.name} does not describe its constructor arguments; override config() and call registerModule to make it loadable`);
  }

  // ---- structure ----
  /** Direct children with their names. */
  *namedChildren(): Generator<[string, Module]> {
    for (const [k, v] of Object.entries(this)) {
      if (v instanceof Module) yield [k, v];
      else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) if (v[i] instanceof Module) yield [`${k}.${i}`, v[i] as Module];
    }
  }
  *children(): Generator<Module> { for (const [, m] of this.namedChildren()) yield m; }

  /** This module and all descendants, depth first, with dotted names ('' for this one). */
  *namedModules(prefix = ''): Generator<[string, Module]> {
    yield [prefix, this];
    for (const [k, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${k}` : k);
  }
  *modules(): Generator<Module> { for (const [, m] of this.namedModules()) yield m; }

  private *ownTensors(): Generator<[string, Tensor]> {
    for (const [k, v] of Object.entries(this)) if (v instanceof Tensor) yield [k, v];
  }

  /** All parameters with dotted names, e.g. `0.weight`, `encoder.layers.1.bias`. */
  *namedParameters(): Generator<[string, Parameter]> {
    for (const [prefix, m] of this.namedModules()) {
      for (const [k, t] of m.ownTensors()) if (t instanceof Parameter) yield [prefix ? `${prefix}.${k}` : k, t];
    }
  }
  parameters(): Parameter[] { return [...this.namedParameters()].map(([, p]) => p); }

  /** Tensor fields that are not parameters (running statistics and the like). */
  *namedBuffers(): Generator<[string, Tensor]> {
    for (const [prefix, m] of this.namedModules()) {
      for (const [k, t] of m.ownTensors()) if (!(t instanceof Parameter)) yield [prefix ? `${prefix}.${k}` : k, t];
    }
  }
  buffers(): Tensor[] { return [...this.namedBuffers()].map(([, b]) => b); }

  /** Number of parameter elements (only trainable ones with `trainableOnly`). */
  numParameters({ trainableOnly = false } = {}): number {
    return this.parameters().filter((p) => !trainableOnly || p.requiresGrad).reduce((n, p) => n + p.numel, 0);
  }

  // ---- modes ----
  /** Set training mode on this module and every descendant. Returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode && !m.pinnedEval;
    return this;
  }
  /** Evaluation mode (Dropout off, BatchNorm uses running statistics). */
  eval(): this { return this.train(false); }

  /** Freeze (false) or unfreeze (true) every parameter. */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad = flag;
    return this;
  }

  /** Drop every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      if (p.grad) unkeep(p.grad);
      p.grad = null;
    }
  }

  // ---- hooks ----
  /**
   * Call `hook(module, args, output)` after every `forward` of this module (PyTorch's
   * `register_forward_hook`): for reading activations (Grad-CAM, attention maps) or replacing the
   * output (a non-undefined return value). Hooks run in the order they were registered; the
   * returned handle's `remove()` takes this one off, and with none left `forward` is the plain method again.
   *
   * @example
   * const acts: Tensor[] = [];
   * const h = model.layers[0].registerForwardHook((_m, _args, out) => { acts.push(out); });
   * model.forward(x); // acts[0] is layer 0's output
   * h.remove();
   */
  registerForwardHook(hook: ForwardHook): HookHandle {
    let hooks = HOOKS.get(this);
    if (!hooks) {
      const list: ForwardHook[] = [];
      hooks = list;
      HOOKS.set(this, list);
      const plain = this.forward;
      const own = Object.getOwnPropertyDescriptor(this, 'forward'); // set by someone else (summary())
      // An own, non-enumerable property, so that walking the fields (children, parameters) never sees it.
      Object.defineProperty(this, 'forward', {
        configurable: true,
        writable: true,
        enumerable: false,
        value: (...args: unknown[]): unknown => {
          let out = plain.apply(this, args);
          for (const h of [...list]) {
            const r = h(this, args, out);
            if (r !== undefined) out = r;
          }
          return out;
        },
      });
      RESTORE.set(this, () => {
        if (own) Object.defineProperty(this, 'forward', own);
        else delete (this as { forward?: unknown }).forward;
      });
    }
    const list = hooks;
    list.push(hook);
    let removed = false;
    return {
      remove: () => {
        if (removed) return;
        removed = true;
        const i = list.indexOf(hook);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0 && HOOKS.get(this) === list) {
          HOOKS.delete(this);
          RESTORE.get(this)?.();
          RESTORE.delete(this);
        }
      },
    };
  }

  // ---- state ----
  /**
   * Parameters and buffers by dotted name (the tensors themselves, not copies), module by module
   * (each one's parameters, then its buffers, then its children's) as PyTorch orders them; the
   * keys are PyTorch's (`weight`, `running_mean`, `weight_ih_l0`, `in_proj_weight`, …).
   */
  stateDict(): Record<string, Tensor> {
    const sd: Record<string, Tensor> = {};
    for (const [prefix, m] of this.namedModules()) {
      const own = [...m.ownTensors()];
      for (const [k, t] of [...own.filter(([, t]) => t instanceof Parameter), ...own.filter(([, t]) => !(t instanceof Parameter))]) sd[prefix ? `${prefix}.${k}` : k] = t;
    }
    return sd;
  }

  /**
   * Copy values from `sd` into this module's parameters and buffers (in place, so optimizers keep
   * working). Keys are PyTorch's (`0.weight`, `bn.running_mean`, …); Axon's old buffer names
   * (`runningMean`, …) are mapped with a one-time notice. With `strict` (default) missing or
   * unexpected keys throw; with `strict: false` they are returned and printed (one console.warn
   * line), and a missing tensor keeps its current value. A shape mismatch always throws.
   */
  loadStateDict(sd: Record<string, Tensor>, { strict = true }: { strict?: boolean } = {}): LoadResult {
    const own = this.stateDict();
    sd = renameLegacyKeys(sd, new Set(Object.keys(own)));
    const missingKeys = Object.keys(own).filter((k) => !(k in sd));
    const unexpectedKeys = Object.keys(sd).filter((k) => !(k in own));
    const listing = `missing keys [${missingKeys.join(', ')}], unexpected keys [${unexpectedKeys.join(', ')}]`;
    if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
      throw new AxonError('loadStateDict', `state dict does not match the model: ${listing}; pass { strict: false } to load the matching part`);
    }
    for (const [k, t] of Object.entries(own)) {
      const src = sd[k];
      if (!src) continue;
      if (!shapesEqual(src.shape, t.shape)) {
        throw new ShapeError('loadStateDict', `size mismatch for ${k}: checkpoint has ${shapeStr(src.shape)}, the model has ${shapeStr(t.shape)}`);
      }
      noGrad(() => assign(t, src));
    }
    if (missingKeys.length > 0 || unexpectedKeys.length > 0) {
      console.warn(`loadStateDict (strict: false): ${listing}; missing ones keep their current values`);
    }
    return { missingKeys, unexpectedKeys };
  }

  // ---- printing ----
  /** Extra text inside the parentheses of this module's repr, e.g. `in=784, out=256`. */
  extraRepr(): string { return ''; }

  toString(): string {
    const kids = [...this.namedChildren()];
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (kids.length === 0) return `${head})`;
    const body = kids.map(([k, m]) => `  (${k}): ${m.toString().split('\n').join('\n  ')}`).join('\n');
    return `${head}\n${body}\n)`;
  }

  /**
   * A table of layers, output shapes and parameter counts. The shapes come from one forward pass
   * (no gradients, eval mode) on a sample batch or a zero input of `input`'s shape (batch dim
   * included); without it they are inferred when the first layer is a Linear (a batch of one),
   * else shown as '?'.
   *
   * @example
   * model.summary([1, 784]);          // a zero input of that shape
   * model.summary(train.x.slice([0, 8]));   // a sample batch
   */
  summary(input?: readonly number[] | Tensor, { dtype = 'float32' as const } = {}): string {
    const rows: [string, string, string, number][] = [];
    const restore: (() => void)[] = [];
    const first = [...this.namedModules()].find(([, m]) => m !== this && [...m.children()].length === 0)?.[1];
    const inFeatures = (first as { inFeatures?: unknown } | undefined)?.inFeatures;
    const inputShape = input instanceof Tensor ? input.shape : input ?? (typeof inFeatures === 'number' ? [1, inFeatures] : undefined);
    if (inputShape) {
      for (const [name, m] of this.namedModules()) {
        if (m === this) continue;
        const orig = m.forward;
        const own = m.parameters().reduce((n, p) => n + p.numel, 0);
        const leaf = [...m.children()].length === 0;
        m.forward = (...xs: Tensor[]): Tensor => {
          const out = orig.apply(m, xs);
          if (leaf) rows.push([name, m.constructor.name, shapeStr(out.shape), own]);
          return out;
        };
        restore.push(() => { m.forward = orig; });
      }
      const was = this.training;
      try {
        this.eval();
        noGrad(() => this.forward(input instanceof Tensor ? input : zerosTensor(inputShape, { dtype })));
      } finally {
        restore.forEach((r) => r());
        this.train(was);
      }
    } else {
      for (const [name, m] of this.namedModules()) {
        if (m === this || [...m.children()].length > 0) continue;
        rows.push([name, m.constructor.name, '?', m.parameters().reduce((n, p) => n + p.numel, 0)]);
      }
    }
    const table = [['Layer', 'Type', 'Output shape', 'Params'], ...rows.map(([a, b, c, d]) => [a, b, c, d.toLocaleString('en-US')])];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    const line = (r: string[]): string => r.map((c, i) => (i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
    const total = this.numParameters();
    const trainable = this.numParameters({ trainableOnly: true });
    const sep = '-'.repeat(widths.reduce((a, b) => a + b + 2, -2));
    return [`${this.constructor.name}`, sep, line(table[0]!), sep, ...table.slice(1).map(line), sep,
      `Total params: ${total.toLocaleString('en-US')}`, `Trainable params: ${trainable.toLocaleString('en-US')}`,
      `Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`,
      ...(inputShape ? [] : ['Output shapes: pass an input shape or a sample batch, e.g. summary([1, 784]) or summary(x)'])].join('\n');
  }
}

