/** Use-case errors of the payments library; the API maps them by name to its error objects. */
export class PaymentNotFoundError extends Error {
  override readonly name = 'PaymentNotFoundError';
}
