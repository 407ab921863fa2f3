import { describe, expect, it } from 'vitest';
import { connectionOfHeld, heldConnectionId, holdingNodeOf } from './held-connection-id.js';

describe('held connection ids', () => {
  it('in a cluster, name the node and give back the connection', () => {
    const held = heldConnectionId('node-a:42:abcd', '1700000000000_127.0.0.1_5000');
    expect(held).toBe('node-a:42:abcd/1700000000000_127.0.0.1_5000');
    expect(holdingNodeOf(held)).toBe('node-a:42:abcd');
    expect(connectionOfHeld(held)).toBe('1700000000000_127.0.0.1_5000');
  });

  it('embedded, are the connection id itself and name no node', () => {
    const held = heldConnectionId(undefined, '1700000000000_127.0.0.1_5000');
    expect(held).toBe('1700000000000_127.0.0.1_5000');
    expect(holdingNodeOf(held)).toBeUndefined();
    expect(holdingNodeOf(undefined)).toBeUndefined();
    expect(connectionOfHeld(held)).toBe('1700000000000_127.0.0.1_5000');
  });
});
