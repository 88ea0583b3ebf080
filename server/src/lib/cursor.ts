import { AppError } from '../http/errors.js';

/** Where a newest-first page stopped: the (time, uuid) of the last row given. */
export type Position = { at: Date; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A page cursor for `p`, opaque to clients (base64url of `<ms>.<uuid>`). */
export const encodeCursor = (p: Position): string => Buffer.from(`${p.at.getTime()}.${p.id}`).toString('base64url');

/** The position a cursor holds; 400 VALIDATION_FAILED (on `cursor`) for anything a list did not give. */
export function decodeCursor(c: string): Position {
  const [ms, id] = Buffer.from(c, 'base64url').toString().split('.');
  const at = new Date(Number(ms));
  if (!id || !UUID.test(id) || !/^\d+$/.test(ms ?? '') || Number.isNaN(at.getTime()))
    throw new AppError('VALIDATION_FAILED', 'cursor: not a cursor this list gave', [{ path: 'cursor', message: 'not a cursor this list gave' }]);
  return { at, id };
}
