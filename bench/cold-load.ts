/** Child process of the recipe benchmark: times the very first load of one recipe (printed in ms). */
import { performance } from 'node:perf_hooks';
import { loadRecipe } from '../src/recipe/index.js';

const name = process.argv[2]!;
const t0 = performance.now();
loadRecipe(name);
process.stdout.write(`${performance.now() - t0}\n`);
