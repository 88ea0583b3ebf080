import { describe, expect, it } from 'vitest';
import { allows, BUILTIN_ROLE_PERMISSIONS, expandPermissions, PERMISSIONS, permissionsOfRole, ticketScope } from './permissions.js';

describe('permissions', () => {
  it('a wider ticket sight implies the narrower ones, editing contacts implies reading them; unknown keys drop out', () => {
    expect(expandPermissions(['tickets.read.all'])).toEqual(['tickets.read.all', 'tickets.read.team', 'tickets.read.mine']);
    expect(expandPermissions(['contacts.write', 'tickets.read.team'])).toEqual(['tickets.read.team', 'tickets.read.mine', 'contacts.read', 'contacts.write']);
    expect(expandPermissions(['reports.read', 'tickets.delete', 'reports.read'])).toEqual(['reports.read']);
  });

  it('built-in roles: owner and admin have everything, supervisor sees all without settings, agent sees its teams', () => {
    expect(permissionsOfRole('owner')).toEqual([...PERMISSIONS]);
    expect(permissionsOfRole('admin')).toEqual([...PERMISSIONS]);
    expect(ticketScope(permissionsOfRole('supervisor'))).toBe('all');
    expect(permissionsOfRole('supervisor')).not.toContain('settings.people');
    expect(ticketScope(permissionsOfRole('agent'))).toBe('team');
    expect(BUILTIN_ROLE_PERMISSIONS.agent).not.toContain('settings.inboxes');
    expect(permissionsOfRole('custom', null)).toEqual([]);
    expect(ticketScope(permissionsOfRole('custom', ['tickets.read.mine']))).toBe('mine');
    expect(ticketScope([])).toBe('none');
  });

  it('public and member are allowed to every member; a permission only to those who have it', () => {
    expect(allows([], 'public')).toBe(true);
    expect(allows([], 'member')).toBe(true);
    expect(allows(['tickets.read.mine'], 'tickets.read.mine')).toBe(true);
    expect(allows(['tickets.read.mine'], 'tickets.write')).toBe(false);
  });
});
