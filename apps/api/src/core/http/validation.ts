import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiException } from './api.exception';

/**
 * Whitelisting with `forbidNonWhitelisted` rejects unknown fields; the first failing constraint becomes a 400 that
 * names the field by its full path (`customer.email`).
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const [param, message] = firstError(errors, '');
      return ApiException.invalid(param, message);
    },
  });
}

function firstError(errors: ValidationError[], parent: string): [string, string] {
  const error = errors[0];
  const path = parent ? `${parent}.${error.property}` : error.property;
  if (error.constraints) {
    const [key, text] = Object.entries(error.constraints)[0];
    if (key === 'whitelistValidation') return [path, `Unknown field '${path}'`];
    return [path, text.replace(error.property, path)];
  }
  if (error.children?.length) return firstError(error.children, path);
  return [path, `Invalid value for '${path}'`];
}
