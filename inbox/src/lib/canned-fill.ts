import { renderTemplate, type CannedResponse } from '@support/protocol';
import type { InboxStore } from '../store.js';
import { templateValuesOf } from './canned.js';

/**
 * A canned response's text filled in for the open ticket. Its own chunk, loaded when the `/`
 * menu first opens: the protocol's templates module brings zod, which stays out of the first load.
 */
export const fillCanned = (r: CannedResponse, s: Pick<InboxStore, 'open' | 'agent' | 'teams' | 'inboxes' | 'workspace'>): string =>
  renderTemplate(r.body, templateValuesOf(s));
