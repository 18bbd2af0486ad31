/** `mopt config show`: what loadConfig returns for a file or built-in snippet. */
import type { Command } from 'commander';
import type { CliIO } from '../main.js';
import { loadConfig } from '../../recipe/index.js';
import { printWarnings, renderData } from '../render.js';

export function registerConfigCommands(program: Command, io: CliIO): void {
  const config = program
    .command('config')
    .description('inspect config snippets as ModelOpt load_config sees them');
  config
    .command('show')
    .description(
      'print the resolved content of a config file or built-in snippet (imports resolved, validated)',
    )
    .argument('<path>', 'a file path or a built-in name such as configs/numerics/fp8')
    .option('--json', 'print JSON (as Python json.dumps writes it) instead of YAML')
    .action((path: string, opts: { json?: boolean }) => {
      const warnings: string[] = [];
      const value = loadConfig(path, { warnings });
      printWarnings(io, warnings);
      io.stdout(renderData(value, { json: opts.json === true, sparse: true }));
    });
}
