import type { Ack, Attachment } from '@support/protocol';

/** A file size for people: "512 B", "12 KB", "3.4 MB". */
export const sizeLabel = (n: number): string => (n < 1024 ? `${n} B` : n < 1048576 ? `${Math.round(n / 1024)} KB` : `${(n / 1048576).toFixed(1)} MB`);

/**
 * Uploads a file as the visitor (`POST /api/attachments?filename=…`, bearer visitor token).
 * Never throws: a network failure becomes an `UNAVAILABLE` ack, a refusal the server's error.
 */
export async function uploadFile(base: string, token: string, file: File): Promise<Ack<Attachment>> {
  try {
    const r = await fetch(`${base}api/attachments?filename=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': file.type || 'application/octet-stream' },
      body: file,
    });
    const j = await r.json();
    return r.ok ? { ok: true, data: j } : { ok: false, error: j.error };
  } catch {
    return { ok: false, error: { code: 'UNAVAILABLE', message: 'offline' } };
  }
}

/**
 * Saves an attachment under its filename. A link cannot carry the visitor token across
 * origins, so the file is fetched with it and handed to the browser as a `blob:` download
 * (never opened in the page). The URL is built from the id, so the token only ever goes to
 * the support server. Resolves false when the file could not be fetched.
 */
export async function downloadFile(base: string, token: string, a: Attachment): Promise<boolean> {
  try {
    const r = await fetch(`${base}api/attachments/${encodeURIComponent(a.id)}`, { headers: { authorization: `Bearer ${token}` } });
    if (!r.ok) return false;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await r.blob());
    link.download = a.filename;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    return true;
  } catch {
    return false;
  }
}
