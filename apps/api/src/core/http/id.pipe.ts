import { Param, type PipeTransform } from '@nestjs/common';
import { type IdKind, isId } from '@lsp/domain';
import { ApiException } from './api.exception';

/**
 * A path id of the expected kind, or 404: a malformed id names no object, and answering 404 (not 400) keeps
 * another tenant's ids and random guesses indistinguishable.
 */
class IdPipe implements PipeTransform<string, string> {
  constructor(
    private readonly kind: IdKind,
    private readonly what: string,
  ) {}

  transform(value: string): string {
    if (!isId(this.kind, value)) throw ApiException.notFound(this.what, String(value).slice(0, 64));
    return value;
  }
}

export const IdParam = (kind: IdKind, name = 'id'): ParameterDecorator =>
  Param(name, new IdPipe(kind, kind.replace(/([A-Z])/g, ' $1').toLowerCase()));
