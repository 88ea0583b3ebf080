import { LIMITS } from '@support/protocol';
import { AppError } from '../http/errors.js';

/**
 * Refuses what no schema accepts before any schema looks at it: binary data (socket.io
 * binary attachments arrive as Buffers, anywhere in the arguments) and payloads with more
 * than `maxValues` values or nested deeper than `maxDepth`. The walk is iterative and stops
 * at the budget, so its cost is bounded by the budget, not by the payload: a 1 MB Buffer or
 * a 100,000-key object is refused after a handful of steps (an object's keys are enumerated
 * once, which is linear and was already paid by JSON.parse).
 * Throws VALIDATION_FAILED (binary) or PAYLOAD_TOO_LARGE (over the budget).
 */
export function checkPayloadBudget(args: readonly unknown[], maxValues: number = LIMITS.socketPayloadValues, maxDepth: number = LIMITS.socketPayloadDepth): void {
  const values: unknown[] = [];
  const depths: number[] = [];
  let count = 0;
  const push = (v: unknown, depth: number) => {
    if (++count > maxValues) throw new AppError('PAYLOAD_TOO_LARGE', `payload has more than ${maxValues} values`);
    if (v !== null && typeof v === 'object') {
      values.push(v);
      depths.push(depth);
    }
  };
  for (const a of args) push(a, 1);
  while (values.length) {
    const v = values.pop() as object;
    const depth = depths.pop()!;
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) throw new AppError('VALIDATION_FAILED', 'binary data is not accepted: send JSON');
    if (depth >= maxDepth) throw new AppError('PAYLOAD_TOO_LARGE', `payload nested deeper than ${maxDepth} levels`);
    if (Array.isArray(v)) {
      if (v.length > maxValues) throw new AppError('PAYLOAD_TOO_LARGE', `payload has more than ${maxValues} values`);
      for (const item of v) push(item, depth + 1);
    } else {
      for (const key in v) push((v as Record<string, unknown>)[key], depth + 1);
    }
  }
}
