// sotu-gpt with Mixture-of-Experts blocks: each block's MLP is 4 experts, top-2 routing (no drops),
// plus the Switch load-balancing loss; prints the expert-usage histogram at the end.
import type { ExampleResult } from './example.js';
import { trainSotuGpt, type SotuGptOptions } from './sotu-gpt.js';

export async function run(opts: SotuGptOptions = {}): Promise<ExampleResult> {
  return trainSotuGpt('sotu-gpt-moe', { moe: { nExperts: 4, topK: 2 }, ...opts });
}
