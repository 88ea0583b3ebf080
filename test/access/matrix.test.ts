import { readFileSync } from 'node:fs';
import express from 'express';
import type { Socket as ServerSocket } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_EVENTS, allows, BUILTIN_ROLES, permissionsOfRole, ROUTES, type Permission, type RouteDecl } from '@support/protocol';
import { call, closeSockets, connect, ctxOf, login, seedWorkspace, startNode, type Fixture, type Node } from '../support/harness.js';
import { createAgent } from '../../server/src/workspaces/workspaces.service.js';
import { createRole } from '../../server/src/agents/roles.service.js';
import { undeclaredEvents } from '../../server/src/agents/agent.socket.js';
import { mountRoutes, undeclaredRoutes, type RouteHandlers } from '../../server/src/http/routes.js';

const expressOf = (n: Node) => n.app.express;

/** A path with its parameters filled with a value no route accepts as an id. */
const fill = (path: string) => path.replace('{/*path}', '/x').replace(/:(\w+)/g, 'x');

type Subject = { name: string; permissions: Permission[]; token: string };

/**
 * The role matrix, generated from the declarations: every HTTP route (protocol ROUTES) and
 * every `/agent` event (AGENT_EVENTS) is called by a member of every built-in role and of two
 * custom roles, with a payload no schema accepts. A role the declaration allows gets past the
 * permission check (an event answers VALIDATION_FAILED; a route anything but 401/403); any
 * other gets exactly FORBIDDEN. And Express has no route, and a socket no event, that is not
 * declared.
 */
describe('the role matrix', () => {
  let node: Node;
  let fx: Fixture;
  const subjects: Subject[] = [];
  const custom: Record<string, Permission[]> = {
    'custom (reads and people)': ['tickets.read.mine', 'contacts.read', 'settings.people'],
    'custom (nothing)': [],
  };

  beforeAll(async () => {
    node = await startNode('postgres');
    fx = await seedWorkspace(node.deps.db, 1);
    const add = async (name: string, role: (typeof BUILTIN_ROLES)[number] | null, roleId: string | null, permissions: Permission[]) => {
      const email = `${name.replace(/\W+/g, '-')}-${fx.workspaceId}@example.test`;
      const userId = await createAgent(node.deps.db, { workspaceId: fx.workspaceId, email, name, password: 'matrix-password', role: role ?? 'custom', roleId });
      expect(userId).toBeTruthy();
      subjects.push({ name, permissions, token: await login(node.url, email, 'matrix-password') });
    };
    for (const role of BUILTIN_ROLES) await add(role, role, null, permissionsOfRole(role));
    for (const [name, perms] of Object.entries(custom)) {
      const r = await createRole(ctxOf(node), { workspaceId: fx.workspaceId, name, permissions: perms });
      const { decodeId } = await import('@support/protocol');
      await add(name, null, decodeId('role', r.id)!, permissionsOfRole('custom', perms));
    }
  });
  afterAll(async () => {
    closeSockets();
    await node.app.close();
  });

  it('every /agent event answers each role exactly as declared', async () => {
    const expected: string[] = [];
    const seen: string[] = [];
    for (const sub of subjects) {
      const s = await connect(node.url, '/agent', { token: sub.token });
      for (const [event, decl] of Object.entries(AGENT_EVENTS)) {
        expected.push(`${sub.name} ${event} ${allows(sub.permissions, decl.permission) ? 'VALIDATION_FAILED' : 'FORBIDDEN'}`);
        const a = await call(s, event, { matrix: true });
        seen.push(`${sub.name} ${event} ${a.ok ? 'ok' : a.error.code}`);
      }
      s.disconnect();
    }
    expect(seen).toEqual(expected);
    // Not vacuous: each built-in role is refused something or allowed everything as declared.
    expect(seen.filter((l) => l.endsWith('FORBIDDEN')).length).toBeGreaterThan(0);
  });

  it('every HTTP route answers each role exactly as declared (public routes answer without a session)', async () => {
    const expected: string[] = [];
    const seen: string[] = [];
    const ask = async (decl: RouteDecl, token: string | null) => {
      const withBody = decl.method !== 'GET';
      const r = await fetch(`${node.url}${fill(decl.path)}`, {
        method: decl.method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(withBody ? { 'content-type': 'application/json' } : {}) },
        ...(withBody ? { body: JSON.stringify({ matrix: true }) } : {}),
      });
      const body = r.headers.get('content-type')?.includes('json') ? ((await r.json()) as { error?: { code: string } }) : (await r.arrayBuffer(), {});
      return r.status === 403 ? `403 ${body.error?.code}` : r.status === 401 ? '401' : 'passed';
    };
    for (const [name, decl] of Object.entries(ROUTES) as [string, RouteDecl][]) {
      if (decl.permission === 'public') {
        expected.push(`public ${name} passed`);
        seen.push(`public ${name} ${await ask(decl, null)}`);
        continue;
      }
      expected.push(`nobody ${name} 401`);
      seen.push(`nobody ${name} ${await ask(decl, null)}`);
      for (const sub of subjects) {
        expected.push(`${sub.name} ${name} ${allows(sub.permissions, decl.permission) ? 'passed' : '403 FORBIDDEN'}`);
        seen.push(`${sub.name} ${name} ${await ask(decl, sub.token)}`);
      }
    }
    expect(seen).toEqual(expected);
  });

  it('Express has no route the protocol does not declare, and mounts every declared one', () => {
    expect(undeclaredRoutes(expressOf(node))).toEqual([]);
    const app = express();
    mountRoutes(app, ctxOf(node), new Proxy({}, { get: () => () => null }) as RouteHandlers);
    expect(undeclaredRoutes(app)).toEqual([]);
    const router = express.Router();
    router.post('/sneaky', () => {});
    app.use('/api', router);
    app.get('/api/oops', () => {});
    expect(undeclaredRoutes(app).sort()).toEqual(['GET /api/oops', 'POST /api/sneaky']);
    const declared = Object.values(ROUTES).map((r: RouteDecl) => `${r.method} ${r.path}`);
    const mounted = new Set(
      (expressOf(node) as unknown as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router.stack
        .filter((l) => l.route)
        .flatMap((l) => Object.keys(l.route!.methods).map((m) => `${m.toUpperCase()} ${l.route!.path}`)),
    );
    expect(declared.filter((d) => !mounted.has(d))).toEqual([]);
  });

  it('docs/access.md lists every route and event with the permission it declares', () => {
    const doc = readFileSync(new URL('../../docs/access.md', import.meta.url), 'utf8');
    const missing = [
      ...Object.values(ROUTES).map((r: RouteDecl) => `| \`${r.method} ${r.path}\` | \`${r.permission}\``),
      ...Object.entries(AGENT_EVENTS).map(([e, d]) => `| \`${e}\` | \`${d.permission}\` |`),
    ].filter((line) => !doc.includes(line));
    expect(missing).toEqual([]);
  });

  it('an agent socket has a handler for every declared event and none other', async () => {
    const s = await connect(node.url, '/agent', { token: subjects[0]!.token });
    await call(s, 'agents:list', {});
    const server = [...node.app.io.of('/agent').sockets.values()][0] as ServerSocket;
    expect(undeclaredEvents(server)).toEqual([]);
    expect(server.eventNames().filter((e) => e in AGENT_EVENTS).length).toBe(Object.keys(AGENT_EVENTS).length);
    server.on('rogue:event', () => {});
    expect(undeclaredEvents(server)).toEqual(['rogue:event']);
  });
});
