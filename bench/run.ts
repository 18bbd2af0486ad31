/** `npm run bench`: every benchmark, each figure next to a baseline measured in the same run. */
import { benchRecipes } from './recipes.js';

const sections: Array<[string, () => string[]]> = [['recipe loading', benchRecipes]];

for (const [title, run] of sections) {
  process.stdout.write(`== ${title}\n`);
  for (const line of run()) process.stdout.write(`${line}\n`);
}
