/** `mopt synth`: a deterministic synthetic checkpoint with the names and shapes of a real model family. */
import type { Command } from 'commander';
import { MoptError } from '../../errors.js';
import { synthCheckpoint } from '../../model/synth.js';
import { SYNTH_ARCHS, SYNTH_PRESETS, type SynthArch } from '../../model/synth-presets.js';
import type { CliIO } from '../main.js';

function integer(flag: string, min: number): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v) || Number(v) < min)
      throw new MoptError('E_USAGE', `${flag} must be an integer >= ${min}, got '${v}'`);
    return Number(v);
  };
}

export function registerSynthCommand(program: Command, io: CliIO): void {
  const presets = SYNTH_ARCHS.map(
    (a) => `${a}: ${Object.keys(SYNTH_PRESETS[a as SynthArch]).join('/')}`,
  ).join('; ');
  program
    .command('synth')
    .description(
      `write a synthetic HF checkpoint (random N(0, 0.02) weights) for testing; presets ${presets}`,
    )
    .requiredOption('--arch <arch>', `architecture: ${SYNTH_ARCHS.join(', ')}`)
    .requiredOption('--preset <preset>', 'size preset, e.g. tiny')
    .argument('<out_dir>', 'output folder (must be empty unless --force)')
    .option('--seed <n>', 'random seed', integer('--seed', 0), 0)
    .option('--layers <n>', 'keep only the first N decoder layers', integer('--layers', 1))
    .option('--dtype <dtype>', 'bf16, f16 or f32', 'bf16')
    .option('--force', 'write into a non-empty folder (its old weight files are removed)')
    .action(
      (
        outDir: string,
        opts: { arch: string; preset: string; seed: number; layers?: number; dtype: string; force?: boolean },
      ) => {
        if (opts.dtype !== 'bf16' && opts.dtype !== 'f16' && opts.dtype !== 'f32') {
          throw new MoptError('E_USAGE', `--dtype must be bf16, f16 or f32, got '${opts.dtype}'`);
        }
        const r = synthCheckpoint({
          arch: opts.arch as SynthArch,
          preset: opts.preset,
          outDir,
          seed: opts.seed,
          dtype: opts.dtype,
          overwrite: opts.force === true,
          ...(opts.layers === undefined ? {} : { layers: opts.layers }),
        });
        io.stdout(
          `wrote ${outDir}: ${opts.arch}/${opts.preset}, ${r.tensors.length} tensors, ${(r.totalBytes / 1e6).toFixed(2)} MB\n`,
        );
      },
    );
}
