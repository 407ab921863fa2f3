import {
  ConflictError,
  InvalidParameterError,
  LimitExceededError,
  MissingParameterError,
  NotFoundError,
} from '@beacon/core';
import { describe, expect, it } from 'vitest';
import { success, v2DomainError, v2StatusError } from './nacos-v2-result.js';

describe('Nacos 2.x Results', () => {
  it('wraps an answer as code 0, "success"', () => {
    expect(success('ok')).toEqual({ code: 0, message: 'success', data: 'ok' });
  });

  it('a missing parameter is 10000 with Nacos words naming its type', () => {
    expect(v2DomainError(new MissingParameterError('port', 'Integer'))).toEqual({
      status: 400,
      body: {
        code: 10000,
        message: 'parameter missing',
        data: "Required parameter 'port' type Integer is not present",
      },
    });
  });

  it.each([
    [new InvalidParameterError('w', 'weight'), 400, 21001, 'weight error'],
    [new InvalidParameterError('c', 'instance'), 400, 21004, 'instance error'],
    [new InvalidParameterError('s', 'selector'), 400, 21006, 'selector error'],
    [new ConflictError('e', 'service-exists'), 400, 21007, 'service already exist'],
    [new NotFoundError('m', 'service-missing'), 400, 21008, 'service not exist'],
    [new InvalidParameterError('n', 'service-not-empty'), 400, 21009, 'service delete failure'],
    [new ConflictError('t', 'namespace'), 400, 22000, 'illegal namespace'],
    [new NotFoundError('u', 'namespace-missing'), 404, 22001, 'namespace not exist'],
    [new InvalidParameterError('x', 'illegal-state'), 400, 23000, 'illegal state'],
  ])('a reason gets its own code: %s', (error, status, code, message) => {
    expect(v2DomainError(error)).toEqual({ status, body: { code, message, data: error.message } });
  });

  it.each([
    [new InvalidParameterError('bad'), 400, 20002],
    [new NotFoundError('gone'), 404, 20004],
    [new ConflictError('twice'), 400, 20005],
    [new LimitExceededError('full'), 400, 20002],
  ])('otherwise the kind decides: %s', (error, status, code) => {
    const reply = v2DomainError(error);
    expect(reply.status).toBe(status);
    expect(reply.body.code).toBe(code);
    expect(reply.body.data).toBe(error.message);
  });

  it('other failures go by HTTP status: ours are 30000 "server error"', () => {
    expect(v2StatusError(404, 'no such api').body.code).toBe(20004);
    expect(v2StatusError(415, 'type').body.code).toBe(20003);
    expect(v2StatusError(413, 'large')).toEqual({
      status: 413,
      body: { code: 20002, message: 'parameter validate error', data: 'large' },
    });
    expect(v2StatusError(500, 'boom')).toEqual({
      status: 500,
      body: { code: 30000, message: 'server error', data: 'boom' },
    });
  });
});
