// Transfer learning helpers: freeze/unfreeze a module's parameters (optionally pinning its
// BatchNorm layers in eval mode) and replace a submodule by its dotted path, as one does with
// PyTorch's `model.fc = nn.Linear(...)`.
import { ValueError } from '../errors.js';
import { BatchNorm1d, BatchNorm2d } from './channel-norm.js';
import { Sequential } from './layers.js';
import { Module } from './module.js';

export interface FreezeOptions {
  /**
   * 'eval': keep every BatchNorm layer inside in eval mode (running statistics used and not
   * updated) even when `train()` is called on the model, until `unfreeze`. Default 'train'
   * (BatchNorm follows train()/eval() as usual, as a frozen module does in PyTorch).
   */
  batchNorm?: 'train' | 'eval';
}

const isBatchNorm = (m: Module): boolean => m instanceof BatchNorm1d || m instanceof BatchNorm2d;

/**
 * Stop training `module`: every parameter gets requiresGrad false (no gradient is computed for
 * it and optimizers skip it, weight decay included). Returns the module.
 *
 * @example
 * freeze(model.body, { batchNorm: 'eval' }); // the head still trains
 */
export function freeze<M extends Module>(module: M, { batchNorm = 'train' }: FreezeOptions = {}): M {
  if (batchNorm !== 'train' && batchNorm !== 'eval') throw new ValueError('freeze', `batchNorm must be 'train' or 'eval', got ${JSON.stringify(batchNorm)}`);
  for (const p of module.parameters()) p.requiresGrad = false;
  if (batchNorm === 'eval') {
    for (const m of module.modules()) {
      if (!isBatchNorm(m)) continue;
      m.pinnedEval = true;
      m.training = false;
    }
  }
  return module;
}

/** Undo `freeze`: every parameter requires grad again and BatchNorm layers follow train()/eval() (they take the module's mode now). Returns the module. */
export function unfreeze<M extends Module>(module: M): M {
  for (const p of module.parameters()) p.requiresGrad = true;
  for (const m of module.modules()) {
    if (!m.pinnedEval) continue;
    m.pinnedEval = false;
    m.training = module.training;
  }
  return module;
}

/**
 * Put `replacement` where the submodule at `path` is (names as in `namedModules()`: `fc`,
 * `encoder.layers.1`, `2` in a Sequential) and return the module it replaced.
 *
 * @example
 * replaceModule(model, 'fc', new Linear(512, 10));
 */
export function replaceModule(model: Module, path: string, replacement: Module): Module {
  if (!(replacement instanceof Module)) throw new ValueError('replaceModule', `the replacement is not a Module (got ${typeof replacement})`);
  let parent = model;
  let rest = path;
  for (;;) {
    const kids = [...parent.namedChildren()];
    const hit = kids.find(([name]) => name === rest);
    if (hit) return put(parent, hit[0], replacement);
    const down = kids.find(([name]) => rest.startsWith(`${name}.`));
    if (!down) {
      const names = [...model.namedModules()].map(([n]) => n).filter(Boolean);
      throw new ValueError('replaceModule', `no submodule at '${path}'; the model has ${names.length ? names.map((n) => `'${n}'`).join(', ') : 'no submodules'}`);
    }
    parent = down[1];
    rest = rest.slice(down[0].length + 1);
  }
}

/** Replace the child named `name` (a field, `field.i` in an array field, or an index of a Sequential). */
function put(parent: Module, name: string, replacement: Module): Module {
  if (parent instanceof Sequential) return parent.set(Number(name), replacement);
  const fields = parent as unknown as Record<string, unknown>;
  const dot = name.lastIndexOf('.');
  if (dot < 0) {
    const old = fields[name] as Module;
    fields[name] = replacement;
    return old;
  }
  const list = fields[name.slice(0, dot)] as Module[];
  const i = Number(name.slice(dot + 1));
  const old = list[i]!;
  list[i] = replacement;
  return old;
}
