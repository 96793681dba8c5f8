// Module.registerForwardHook: PyTorch's register_forward_hook (args and output seen, output
// replaceable, handles that remove, state untouched).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import '../../helpers.js';

test('a forward hook sees the args and output, runs in order, can replace the output, and remove() restores forward', () => {
  ax.manualSeed(0);
  const lin = new ax.Linear(3, 2);
  const model = new ax.Sequential(lin, new ax.ReLU());
  const x = ax.randn([4, 3]);
  const plain = model.forward(x).data();
  const seen: string[] = [];
  let captured: ax.Tensor | null = null;
  const h1 = lin.registerForwardHook((m, args, out) => { seen.push('a'); assert.equal(m, lin); assert.equal(args[0], x); captured = out as ax.Tensor; });
  const h2 = lin.registerForwardHook((_m, _a, out) => { seen.push('b'); return ax.neg(out as ax.Tensor); });
  const hooked = model.forward(x);
  assert.deepEqual(seen, ['a', 'b']);
  assert.deepEqual([...captured!.data()], [...ax.noGrad(() => ax.Linear.prototype.forward.call(lin, x)).data()], 'hook a saw the plain output (hook b ran after it)');
  const expect = ax.relu(ax.neg(captured!)).data();
  assert.deepEqual([...hooked.data()], [...expect]);
  assert.deepEqual(Object.keys(model.stateDict()), ['0.weight', '0.bias'], 'hooks are not state');
  h2.remove();
  h2.remove(); // twice is harmless, as PyTorch
  assert.deepEqual([...model.forward(x).data()], [...plain]);
  h1.remove();
  assert.equal(Object.prototype.hasOwnProperty.call(lin, 'forward'), false, 'with no hook left, forward is the class method again');
  assert.deepEqual([...model.forward(x).data()], [...plain]);
  assert.match(model.summary([1, 3]), /Linear/, 'summary still works after hooks came and went');
});
