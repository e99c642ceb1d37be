// Preloaded into the API by `bench/payments.mjs --count`: appends every PostgreSQL statement and every Redis
// command (and each pipeline flush) the process sends to $PROBE_LOG, one line each, so the bench can count the
// statements, transactions and round trips of one payment without pg_stat_statements (not preloaded here).
'use strict';
const { appendFileSync } = require('node:fs');
const log = process.env.PROBE_LOG;
const write = (kind, text) => appendFileSync(log, `${kind}\t${String(text).replace(/\s+/g, ' ').slice(0, 300)}\n`);

const pg = require('pg');
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, ...rest) {
  write('pg', typeof config === 'string' ? config : config && config.text);
  return query.call(this, config, ...rest);
};

const { Redis } = require('ioredis');
const { default: Pipeline } = require('ioredis/built/Pipeline');
const send = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (command, stream, ...rest) {
  // A command queued into a pipeline buffer (`stream` given) travels in the pipeline's single round trip.
  write(stream ? 'redis-piped' : 'redis', `${command.name} ${(command.args || []).slice(0, 1).join(' ')}`);
  return send.call(this, command, stream, ...rest);
};
const exec = Pipeline.prototype.exec;
Pipeline.prototype.exec = function (...args) {
  write('redis-pipeline', 'exec');
  return exec.apply(this, args);
};
