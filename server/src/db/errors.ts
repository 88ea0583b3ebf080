/** The SQLSTATE of a database error, whether the driver's error or drizzle's wrapper around it. */
export const codeOf = (err: unknown): string | undefined => {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
};

/** A unique-index violation (23505). */
export const isUniqueViolation = (err: unknown): boolean => codeOf(err) === '23505';
