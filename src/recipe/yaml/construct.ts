/**
 * Turns one parsed YAML document (the `yaml` package's node tree, parsed with the failsafe schema so
 * every scalar is still its source text) into PyValues the way PyYAML's SafeConstructor does:
 * PyYAML's implicit resolver, `<<` merge keys, last-wins duplicate keys, Python key equality,
 * aliases sharing one object. Records a source position for every container and entry.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type LineCounter, type Node as YNode } from 'yaml';
import { MoptError, type SourceLoc, type SourceRef } from '../../errors.js';
import type { PyKey, PyValue } from '../pyvalue.js';
import { MAX_YAML_DEPTH, MAX_YAML_NODES } from './limits.js';
import { setEntryLocation, setSelfLocation } from './locations.js';
import { PyDictBuilder } from './py-dict.js';
import { constructScalar, resolvePlainTag, ScalarError, TAG } from './scalars.js';

type Pair = [YNode | null, YNode | null];

/** Standard YAML 1.1 types PyYAML builds but PyValue cannot hold (bytes, set, ordered pairs). */
const UNSUPPORTED_STANDARD = ['binary', 'set', 'omap', 'pairs'].map((t) => `tag:yaml.org,2002:${t}`);

function unknownTagMessage(tag: string): string {
  if (UNSUPPORTED_STANDARD.includes(tag))
    return `the tag '${tag}' is valid YAML but not supported in mopt recipes`;
  return `could not determine a constructor for the tag '${tag}'`;
}

interface Built {
  value: PyValue;
  /** Nodes in the fully expanded value (aliases counted as copies). */
  size: number;
  /** Nesting depth of the expanded value (a scalar is 0). */
  depth: number;
}

/** State shared by all documents of one stream. */
export interface StreamState {
  text: string;
  file: string;
  chain: SourceLoc[];
  lines: LineCounter;
  expanded: number;
}

export class DocumentBuilder {
  private readonly aliasTargets = new Map<YNode, YNode>();
  private readonly built = new Map<YNode, Built>();
  private readonly flattened = new Map<YNode, Pair[]>();

  constructor(private readonly stream: StreamState) {}

