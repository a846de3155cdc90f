import { err, isJobResult, ok } from '../../../src/jobs/job-result';

describe('ok and err', () => {
  it('builds a success with or without a value', () => {
    expect(ok()).toEqual({ ok: true });
    expect(ok(42)).toEqual({ ok: true, value: 42 });
    expect(Object.keys(ok())).toEqual(['ok']);
  });

  it('builds a failure carrying the error', () => {
    const error = new Error('boom');
    expect(err(error)).toEqual({ ok: false, error });
    expect(err(error).ok).toBe(false);
  });
});

describe('isJobResult', () => {
  class Result {
    ok = true;
  }
  it.each([
    ['ok()', ok()],
    ['ok(value)', ok({ a: 1 })],
    ['{ ok: true, value: undefined }', { ok: true, value: undefined }],
    ['err(error)', err(new TypeError('x'))],
    ['a null-prototype success', Object.assign(Object.create(null) as object, { ok: true })],
  ])('accepts %s', (_name, value) => {
    expect(isJobResult(value)).toBe(true);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['true', true],
    ['a string', 'ok'],
    ['an array', [true]],
    ['an empty object', {}],
    ['{ ok: 1 }', { ok: 1 }],
    ['{ ok: "true" }', { ok: 'true' }],
    ['{ ok: true, data } (unknown key)', { ok: true, data: 1 }],
    ['{ ok: true, error } (error on a success)', { ok: true, error: new Error('x') }],
    ['{ ok: false } without error', { ok: false }],
    ['{ ok: false, error: string }', { ok: false, error: 'nope' }],
    ['{ ok: false, error: plain object }', { ok: false, error: { message: 'x' } }],
    ['{ ok: false, error, value }', { ok: false, error: new Error('x'), value: 1 }],
    ['{ ok: false, value } (value on a failure)', { ok: false, value: new Error('x') }],
    ['a class instance', new Result()],
    ['a promise', Promise.resolve(ok())],
  ])('rejects %s', (_name, value) => {
    expect(isJobResult(value)).toBe(false);
  });
});
