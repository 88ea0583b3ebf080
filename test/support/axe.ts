import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright-core';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[]; html: string }[] };

/**
 * Runs axe-core (WCAG 2.x A/AA rules) in `target` and returns the critical and serious
 * violations, each with the selectors of the nodes at fault. `include` limits the check to
 * one part of the page (a CSS selector), for example the widget's host element.
 */
export async function axeViolations(target: Page | Frame, o: { include?: string } = {}): Promise<AxeViolation[]> {
  const loaded = await target.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  // Evaluated through the debugging protocol, not added as a script tag: a page with a strict
  // Content-Security-Policy (the inbox) would refuse the tag.
  if (!loaded) await target.evaluate(readFileSync(axePath, 'utf8'));
  const results = await target.evaluate(async (include) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(include ? { include: [include] } : document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target as string[], html: n.html.slice(0, 200) })) }));
  }, o.include ?? null);
  return results.filter((v) => v.impact === 'critical' || v.impact === 'serious');
}

/** A readable list of violations for a failing assertion message. */
export function describeViolations(vs: AxeViolation[]): string {
  return vs.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}  ${n.html}`).join('\n')}`).join('\n');
}

/**
 * Saves a screenshot of `page` as `test-results/<name>.png` and checks it with axe-core, softly
 * (the test goes on, and fails at its end listing the violations).
 */
export async function screenAndAxe(page: Page, name: string): Promise<void> {
  const { expect } = await import('vitest');
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: `test-results/${name}.png` });
  const vs = await axeViolations(page);
  expect.soft(vs, `${name}:\n${describeViolations(vs)}`).toEqual([]);
}
