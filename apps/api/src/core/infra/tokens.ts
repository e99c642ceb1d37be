export const APP_CONFIG = Symbol('APP_CONFIG');
export const LOGGER = Symbol('LOGGER');
/** Request-path Redis: commands fail within a second while Redis is down (→ 503), never queue up. */
export const REDIS = Symbol('REDIS');
/** Dedicated subscriber connection for cross-replica invalidation messages. */
export const REDIS_SUBSCRIBER = Symbol('REDIS_SUBSCRIBER');
