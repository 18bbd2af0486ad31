/**
 * The `mopt` command line: builds the command tree and turns errors into exit statuses.
 * Exit 0 success, 2 bad input or usage, 1 any other failure. A user error prints one clear
 * block on stderr; a stack trace appears only for internal errors or with --debug.
 */
import { Command, CommanderError } from 'commander';
import { MoptError, isMoptError } from '../errors.js';
import { registerConfigCommands } from './commands/config.js';
import { registerRecipeCommands } from './commands/recipe.js';
import { registerPlanCommand } from './commands/plan.js';
import { registerQuantizeCommand } from './commands/quantize.js';
import { registerConvertCommand } from './commands/convert.js';
import { registerSynthCommand } from './commands/synth.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerGenerateCommand } from './commands/generate.js';
import { packageVersion } from './version.js';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

export function buildProgram(io: CliIO): Command {
  const program = new Command('mopt')
    .description(
      'Recipe-driven post-training quantization for LLM checkpoints (ModelOpt-compatible recipes).',
    )
    .version(packageVersion(), '-V, --version')
    .option('--debug', 'show stack traces for every error')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerConfigCommands(program, io);
  registerRecipeCommands(program, io);
  registerPlanCommand(program, io);
  registerQuantizeCommand(program, io);
  registerConvertCommand(program, io);
  registerSynthCommand(program, io);
  registerEvalCommand(program, io);
  registerGenerateCommand(program, io);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    for (const sub of cmd.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the CLI on `argv` (as process.argv) and resolves to the exit status. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const program = buildProgram(io);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err, io, debug);
  }
}

function reportError(err: unknown, io: CliIO, debug: boolean): number {
  if (err instanceof CommanderError) {
    // commander already printed its message; help and version are successes.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0)
      return 0;
    if (err.code === 'commander.help') return 0;
    return 2;
  }
  if (isMoptError(err)) {
    io.stderr(`mopt: error: ${err.format()}\n`);
    if (debug && err.stack) io.stderr(`${err.stack}\n`);
    return err.exitCode;
  }
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  io.stderr(`mopt: internal error (please report it): ${text}\n`);
  return 1;
}

export { MoptError };
