import { Foundation1764130000000 } from './1764130000000-foundation';

/** Every migration, in order. Listed explicitly so bundlers keep them and the order is reviewable. */
export const MIGRATIONS = [Foundation1764130000000];
