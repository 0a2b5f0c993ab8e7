/**
 * Everything the code under test writes to stdout and stderr while `run` runs (Powertools writes
 * errors with console.error, the rest with console.log), for tests that a log says something, or
 * never holds a secret.
 */
export async function capturedLogs<T>(run: () => Promise<T>): Promise<{ result: T; logs: string }> {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    return { result: await run(), logs: chunks.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
