/**
 * Checkpoint tensor lookup for the slot builder: finds expected tensors, checks their shapes,
 * and remembers which names were claimed so leftovers can be reported as layout errors.
 */
import { MoptError } from '../../errors.js';
import type { TensorInfo } from './types.js';

export class TensorIndex {
  private readonly byName = new Map<string, TensorInfo>();
  private readonly claimed = new Set<string>();

  constructor(
    tensors: readonly TensorInfo[],
    private readonly hiddenSize: number,
  ) {
    for (const t of tensors) {
      if (this.byName.has(t.name)) {
        throw new MoptError('E_TENSOR_LAYOUT', `tensor '${t.name}' appears twice in the checkpoint`);
      }
      this.byName.set(t.name, t);
    }
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** True when some tensor name starts with `prefix` (a set lookup for prefixes ending in a dot). */
  hasPrefix(prefix: string): boolean {
    if (prefix.endsWith('.')) return this.dottedPrefixes().has(prefix);
    for (const name of this.byName.keys()) if (name.startsWith(prefix)) return true;
    return false;
  }

  private prefixes: Set<string> | undefined;

  private dottedPrefixes(): Set<string> {
    if (!this.prefixes) {
      this.prefixes = new Set();
      for (const name of this.byName.keys()) {
        for (let i = name.indexOf('.'); i >= 0; i = name.indexOf('.', i + 1))
          this.prefixes.add(name.slice(0, i + 1));
      }
    }
    return this.prefixes;
  }

  /** Claims a tensor that must exist with `rank` dims; returns its shape. */
  require(name: string, rank: number, what: string): number[] {
    const t = this.byName.get(name);
    if (!t) throw new MoptError('E_TENSOR_LAYOUT', `checkpoint is missing tensor '${name}' (${what})`);
    if (t.shape.length !== rank) {
      throw new MoptError(
        'E_TENSOR_LAYOUT',
        `tensor '${name}' has shape [${t.shape.join(', ')}]; ${what} needs ${rank} dimensions`,
      );
    }
    this.claimed.add(name);
    return t.shape;
  }

  /** Claims a 2-D linear weight and checks its hidden-size side. */
  linearWeight(name: string, hidden: 'in' | 'out'): number[] {
    const shape = this.require(name, 2, 'a linear weight [out, in]');
    this.expectHidden(name, shape, hidden === 'in' ? 1 : 0);
    return shape;
  }

  expectHidden(name: string, shape: number[], dim: number): void {
    if (shape[dim] !== this.hiddenSize) {
      throw new MoptError(
        'E_TENSOR_LAYOUT',
        `tensor '${name}' has shape [${shape.join(', ')}]; dimension ${dim} should equal hidden_size ${this.hiddenSize}`,
      );
    }
  }

  /** Claims an optional tensor (biases, norms) when present. */
  claimIfPresent(name: string): void {
    if (this.byName.has(name)) this.claimed.add(name);
  }

  /** Throws for any tensor that no module of the architecture owns. */
  assertAllClaimed(modelType: string): void {
    const left = [...this.byName.keys()].filter((n) => !this.claimed.has(n));
    if (left.length === 0) return;
    const shown = left
      .slice(0, 5)
      .map((n) => `'${n}'`)
      .join(', ');
    const more = left.length > 5 ? ` and ${left.length - 5} more` : '';
    throw new MoptError(
      'E_TENSOR_LAYOUT',
      `tensor ${shown}${more} does not fit the ${modelType} layout (no module of the model owns it)`,
    );
  }
}
