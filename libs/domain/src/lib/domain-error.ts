/**
 * Base class of every rule violation the domain reports. Callers map errors by `code` (the API's exception
 * filter turns them into its error object), so a code, once published, keeps its meaning.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;

  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
    // Keeps `instanceof` working when the library is compiled to ES5 by a consumer.
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
