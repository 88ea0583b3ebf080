import type { Socket } from 'socket.io';
import proxyaddr from 'proxy-addr';
import { describe, expect, it } from 'vitest';
import { auditRequestOfSocket } from './audit.request.js';

const socket = (headers: Record<string, string>, address = '127.0.0.1') => ({ id: 'sock-1', handshake: { headers, address } }) as unknown as Socket;

describe('auditRequestOfSocket', () => {
  it('takes the handshake’s client address as Express would (trusted proxies only), its user agent, and the socket id', () => {
    const s = socket({ 'user-agent': 'Inbox/1.0', 'x-forwarded-for': '198.51.100.4, 203.0.113.9' });
    expect(auditRequestOfSocket(s, proxyaddr.compile('loopback'))).toEqual({ ip: '203.0.113.9', userAgent: 'Inbox/1.0', requestId: 'sock-1' });
    expect(auditRequestOfSocket(s, proxyaddr.compile([]))).toEqual({ ip: '127.0.0.1', userAgent: 'Inbox/1.0', requestId: 'sock-1' });
    expect(auditRequestOfSocket(socket({}), proxyaddr.compile([])).userAgent).toBeNull();
  });
});
