/**
 * `mopt generate`: greedy decoding with the reference forward and a KV cache, optionally with a recipe simulated
 * by fake quantization (activation quantizers calibrated first). Prints the prompt and its continuation.
 */
import type { Command } from 'commander';
import { simulatedActivations, simulatedWeights } from '../../calib/simulate.js';
import { generateGreedy } from '../../model/forward/generate.js';
import { ReferenceModel } from '../../model/forward/reference.js';
import { resolveModelPath } from '../../model/hf-cache.js';
import { loadTokenizer } from '../../model/tokenizer.js';
import type { CliIO } from '../main.js';
import { addSimulationOptions, intFlag, simulateRecipe, type CalibFlags } from './eval.js';

interface GenerateOpts extends CalibFlags {
  model: string;
  recipe?: string;
  prompt: string;
  max_new_tokens: string;
}

export function registerGenerateCommand(program: Command, io: CliIO): void {
  const generateCmd = program
    .command('generate')
    .description('greedy text generation, optionally with a recipe simulated by fake quantization')
    .requiredOption('--model <dir|hf-id>', 'the model folder (with tokenizer.json)')
    .option('--recipe <recipe>', 'simulate this PTQ recipe (weights and activations fake-quantized)')
    .option('--prompt <text>', 'the text to continue', 'Once upon a time')
    .option('--max_new_tokens <n>', 'tokens to generate at most', '64');
  addSimulationOptions(generateCmd).action(async (opts: GenerateOpts) => {
    const maxNew = intFlag('max_new_tokens', opts.max_new_tokens, 0);
    const modelDir = resolveModelPath(opts.model);
    const tok = loadTokenizer(modelDir);
    const prompt = tok.encode(opts.prompt);
    const sim = opts.recipe === undefined ? null : await simulateRecipe(io, modelDir, tok, opts.recipe, opts);
    const model = ReferenceModel.open(modelDir, { residentWeights: true });
    if (sim) {
      const read = (t: string): Float32Array => model.checkpoint.readTensorF32(t);
      model.setWeightTransform(simulatedWeights(sim.plan, sim.weights, read));
    }
    try {
      const t0 = performance.now();
      const out = generateGreedy(model, prompt, maxNew, {
        ...(tok.eosId === undefined ? {} : { eosTokenIds: [tok.eosId] }),
        observer: sim ? simulatedActivations(sim.plan, sim.stats) : null,
      });
      const s = (performance.now() - t0) / 1000;
      io.stderr(`generate: ${out.length} tokens in ${s.toFixed(2)} s${sim ? ` (${sim.label})` : ''}\n`);
      io.stdout(`${tok.decode([...prompt, ...out], { skipSpecial: true })}\n`);
    } finally {
      model.close();
    }
  });
}
