// Pretrained models that ship with the package, in its `pretrained/` folder (Node) or beside the
// browser bundle (scripts/bundle.mjs copies them to dist/browser/pretrained/). Each file is an
// Axon checkpoint (save()) that carries its architecture; scripts/pretrain/ regenerates them
// (`npm run pretrain`).
import { CharTokenizer } from '../data/tokenizers.js';
import { ValueError } from '../errors.js';
import { GPT } from '../nn/gpt.js';
import type { Module } from '../nn/module.js';
import { platform } from '../platform/current.js';
import { parseCheckpoint } from './checkpoint.js';

/** What `listPretrained()` says about one model. */
export interface PretrainedInfo {
  name: string;
  /** One line: what it is and what it was trained on. */
  description: string;
  /** The file under the package's `pretrained/` folder. */
  file: string;
}

/** A loaded pretrained model, the tokenizer its inputs need (text models) and the facts stored with it. */
export interface Pretrained {
  model: Module;
  /** How to turn text into token ids (character-level GPT); null for image models. */
  tokenizer: CharTokenizer | null;
  info: PretrainedInfo;
  /** What the training script stored with the weights (figures, settings, the tokenizer). */
  extra: Record<string, unknown>;
}

const MODELS: readonly PretrainedInfo[] = [
  {
    name: 'mnist-cnn-0to4',
    description: 'a small CNN (2 conv/pool blocks, 5-way linear head) trained on the MNIST digits 0–4; input (N, 1, 28, 28) standardized with mean 0.1307, std 0.3081',
    file: 'mnist-cnn-0to4.safetensors',
  },
  {
    name: 'sotu-gpt-small',
    description: 'a character-level GPT (2 blocks, width 128, context 128) trained on the State of the Union addresses; text through asciiText(), newline + printable ASCII',
    file: 'sotu-gpt-small.safetensors',
  },
];

/** The pretrained models `loadPretrained` knows, with a one-line description each. */
export function listPretrained(): PretrainedInfo[] {
  return MODELS.map((m) => ({ ...m }));
}

function infoOf(op: string, name: string): PretrainedInfo {
  const info = MODELS.find((m) => m.name === name);
  if (!info) throw new ValueError(op, `unknown pretrained model ${JSON.stringify(name)}; the pretrained models are ${MODELS.map((m) => `'${m.name}'`).join(', ')}`);
  return info;
}

function fromBytes(op: string, info: PretrainedInfo, bytes: Uint8Array): Pretrained {
  const { model, extra } = parseCheckpoint(bytes, { source: `pretrained/${info.file}` });
  const tok = extra.tokenizer as { type: 'char'; chars: string[] } | undefined;
  const tokenizer = tok === undefined ? null : CharTokenizer.fromJSON(tok);
  if (tokenizer === null && model instanceof GPT) throw new ValueError(op, `pretrained/${info.file} holds no tokenizer; regenerate it with npm run pretrain`);
  return { model, tokenizer, info: { ...info }, extra };
}

/**
 * Load a pretrained model by name (see `listPretrained()`), synchronously, from the package's
 * `pretrained/` folder (Node; in a browser use `loadPretrainedAsync`). The model comes in eval
 * mode; call `.train()` to fine-tune it.
 *
 * @example
 * const { model, tokenizer } = loadPretrained('sotu-gpt-small');
 * const ids = tensor([tokenizer!.encode('The state of the Union')], { dtype: 'int32' }); // (1, T)
 * (model as GPT).generate(ids, { maxNewTokens: 50 });
 */
export function loadPretrained(name: string): Pretrained {
  const op = 'loadPretrained';
  const info = infoOf(op, name);
  return fromBytes(op, info, platform.readBytesSync(op, platform.assetUrl(`pretrained/${info.file}`)));
}

/** `loadPretrained` for any host: a browser fetches the file from `pretrained/` beside the bundle (see setAssetUrl). */
export async function loadPretrainedAsync(name: string): Promise<Pretrained> {
  const op = 'loadPretrainedAsync';
  const info = infoOf(op, name);
  return fromBytes(op, info, await platform.readBytes(op, platform.assetUrl(`pretrained/${info.file}`)));
}
