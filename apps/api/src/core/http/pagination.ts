import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { ListResponse } from '@lsp/contracts';

/**
 * `?limit=1..100&startingAfter=<id>`. Ids sort by creation time (ULID bodies), so "newest first" is
 * `ORDER BY id DESC` and the next page is `id < startingAfter`: stable under concurrent inserts, no OFFSET scans.
 */
export class ListQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Id of the last object of the previous page' })
  @IsOptional()
  @Matches(/^[a-z]{2,3}_[0-9A-Z]{26}$/, { message: 'startingAfter must be an object id' })
  startingAfter?: string;
}

export const DEFAULT_PAGE_SIZE = 20;

/** Fetch `limit + 1` rows ordered by id DESC, then hand them here. */
export function toListResponse<R extends { id: string }, V>(
  rows: R[],
  limit: number,
  map: (row: R) => V,
): ListResponse<V> {
  return { object: 'list', data: rows.slice(0, limit).map(map), hasMore: rows.length > limit };
}
