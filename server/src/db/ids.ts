import { v7 } from 'uuid';
import { decodeId, encodeId, type IdKind } from '@support/protocol';
import { AppError } from '../http/errors.js';

/** A new UUIDv7 for a primary key. */
export const newId = (): string => v7();

/** Database UUID → wire id. */
export const toWire = (kind: IdKind, uuid: string): string => encodeId(kind, uuid);
export const toWireOrNull = (kind: IdKind, uuid: string | null | undefined): string | null =>
  uuid ? encodeId(kind, uuid) : null;

/**
 * Wire id → database UUID. Ids reaching here already passed the zod schema; a bad one is
 * still answered as NOT_FOUND rather than trusted.
 */
export function fromWire(kind: IdKind, id: string): string {
  const uuid = decodeId(kind, id);
  if (!uuid) throw new AppError('NOT_FOUND', `${kind} not found`);
  return uuid;
}
