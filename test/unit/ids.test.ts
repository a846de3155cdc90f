import { newJobId } from '../../src/ids';

describe('newJobId', () => {
  it('makes RFC 4122 version 4 UUIDs', () => {
    for (let i = 0; i < 2_000; i++) {
      expect(newJobId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('never repeats an id across many refills of its random pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(newJobId());
    expect(seen.size).toBe(100_000);
  });
});
