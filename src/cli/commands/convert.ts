/** `mopt convert llama2c`: a llama2.c checkpoint + tokenizer into a Hugging Face Llama folder. */
import type { Command } from 'commander';
import { MoptError } from '../../errors.js';
import { convertLlama2c } from '../../model/llama2c.js';
import type { CliIO } from '../main.js';

export function registerConvertCommand(program: Command, io: CliIO): void {
  const convert = program
    .command('convert')
    .description('convert other checkpoint formats into Hugging Face folders');
  convert
    .command('llama2c')
    .description('convert a llama2.c model.bin (legacy version 0) and tokenizer.bin into a HF Llama folder')
    .argument('<model.bin>', 'llama2.c checkpoint')
    .argument('<tokenizer.bin>', 'llama2.c tokenizer')
    .argument('<out_dir>', 'output folder (must be empty unless --force)')
    .option('--dtype <dtype>', 'weight dtype: f32 or bf16', 'f32')
    .option('--force', 'write into a non-empty folder (its old weight files are removed)')
    .action(
      (
        modelFile: string,
        tokenizerFile: string,
        outDir: string,
        opts: { dtype: string; force?: boolean },
      ) => {
        if (opts.dtype !== 'f32' && opts.dtype !== 'bf16') {
          throw new MoptError('E_USAGE', `--dtype must be f32 or bf16, got '${opts.dtype}'`);
        }
        const r = convertLlama2c({
          modelFile,
          tokenizerFile,
          outDir,
          dtype: opts.dtype,
          overwrite: opts.force === true,
        });
        const h = r.header;
        io.stdout(
          `converted ${modelFile} -> ${outDir}: ${r.tensors.length} tensors, dim ${h.dim}, ${h.nLayers} layers, ` +
            `${h.nHeads}/${h.nKvHeads} heads, vocab ${h.vocabSize} (${opts.dtype})\n`,
        );
      },
    );
}
