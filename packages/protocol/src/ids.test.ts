import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { v7 } from 'uuid';
import { decodeAnyId, decodeId, encodeId, idSchema } from './ids.js';

describe('wire ids', () => {
  it('round-trip any UUID and keep UUIDv7 order as string order', () => {
    fc.assert(
      fc.property(fc.uuid(), (u) => {
        const wire = encodeId('ticket', u);
        expect(wire).toMatch(/^tkt_[0-7][0-9a-hjkmnp-tv-z]{25}$/);
        expect(decodeId('ticket', wire)).toBe(u.toLowerCase());
      }),
    );
    const ids = Array.from({ length: 200 }, () => v7());
    const wires = ids.map((u) => encodeId('message', u));
    expect([...wires].sort()).toEqual(wires.slice().sort((a, b) => (decodeId('message', a)! < decodeId('message', b)! ? -1 : 1)));
  });

  it('match the TypeID reference encoding', () => {
    expect(encodeId('ticket', '01890a5d-ac96-774b-bcce-b302099a8057')).toBe('tkt_01h455vb4pex5vsknk084sn02q');
    expect(encodeId('ticket', '00000000-0000-0000-0000-000000000000')).toBe('tkt_00000000000000000000000000');
    expect(encodeId('ticket', 'ffffffff-ffff-ffff-ffff-ffffffffffff')).toBe('tkt_7zzzzzzzzzzzzzzzzzzzzzzzzz');
    expect(decodeId('ticket', 'tkt_01h455vb4pex5vsknk084sn02q')).toBe('01890a5d-ac96-774b-bcce-b302099a8057');
  });

  it('refuse the wrong prefix, bad characters and overflowing bodies', () => {
    const wire = encodeId('ticket', v7());
    expect(decodeId('inbox', wire)).toBeNull();
    expect(decodeId('ticket', wire.replace(/.$/, 'u'))).toBeNull();
    expect(decodeId('ticket', 'tkt_8' + wire.slice(5))).toBeNull();
    expect(decodeId('ticket', wire + 'a')).toBeNull();
    expect(idSchema('ticket').safeParse(wire).success).toBe(true);
    expect(idSchema('ticket').safeParse(123).success).toBe(false);
    expect(idSchema('ticket').safeParse('tkt_').success).toBe(false);
  });

  it('decodeAnyId reads the kind from the prefix', () => {
    const u = v7();
    expect(decodeAnyId(encodeId('inbox', u))).toEqual({ kind: 'inbox', uuid: u });
    expect(decodeAnyId(encodeId('auditEvent', u))).toEqual({ kind: 'auditEvent', uuid: u });
    for (const bad of ['nope', `xyz_${encodeId('inbox', u).slice(4)}`, 'inb_', `${encodeId('team', u)}x`, '_']) expect(decodeAnyId(bad)).toBeNull();
  });
});
