/** Ends the process with a message for the operator on stderr. */
export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
