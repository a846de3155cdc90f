import { MinHeap } from '../../../src/stores/min-heap';

describe('MinHeap', () => {
  it('is empty at first', () => {
    const heap = new MinHeap<string>();
    expect([heap.size, heap.peek(), heap.peekKey(), heap.pop()]).toEqual([
      0,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('pops by key, then by seq for equal keys', () => {
    const heap = new MinHeap<string>();
    heap.push(30, 1, 'c');
    heap.push(10, 3, 'b');
    heap.push(10, 2, 'a');
    heap.push(20, 4, 'x');
    expect(heap.peekKey()).toBe(10);
    expect(heap.peek()).toBe('a');
    expect([heap.pop(), heap.pop(), heap.pop(), heap.pop(), heap.pop()]).toEqual([
      'a',
      'b',
      'x',
      'c',
      undefined,
    ]);
  });

  it('sorts a large shuffled input like a stable sort on (key, seq)', () => {
    const heap = new MinHeap<number>();
    let state = 42;
    const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31);
    const entries = Array.from({ length: 5_000 }, (_, seq) => ({ key: random() % 100, seq }));
    for (const e of entries) heap.push(e.key, e.seq, e.seq);
    const expected = [...entries].sort((a, b) => a.key - b.key || a.seq - b.seq).map((e) => e.seq);
    const out: number[] = [];
    for (let v = heap.pop(); v !== undefined; v = heap.pop()) out.push(v);
    expect(out).toEqual(expected);
  });

  it('visits every entry with forEach and empties on clear', () => {
    const heap = new MinHeap<string>();
    heap.push(2, 0, 'a');
    heap.push(1, 1, 'b');
    const seen: string[] = [];
    heap.forEach((v, key) => seen.push(`${v}${key}`));
    expect(seen.sort()).toEqual(['a2', 'b1']);
    heap.clear();
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
  });
});
