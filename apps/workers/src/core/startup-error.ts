/**
 * A condition that stops the process from starting and that an operator fixes (a dependency unreachable, a
 * processor missing): main prints its message as one line and exits non-zero, without a stack.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
