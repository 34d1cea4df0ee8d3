/**
 * `work`'s value if it settles within `ms`, else 'late' (the work goes on, and
 * a later failure of it is not left unhandled). A rejection within `ms` rejects.
 */
export async function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  try {
    const first = await Promise.race([work, late]);
    if (first === 'late') work.catch(() => undefined);
    return first;
  } finally {
    clearTimeout(timer);
  }
}
