import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('config', () => {
  it('runs with no environment at all: embedded database, in-process bus', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATA_DIR: '.data' });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'not a url', LOG_LEVEL: 'loud' })).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*LOG_LEVEL/);
  });

  it('parses lists and numbers', () => {
    const c = loadConfig({ AGENT_ORIGINS: 'https://a.example, https://b.example', DB_POOL_MAX: '20' });
    expect(c.AGENT_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(c.DB_POOL_MAX).toBe(20);
  });
});
