/** Injection tokens of the workers process. Classes are their own tokens; these name plain values. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const LOGGER = Symbol('LOGGER');
/** A fail-fast Redis connection for heartbeats and readiness (never queues commands while Redis is down). */
export const REDIS = Symbol('REDIS');
export const WORKER_IDENTITY = Symbol('WORKER_IDENTITY');
/** Resolved processor instances with the job each one handles. */
export const JOB_PROCESSORS = Symbol('JOB_PROCESSORS');
/** The BullMQ worker hosts, one per served queue. */
export const QUEUE_HOSTS = Symbol('QUEUE_HOSTS');
export const WORKERS_OPTIONS = Symbol('WORKERS_OPTIONS');
/** The process's outbox relay, or null when disabled (WorkersOptions.outboxRelay = false). */
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
