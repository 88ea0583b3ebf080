import { describe, expect, it } from 'vitest';
import { checkPayloadBudget } from './payload-budget.js';

const code = (args: unknown[], max = 5, depth = 3) => {
  try {
    checkPayloadBudget(args, max, depth);
    return null;
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('checkPayloadBudget', () => {
  it('counts every value and the payload itself, up to the budget exactly', () => {
    expect(code([{ a: 1, b: [2, 3] }])).toBeNull(); // root, a, b, 2, 3
    expect(code([{ a: 1, b: [2, 3, 4] }])).toBe('PAYLOAD_TOO_LARGE');
    expect(code([{ a: 1 }, 2, 3, 4])).toBeNull();
    expect(code([{ a: 1 }, 2, 3, 4, 5])).toBe('PAYLOAD_TOO_LARGE');
  });
  it('refuses nesting at the depth bound and binary data at any depth', () => {
    expect(code([{ a: { b: 1 } }])).toBeNull();
    expect(code([{ a: { b: {} } }])).toBe('PAYLOAD_TOO_LARGE');
    expect(code([{ a: Buffer.from('x') }])).toBe('VALIDATION_FAILED');
    expect(code([new ArrayBuffer(4)])).toBe('VALIDATION_FAILED');
    expect(code([[new DataView(new ArrayBuffer(1))]])).toBe('VALIDATION_FAILED');
    expect(code([undefined, null, 'text'])).toBeNull();
  });
});
