// A reason `twofold serve` will not start that is not one variable's value: the schema is behind,
// another server holds the data, the port is taken. The CLI prints the message as one line and
// exits 1, like a ConfigError; the message itself says what to do.
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
