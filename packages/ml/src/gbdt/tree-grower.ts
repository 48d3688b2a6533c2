import type { Random } from '../util/random.js';
import type { TrainingExecutor } from './executor.js';
import { type GbdtKernelState, MASK_LEVEL, MASK_TREE } from './kernel-state.js';
import {
  type PendingLeaf,
  readLeftCounts,
  readSearchResults,
  type WorkNode,
  writeLeaves,
  writePartitionTasks,
  writeSearchTasks,
} from './level-tasks.js';
import { leafWeight, MIN_SPLIT_GAIN } from './split-finder.js';
import { TreeBuilder } from './tree-builder.js';

/** The parameters tree growth needs. */
export interface GrowParams {
  maxDepth: number;
  learningRate: number;
  lambda: number;
  alpha: number;
  minChildWeight: number;
  gamma: number;
  colsampleBylevel: number;
}

/** One tree to grow: its group (gradient block), root row range and gradient totals. */
export interface GrowRequest {
  group: number;
  /** Root rows are `rows[begin..end)` (first half); `contiguous` when that is every row in order. */
  begin: number;
  end: number;
  contiguous: boolean;
  sumG: number;
  sumH: number;
  /** Features sampled for this tree (colsample_bylevel draws from these). */
  features: Int32Array;
  rng: Random;
}

/**
 * Grows trees depthwise (all nodes of a level at once, like XGBoost's hist), several trees side
 * by side so one executor op serves them all; three or four ops per level (histograms, splits,
 * partition, and merge when a node was partitioned in several units). Histograms live in the state's slots: a split node's slot passes to its larger
 * child, the smaller child is built from rows and the larger derived by subtraction. Leaf values
 * reach the training margins through the next 'partition' op, before their rows are overwritten.
 */
export class TreeGrower {
  private readonly free: number[] = [];
  private readonly leaves: PendingLeaf[] = [];
  private readonly half: number;

  constructor(
    private readonly st: GbdtKernelState,
    private readonly executor: TrainingExecutor,
    private readonly handle: number,
    private readonly p: GrowParams,
  ) {
    for (let s = st.nSlots - 1; s >= 0; s--) this.free.push(s);
    this.half = st.nGroups * st.nRows;
  }

  /** Grows one tree per request and returns them in request order. */
  async grow(reqs: readonly GrowRequest[]): Promise<TreeBuilder[]> {
    const trees = reqs.map(() => new TreeBuilder());
    let level: WorkNode[] = [];
    reqs.forEach((req, i) => {
      const id = trees[i].add(0, req.sumH);
      const node = this.node(req, trees[i], id, req.begin, req.end, req.sumG, req.sumH);
      if (this.canSplit(node, 0)) level.push(node);
      else this.makeLeaf(node);
    });
    const direct = level.length > this.st.nSlots;
    for (const n of level) n.slot = direct ? -1 : this.alloc();
    for (let depth = 0; level.length > 0; depth++) {
      this.setLevelMasks(reqs);
      await this.search(level);
      const splits: WorkNode[] = [];
      for (const n of level) {
        if (n.feature >= 0 && n.gain > MIN_SPLIT_GAIN && n.gain >= this.p.gamma) splits.push(n);
        else {
          this.makeLeaf(n);
          if (n.slot >= 0) this.release(n.slot);
        }
      }
      if (splits.length === 0) break;
      this.markLeafOnly(splits, depth + 1);
      await this.partition(splits);
      level = this.children(splits, depth + 1);
    }
    while (this.leaves.length > 0) {
      this.st.tasks[0] = 0;
      this.st.tasks[1] = 0;
      writeLeaves(this.st, this.leaves);
      await this.executor.run(this.handle, 'partition');
    }
    return trees;
  }

  private node(
    req: GrowRequest,
    tree: TreeBuilder,
    id: number,
    begin: number,
    end: number,
    g: number,
    h: number,
  ): WorkNode {
    return {
      req,
      tree,
      id,
      begin,
      end,
      g,
      h,
      slot: -1,
      build: true,
      subtractFrom: -1,
      feature: -1,
      bin: 0,
      defaultLeft: false,
      gain: 0,
      gl: 0,
      hl: 0,
      leftCount: 0,
      merged: false,
      leafOnly: false,
      leafValues: [0, 0],
    };
  }

  /** Whether a split could possibly be valid: depth left, two rows, and room for two children's hessian. */
  private canSplit(n: WorkNode, depth: number): boolean {
    return depth < this.p.maxDepth && n.end - n.begin >= 2 && this.heavyEnough(n.h);
  }

  private heavyEnough(h: number): boolean {
    return h > 0 && h >= 2 * this.p.minChildWeight * (1 - 1e-12);
  }

  /** Splits whose children are sure to be leaves skip row partitioning (see WorkNode.leafOnly). */
  private markLeafOnly(splits: WorkNode[], childDepth: number): void {
    const p = this.p;
    for (const s of splits) {
      s.leafOnly = childDepth >= p.maxDepth || (!this.heavyEnough(s.hl) && !this.heavyEnough(s.h - s.hl));
      if (!s.leafOnly) continue;
      s.leafValues = [
        p.learningRate * leafWeight(s.gl, s.hl, p.lambda, p.alpha, p.minChildWeight),
        p.learningRate * leafWeight(s.g - s.gl, s.h - s.hl, p.lambda, p.alpha, p.minChildWeight),
      ];
    }
  }

