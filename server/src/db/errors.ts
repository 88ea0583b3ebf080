/** The SQLSTATE of a database error, whether the driver's error or drizzle's wrapper around it. */
export const codeOf = (err: unknown): string | undefined => {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
};

/** A unique-index violation (23505). */
export const isUniqueViolation = (err: unknown): boolean => codeOf(err) === '23505';

/** The name of the constraint a database error is about (postgres.js `constraint_name`, PGlite `constraint`), or ''. */
export const constraintOf = (err: unknown): string => {
  type E = { constraint_name?: unknown; constraint?: unknown; cause?: E } | null;
  const e = err as E;
  const name = e?.constraint_name ?? e?.constraint ?? e?.cause?.constraint_name ?? e?.cause?.constraint;
  return typeof name === 'string' ? name : '';
};
