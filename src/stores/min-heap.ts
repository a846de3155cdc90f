/**
 * A binary min-heap of values keyed by `(key, seq)`: the smallest key comes out first, and equal
 * keys come out in `seq` order. The memory store keeps its delayed jobs in one, keyed by
 * `(runAtMs, insertion sequence)`, so due jobs are promoted in due-time order, then FIFO.
 *
 * Push and pop are O(log n); peeking is O(1). Entries live in three parallel arrays so a push
 * allocates nothing beyond the arrays' own growth.
 * @internal
 * @example
 * const heap = new MinHeap<string>();
 * heap.push(20, 1, 'b'); heap.push(10, 2, 'a');
 * heap.peekKey(); // 10
 * heap.pop();     // 'a'
 */
export class MinHeap<T> {
  private readonly keys: number[] = [];
  private readonly seqs: number[] = [];
  private readonly values: T[] = [];

  /** Number of entries held. */
  get size(): number {
    return this.values.length;
  }

  /** Adds `value` under `(key, seq)`. */
  push(key: number, seq: number, value: T): void {
    this.keys.push(key);
    this.seqs.push(seq);
    this.values.push(value);
    this.siftUp(this.values.length - 1);
  }

  /** The smallest key, or `undefined` when empty. */
  peekKey(): number | undefined {
    return this.keys[0];
  }

  /** The value with the smallest `(key, seq)`, without removing it. */
  peek(): T | undefined {
    return this.values[0];
  }

  /** Removes and returns the value with the smallest `(key, seq)`, or `undefined` when empty. */
  pop(): T | undefined {
    const n = this.values.length;
    if (n === 0) return undefined;
    const top = this.values[0] as T;
    const lastKey = this.keys.pop() as number;
    const lastSeq = this.seqs.pop() as number;
    const lastValue = this.values.pop() as T;
    if (n > 1) {
      this.keys[0] = lastKey;
      this.seqs[0] = lastSeq;
      this.values[0] = lastValue;
      this.siftDown(0);
    }
    return top;
  }

  /** Calls `fn` on every entry, in no particular order. */
  forEach(fn: (value: T, key: number) => void): void {
    for (let i = 0; i < this.values.length; i++) fn(this.values[i] as T, this.keys[i] as number);
  }

  /** Removes every entry. */
  clear(): void {
    this.keys.length = 0;
    this.seqs.length = 0;
    this.values.length = 0;
  }

  private less(i: number, j: number): boolean {
    const ki = this.keys[i] as number;
    const kj = this.keys[j] as number;
    return ki < kj || (ki === kj && (this.seqs[i] as number) < (this.seqs[j] as number));
  }

  private swap(i: number, j: number): void {
    const k = this.keys[i] as number;
    this.keys[i] = this.keys[j] as number;
    this.keys[j] = k;
    const s = this.seqs[i] as number;
    this.seqs[i] = this.seqs[j] as number;
    this.seqs[j] = s;
    const v = this.values[i] as T;
    this.values[i] = this.values[j] as T;
    this.values[j] = v;
  }

  private siftUp(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(index: number): void {
    const n = this.values.length;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) return;
      const right = left + 1;
      const child = right < n && this.less(right, left) ? right : left;
      if (!this.less(child, i)) return;
      this.swap(i, child);
      i = child;
    }
  }
}
