/**
 * Recipe loading benchmark: load + validate every built-in recipe, per recipe: warm (in-process, median of
 * 30 loads after 20 untimed ones) and cold (first load in a fresh process). Baseline measured in the same
 * run: parsing the same files with the plain `yaml` package (YAML 1.2, no positions, imports or validation).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { listBuiltinRecipes, loadRecipe } from '../src/recipe/index.js';
import { fmtMs, median, timeMedianMs } from './stats.js';

const COLD_SCRIPT = fileURLToPath(new URL('./cold-load.js', import.meta.url));

export function benchRecipes(): string[] {
  const recipes = listBuiltinRecipes();
  const warm: number[] = [];
  const baseline: number[] = [];
  for (const r of recipes) {
    // 20 loads first: the median then describes the steady state, not the JIT or GC of the first calls
    warm.push(timeMedianMs(() => loadRecipe(r.name), 30, 20));
    const files = statSync(r.path).isDirectory() ? [] : [readFileSync(r.path, 'utf8')];
    baseline.push(timeMedianMs(() => files.forEach((t) => parseAllDocuments(t)), 15, 3));
  }
  const cold: number[] = [];
  for (const r of recipes) {
    const out = spawnSync(process.execPath, [COLD_SCRIPT, r.name], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`cold load of ${r.name} failed: ${out.stderr}`);
    cold.push(Number(out.stdout.trim()));
  }
  const worst = Math.max(...warm);
  const worstName = recipes[warm.indexOf(worst)]!.name;
  return [
    `recipes: ${recipes.length} built-in recipes, load + validate (imports resolved), per recipe`,
    `  warm: median ${fmtMs(median(warm))}, worst ${fmtMs(worst)} (${worstName}); target < 2 ms: ${worst < 2 ? 'met' : 'NOT met'}`,
    `  cold (first load in a fresh process): median ${fmtMs(median(cold))}, worst ${fmtMs(Math.max(...cold))}`,
    `  baseline, plain yaml parse of the recipe file alone: median ${fmtMs(median(baseline))}`,
    `  ratio warm load / baseline parse: ${(median(warm) / median(baseline)).toFixed(1)}x`,
  ];
}
