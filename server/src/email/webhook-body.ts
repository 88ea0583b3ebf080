import type { Request } from 'express';
import busboy from 'busboy';
import { AppError } from '../http/errors.js';

/** Reads a request body up to `limit` bytes (413 past it). */
export function readBody(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new AppError('PAYLOAD_TOO_LARGE', `request body over ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Fields of a multipart or urlencoded form; file parts come back as fields too (their bytes). */
export type Form = Map<string, Buffer>;

/** Parses a form body with busboy, up to `limit` bytes in all (413 past it). */
export function readForm(req: Request, limit: number): Promise<Form> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fieldSize: limit, fileSize: limit, fields: 200, files: 50, parts: 250 } });
    } catch {
      reject(new AppError('UNSUPPORTED_MEDIA_TYPE', 'malformed form content type'));
      return;
    }
    const form: Form = new Map();
    let total = 0;
    let failed = false;
    const fail = (e: AppError) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      req.resume();
      reject(e);
    };
    const add = (name: string, value: Buffer) => {
      total += value.length;
      if (total > limit) return fail(new AppError('PAYLOAD_TOO_LARGE', `request body over ${limit} bytes`));
      if (!form.has(name)) form.set(name, value);
    };
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(new AppError('PAYLOAD_TOO_LARGE', `field ${name} too large`));
      add(name, Buffer.from(value, 'utf8'));
    });
    bb.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => fail(new AppError('PAYLOAD_TOO_LARGE', `file ${name} too large`)));
      stream.on('close', () => add(name, Buffer.concat(chunks)));
    });
    bb.on('error', () => fail(new AppError('VALIDATION_FAILED', 'malformed form body')));
    bb.on('close', () => {
      if (!failed) resolve(form);
    });
    req.pipe(bb);
  });
}