  private makeLeaf(n: WorkNode): void {
    const p = this.p;
    const v = p.learningRate * leafWeight(n.g, n.h, p.lambda, p.alpha, p.minChildWeight);
    n.tree.value[n.id] = v;
    n.tree.cover[n.id] = n.h;
    if (v !== 0 && n.end > n.begin)
      this.leaves.push({ group: n.req.group, begin: n.begin, end: n.end, value: v });
  }

  private alloc(): number {
    const s = this.free.pop();
    if (s === undefined) throw new Error('gbdt: histogram slots exhausted');
    return s;
  }

  private release(slot: number): void {
    this.free.push(slot);
  }

  /** Level masks: the tree's features, or a fresh colsample_bylevel draw from them. */
  private setLevelMasks(reqs: readonly GrowRequest[]): void {
    const { featureMask, nFeatures } = this.st;
    const frac = this.p.colsampleBylevel;
    for (const req of reqs) {
      const base = req.group * nFeatures;
      for (let f = 0; f < nFeatures; f++) featureMask[base + f] &= MASK_TREE;
      let chosen = req.features;
      if (frac < 1) {
        const pool = Int32Array.from(req.features);
        req.rng.shuffle(pool);
        chosen = pool.subarray(0, Math.max(1, Math.floor(frac * pool.length)));
      }
      for (let i = 0; i < chosen.length; i++) featureMask[base + chosen[i]] |= MASK_LEVEL;
    }
  }

  /** Builds the level's histograms and searches every node's best split (batched when slot-limited). */
  private async search(level: WorkNode[]): Promise<void> {
    const st = this.st;
    if (level[0].slot >= 0) return this.searchBatch(level);
    // Too many nodes to keep every histogram: build directly, a slot-sized batch at a time, and
    // keep none (their children will be built from rows too).
    for (let at = 0; at < level.length; at += st.nSlots) {
      const batch = level.slice(at, at + st.nSlots);
      for (const n of batch) {
        n.slot = this.alloc();
        n.build = true;
        n.subtractFrom = -1;
      }
      await this.searchBatch(batch);
      for (const n of batch) {
        this.release(n.slot);
        n.slot = -1;
      }
    }
  }

  private async searchBatch(nodes: WorkNode[]): Promise<void> {
    writeSearchTasks(this.st, nodes);
    await this.executor.run(this.handle, 'histograms');
    await this.executor.run(this.handle, 'splits');
    readSearchResults(this.st, nodes);
  }

  private async partition(splits: WorkNode[]): Promise<void> {
    const cap = this.st.taskCapacity;
    for (let at = 0; at < splits.length; at += cap) {
      const batch = splits.slice(at, at + cap);
      const merge = writePartitionTasks(this.st, batch, this.leaves, this.half);
      await this.executor.run(this.handle, 'partition');
      if (merge) await this.executor.run(this.handle, 'merge');
      readLeftCounts(this.st, batch);
    }
  }

  /** Applies the splits to the trees and plans the children's histograms. */
  private children(splits: WorkNode[], depth: number): WorkNode[] {
    const next: WorkNode[] = [];
    const pairs: [WorkNode, WorkNode | null, WorkNode | null][] = [];
    const p = this.p;
    for (const s of splits) {
      const lid = s.tree.add(0, s.hl);
      const rid = s.tree.add(0, s.h - s.hl);
      s.tree.split(s.id, s.feature, s.bin, s.defaultLeft, s.gain, lid, rid);
      s.tree.value[s.id] = p.learningRate * leafWeight(s.g, s.h, p.lambda, p.alpha, p.minChildWeight);
      if (s.leafOnly) {
        // The partition op already added these values to the rows' margins.
        s.tree.value[lid] = s.leafValues[0];
        s.tree.value[rid] = s.leafValues[1];
        pairs.push([s, null, null]);
        continue;
      }
      const other = s.begin >= this.half ? s.begin - this.half : s.begin + this.half;
      const begin = s.merged ? s.begin : other;
      const mid = begin + s.leftCount;
      const end = begin + (s.end - s.begin);
      const l = this.node(s.req, s.tree, lid, begin, mid, s.gl, s.hl);
      const r = this.node(s.req, s.tree, rid, mid, end, s.g - s.gl, s.h - s.hl);
      const needL = this.canSplit(l, depth);
      const needR = this.canSplit(r, depth);
      if (!needL) this.makeLeaf(l);
      if (!needR) this.makeLeaf(r);
      pairs.push([s, needL ? l : null, needR ? r : null]);
      if (needL) next.push(l);
      if (needR) next.push(r);
    }
    if (next.length > this.st.nSlots) {
      for (const [s] of pairs) if (s.slot >= 0) this.release(s.slot);
      return next;
    }
    // Free first so that every child that needs a histogram finds a slot.
    for (const [s, l, r] of pairs) if (!l && !r && s.slot >= 0) this.release(s.slot);
    for (const [s, l, r] of pairs) {
      if (l && r) {
        const lSmaller = l.end - l.begin <= r.end - r.begin;
        const small = lSmaller ? l : r;
        const large = lSmaller ? r : l;
        small.slot = this.alloc();
        if (s.slot >= 0) {
          small.subtractFrom = s.slot;
          large.slot = s.slot;
          large.build = false;
        } else {
          large.slot = this.alloc();
        }
      } else if (l || r) {
        const only = (l ?? r) as WorkNode;
        only.slot = s.slot >= 0 ? s.slot : this.alloc();
      }
    }
    return next;
  }
}
