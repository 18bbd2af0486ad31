/**
 * `npm run bench`: every benchmark, each figure next to a baseline measured in the same run.
 * `npm run bench -- recipes` (or `kernels`, `quantize`, `calibrate`) runs one section.
 */
import { benchCalibrate } from './calibrate.js';
import { benchQuantKernels } from './quant-kernels.js';
import { benchQuantize } from './quantize.js';
import { benchRecipes } from './recipes.js';

const sections: Array<[string, string, () => string[] | Promise<string[]>]> = [
  ['recipes', 'recipe loading', benchRecipes],
  ['kernels', 'quantization kernels on a [2048, 4096] bf16 weight', benchQuantKernels],
  ['quantize', 'data-free quantization of a synthetic 1B Llama', () => benchQuantize()],
  ['calibrate', 'activation calibration of a synthetic Qwen2.5-0.5B', benchCalibrate],
];

const only = process.argv.slice(2);
for (const [key, title, run] of sections) {
  if (only.length > 0 && !only.includes(key)) continue;
  process.stdout.write(`== ${title}\n`);
  for (const line of await run()) process.stdout.write(`${line}\n`);
}