  /** PyYAML composes before constructing: resolve every alias in document order first. */
  compose(root: YNode | null): void {
    const anchors = new Map<string, YNode>();
    const open = new Set<YNode>();
    const visit = (node: unknown): void => {
      if (node === null || node === undefined) return;
      if (isPair(node)) {
        visit(node.key);
        visit(node.value);
        return;
      }
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (!target) throw this.error(node, `found undefined alias '${node.source}'`);
        if (open.has(target))
          throw this.error(node, `recursive alias '${node.source}' is not supported`, 'E_YAML_TOO_COMPLEX');
        this.aliasTargets.set(node, target);
        return;
      }
      const n = node as YNode;
      if (n.anchor) anchors.set(n.anchor, n);
      if (isMap(n) || isSeq(n)) {
        open.add(n);
        for (const item of n.items) visit(item);
        open.delete(n);
      }
    };
    visit(root);
  }

  build(node: YNode | null): PyValue {
    return this.use(node).value;
  }

  private loc(node: YNode | null, fallback?: SourceRef): SourceRef {
    const offset = node?.range?.[0];
    if (offset === undefined)
      return fallback ?? { file: this.stream.file, line: 1, col: 1, chain: this.stream.chain };
    const { line, col } = this.stream.lines.linePos(offset);
    return {
      file: this.stream.file,
      line: Math.max(line, 1),
      col: Math.max(col, 1),
      chain: this.stream.chain,
    };
  }

  private error(node: YNode | null, message: string, code = 'E_YAML_SYNTAX'): MoptError {
    return new MoptError(code, message, { source: this.loc(node) });
  }

  private count(node: YNode | null, n: number): void {
    this.stream.expanded += n;
    if (this.stream.expanded > MAX_YAML_NODES)
      throw this.error(
        node,
        `YAML expands to more than ${MAX_YAML_NODES} nodes (alias bomb?)`,
        'E_YAML_TOO_COMPLEX',
      );
  }

  private deref(node: YNode | null): YNode | null {
    return node !== null && isAlias(node) ? this.aliasTargets.get(node)! : node;
  }

  private use(node: YNode | null): Built {
    const target = this.deref(node);
    const done = target && this.built.get(target);
    if (done) {
      this.count(node, done.size);
      return done;
    }
    const b = this.fresh(target);
    if (b.depth > MAX_YAML_DEPTH)
      throw this.error(node, `YAML nesting is deeper than ${MAX_YAML_DEPTH} levels`, 'E_YAML_TOO_COMPLEX');
    this.count(node, 1);
    if (target) this.built.set(target, b);
    return b;
  }

  /** The effective tag of a node: explicit, or PyYAML's implicit resolution for plain (or `!`) scalars. */
  private tagOf(node: YNode): string | undefined {
    const tag = node.tag;
    if (tag !== undefined && tag !== '!') return tag;
    if (isScalar(node))
      return node.type === 'PLAIN' || tag === '!' ? resolvePlainTag(String(node.value)) : TAG.str;
    return undefined;
  }

  private fresh(node: YNode | null): Built {
    if (node === null) return { value: null, size: 1, depth: 0 };
    const tag = this.tagOf(node);
    if (isScalar(node)) {
      if (tag === TAG.merge || tag === TAG.value) throw this.error(node, unknownTagMessage(tag));
      try {
        return { value: constructScalar(tag!, String(node.value)), size: 1, depth: 0 };
      } catch (e) {
        if (e instanceof ScalarError) throw this.error(node, e.message);
        throw e;
      }
    }
    const kind = isMap(node) ? 'mapping' : 'sequence';
    if (tag !== undefined && tag !== (isMap(node) ? TAG.map : TAG.seq)) {
      const known = [TAG.str, TAG.int, TAG.float, TAG.bool, TAG.null, TAG.timestamp].includes(tag as never);
      if (known) throw this.error(node, `expected a scalar node, but found ${kind}`);
      if (tag === TAG.map || tag === TAG.seq)
        throw this.error(
          node,
          `expected a ${tag === TAG.map ? 'mapping' : 'sequence'} node, but found ${kind}`,
        );
      throw this.error(node, unknownTagMessage(tag));
    }
    return isMap(node) ? this.buildMap(node) : this.buildSeq(node);
  }

  private buildSeq(node: YNode): Built {
    const list: PyValue[] = [];
    setSelfLocation(list, this.loc(node));
    let size = 0;
    let depth = 0;
    const items = (node as unknown as { items: (YNode | null)[] }).items;
    for (const item of items) {
      const b = this.use(item);
      setEntryLocation(list, list.length, this.loc(item, this.loc(node)));
      list.push(b.value);
      size += b.size;
      depth = Math.max(depth, b.depth);
    }
    return { value: list, size: size + 1, depth: depth + 1 };
  }

  private buildMap(node: YNode): Built {
    const dict = new PyDictBuilder();
    const self = this.loc(node);
    setSelfLocation(dict.dict, self);
    let size = 0;
    let depth = 0;
    for (const [keyNode, valueNode] of this.flatten(node)) {
      const keyBuilt = this.keyOf(keyNode);
      const valueBuilt = this.use(valueNode);
      const keyLoc = this.loc(keyNode, self);
      const stored = dict.set(keyBuilt.value as PyKey, valueBuilt.value);
      setEntryLocation(dict.dict, stored, keyLoc, this.loc(valueNode, keyLoc));
      size += keyBuilt.size + valueBuilt.size;
      depth = Math.max(depth, valueBuilt.depth);
    }
    return { value: dict.dict, size: size + 1, depth: depth + 1 };
  }

  /** A mapping key: scalars only (lists and dicts are unhashable in Python); a plain `=` key is a string. */
  private keyOf(keyNode: YNode | null): Built {
    if (this.isMissingKey(keyNode))
      throw this.error(keyNode, 'invalid YAML: a mapping key is missing before ":"');
    const target = this.deref(keyNode);
    if (target && isScalar(target) && this.tagOf(target) === TAG.value) {
      this.count(keyNode, 1);
      return { value: String(target.value), size: 1, depth: 0 };
    }
    if (target && (isMap(target) || isSeq(target))) throw this.error(keyNode, 'found unhashable key');
    return this.use(keyNode);
  }

  /** `: x` with nothing before the colon: the library reads a null key, PyYAML (without `?`) refuses it. */
  private isMissingKey(keyNode: YNode | null): boolean {
    if (!keyNode || !isScalar(keyNode) || keyNode.type !== 'PLAIN' || keyNode.value !== '') return false;
    if (keyNode.tag !== undefined || keyNode.anchor !== undefined) return false;
    const offset = keyNode.range?.[0];
    return offset !== undefined && this.stream.text[offset] === ':';
  }

  /** PyYAML `flatten_mapping`: merged pairs first (earlier merge sources win), then the mapping's own pairs. */
  private flatten(node: YNode): Pair[] {
    const cached = this.flattened.get(node);
    if (cached) return cached;
    const merged: Pair[] = [];
    const own: Pair[] = [];
    for (const pair of (node as unknown as { items: { key: YNode | null; value: YNode | null }[] }).items) {
      const key = this.deref(pair.key);
      if (!(key && isScalar(key) && this.tagOf(key) === TAG.merge)) {
        own.push([pair.key, pair.value]);
        continue;
      }
      const source = this.deref(pair.value);
      if (source && isMap(source)) {
        merged.push(...this.flatten(source));
      } else if (source && isSeq(source)) {
        const parts: Pair[][] = [];
        for (const item of source.items as (YNode | null)[]) {
          const sub = this.deref(item);
          if (!(sub && isMap(sub)))
            throw this.error(
              item,
              `expected a mapping for merging, but found ${sub && isSeq(sub) ? 'sequence' : 'scalar'}`,
            );
          parts.push(this.flatten(sub));
        }
        for (const part of parts.reverse()) merged.push(...part);
      } else {
        throw this.error(pair.value, 'expected a mapping or list of mappings for merging, but found scalar');
      }
      this.count(pair.value, merged.length);
    }
    const all = merged.length > 0 ? merged.concat(own) : own;
    this.flattened.set(node, all);
    return all;
  }
}
