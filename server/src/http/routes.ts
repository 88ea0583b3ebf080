import type { Express, Request, Response } from 'express';
import { parse as parseCookie } from 'cookie';
import type { z } from 'zod';
import { ROUTES, type RouteDecl, type RouteName } from '@support/protocol';
import type { ServiceContext } from '../lib/context.js';
import { authenticate, type AgentIdentity } from '../agents/agents.service.js';
import { requirePermission } from '../agents/access.js';
import { findVisitorSession } from '../widget/widget.service.js';
import { AppError, parse } from './errors.js';
import { scopeToWorkspace, withRequestScope } from '../db/scope.js';

export const SESSION_COOKIE = 'sd_session';

/** The bearer token of a request: `Authorization: Bearer …`, else the session cookie. */
export function requestToken(req: Request): string | null {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  const c = req.headers.cookie;
  return c ? (parseCookie(c)[SESSION_COOKIE] ?? null) : null;
}

/** A visitor session that called a route declared with `visitors` (uuids). */
export type VisitorCaller = { workspaceId: string; contactId: string };

type Decl<K extends RouteName> = (typeof ROUTES)[K];
type Parsed<D, F extends string> = D extends { [k in F]: infer S extends z.ZodType } ? z.output<S> : undefined;

/** What a route handler receives: the request and response, who calls, and its parsed input. */
export type RouteCall<K extends RouteName> = {
  req: Request;
  res: Response;
  /** The member calling (null on public routes, and for a visitor on `visitors` routes). */
  me: Decl<K>['permission'] extends 'public' ? null : Decl<K> extends { visitors: true } ? AgentIdentity | null : AgentIdentity;
  /** The visitor calling, on routes declared with `visitors`. */
  visitor: Decl<K> extends { visitors: true } ? VisitorCaller | null : null;
  body: Parsed<Decl<K>, 'body'>;
  query: Parsed<Decl<K>, 'query'>;
  /** Path parameters: parsed with the declared schema, else as Express gives them. */
  params: Decl<K> extends { params: infer S extends z.ZodType } ? z.output<S> : Record<string, string>;
};

/**
 * A route's handler. What it returns (unless undefined, or it answered itself) is sent as
 * JSON with status 200.
 */
export type RouteHandler<K extends RouteName> = (call: RouteCall<K>) => unknown;
/** One handler per declared route: a route missing here, or one not declared, does not compile. */
export type RouteHandlers = { [K in RouteName]: RouteHandler<K> };

/**
 * Mounts every declared route (protocol ROUTES) on `app`, each behind the one check of its
 * declaration: `public` routes run as they are; any other resolves the session
 * (UNAUTHENTICATED otherwise; on `visitors` routes a visitor session is accepted too) and
 * then checks the permission (403 FORBIDDEN naming it) before the body, query and path
 * parameters are parsed (400 VALIDATION_FAILED).
 */
export function mountRoutes(app: Express, ctx: ServiceContext, handlers: RouteHandlers): void {
  for (const name of Object.keys(ROUTES) as RouteName[]) {
    const decl: RouteDecl = ROUTES[name];
    const handler = handlers[name] as RouteHandler<RouteName>;
    const method = decl.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    // Each request runs in a database scope of its own (db/scope.ts): no workspace until the
    // session names one (authenticate narrows it), so a public route reads no tenant row
    // unless it scopes itself or takes a named privileged path.
    app[method](decl.path, (req, res) => withRequestScope(async () => {
      let me: AgentIdentity | null = null;
      let visitor: VisitorCaller | null = null;
      if (decl.permission !== 'public') {
        const token = requestToken(req);
        if (!token) throw new AppError('UNAUTHENTICATED', 'log in first');
        const v = decl.visitors && /^[A-Za-z0-9_-]{43}$/.test(token) ? await findVisitorSession(ctx.db, token, ctx.clock.now()) : null;
        if (v) {
          visitor = { workspaceId: v.workspace_id, contactId: v.contact_id };
          scopeToWorkspace(v.workspace_id);
        } else {
          me = await authenticate(ctx, token);
          requirePermission(me.permissions, decl.permission, `${decl.method} ${decl.path}`);
        }
      }
      const input = {
        body: decl.body ? parse(decl.body, req.body ?? {}) : undefined,
        query: decl.query ? parse(decl.query, req.query) : undefined,
        params: decl.params ? parse(decl.params, req.params) : req.params,
      };
      const out = await handler({ req, res, me, visitor, ...input } as RouteCall<RouteName>);
      if (out !== undefined && !res.headersSent) res.json(out);
    }));
  }
}

type Layer = { route?: { path: unknown; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: unknown };

/**
 * Every route Express has (method and full path, walking mounted routers) that the
 * protocol's ROUTES does not declare. The role matrix test asserts it is empty.
 */
export function undeclaredRoutes(app: Express): string[] {
  const declared = new Set(Object.values(ROUTES).map((r: RouteDecl) => `${r.method} ${r.path}`));
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [m, on] of Object.entries(layer.route.methods))
          if (on && m !== '_all') found.push(`${m.toUpperCase()} ${prefix}${String(layer.route.path)}`);
        if (layer.route.methods._all) found.push(`ALL ${prefix}${String(layer.route.path)}`);
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath.replace(/\/$/, '') : '';
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return found.filter((r) => !declared.has(r));
}
