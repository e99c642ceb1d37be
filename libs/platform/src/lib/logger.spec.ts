import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { requestContext } from './request-context';

function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('stamps every line written during a request with its request id, across awaits', async () => {
    const { lines, stream } = capture();
    const logger = createLogger('api', 'info', stream);
    await requestContext.run({ requestId: 'req_abc' }, async () => {
      logger.info('before await');
      await new Promise((r) => setImmediate(r));
      logger.info('after await');
    });
    logger.info('outside');
    expect(lines.map((l) => [l['msg'], l['requestId']])).toEqual([
      ['before await', 'req_abc'],
      ['after await', 'req_abc'],
      ['outside', undefined],
    ]);
    expect(lines[0]).toMatchObject({ service: 'api', level: 'info' });
  });

  it('redacts credentials even when code passes them by mistake', () => {
    const { lines, stream } = capture();
    createLogger('api', 'info', stream).info(
      {
        password: 'hunter2',
        body: { refreshToken: 'rtk_x', secret: 'lsp_test_x' },
        headers: { authorization: 'Bearer x' },
      },
      'oops',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['hunter2', 'rtk_x', 'lsp_test_x', 'Bearer x']) expect(text).not.toContain(secret);
  });
});
