import { describe, expect, it } from 'vitest';
import { configuredOrigin, readServerConfig, trustedOrigin } from './config';

const LAN = { address: '192.168.1.20', port: 3000 };

function originFor(requestUrl: string, listening: { address: string; port: number } | null, configured?: string) {
  return trustedOrigin({ configured, requestUrl: new URL(requestUrl), listening });
}

describe('configuredOrigin', () => {
  it('keeps the scheme, host and port of ORIGIN, and ignores what is not an http(s) URL', () => {
    expect(configuredOrigin('https://fund.example.cn/')).toBe('https://fund.example.cn');
    expect(configuredOrigin(' http://fund.example.cn:8080/path ')).toBe('http://fund.example.cn:8080');
    expect(configuredOrigin(undefined)).toBeUndefined();
    expect(configuredOrigin('')).toBeUndefined();
    expect(configuredOrigin('fund.example.cn')).toBeUndefined();
    expect(configuredOrigin('javascript:alert(1)')).toBeUndefined();
  });
});

describe('trustedOrigin', () => {
  it('is ORIGIN whenever it is set, whatever the Host', () => {
    expect(originFor('http://evil.example/f/x', LAN, 'https://fund.example.cn')).toBe('https://fund.example.cn');
  });

  it('is the address the connection reached, never a forged Host', () => {
    expect(originFor('http://evil.example/f/x', LAN)).toBe('http://192.168.1.20:3000');
    expect(originFor('http://192.168.1.20:3000/f/x', LAN)).toBe('http://192.168.1.20:3000');
    expect(originFor('http://192.168.1.20:6666/f/x', LAN)).toBe('http://192.168.1.20:3000');
    // A Host of localhost is believed only on a loopback connection, on the same port.
    expect(originFor('http://localhost:3000/f/x', LAN)).toBe('http://192.168.1.20:3000');
    expect(originFor('http://localhost:3000/f/x', { address: '127.0.0.1', port: 3000 })).toBe('http://localhost:3000');
    expect(originFor('http://localhost:4000/f/x', { address: '127.0.0.1', port: 3000 })).toBe('http://127.0.0.1:3000');
    expect(originFor('http://localhost/f/x', { address: '::1', port: 80 })).toBe('http://localhost');
  });

  it('writes IPv6 and IPv4-mapped addresses as URL hosts', () => {
    expect(originFor('http://evil.example/', { address: '::ffff:10.0.0.5', port: 3000 })).toBe('http://10.0.0.5:3000');
    expect(originFor('http://evil.example/', { address: '2001:db8::5', port: 3000 })).toBe('http://[2001:db8::5]:3000');
    expect(originFor('http://evil.example/', { address: 'fe80::1%eth0', port: 3000 })).toBe('http://[fe80::1]:3000');
  });

  it('falls back to the request without a connection (the dev server, which caches nothing)', () => {
    expect(originFor('http://localhost:5173/f/x', null)).toBe('http://localhost:5173');
  });
});

describe('readServerConfig: the replica', () => {
  it('reads DATABASE_REPLICA_URL and the lag bound, keeping the default for a bound that is not whole seconds', () => {
    const unset = readServerConfig({});
    expect(unset.databaseReplicaUrl).toBeUndefined();
    expect(unset.replicaLagNoteSeconds).toBe(30);
    const set = readServerConfig({
      DATABASE_REPLICA_URL: ' postgres://r@replica/gongjian ',
      REPLICA_LAG_NOTE_SECONDS: '5'
    });
    expect(set.databaseReplicaUrl).toBe('postgres://r@replica/gongjian');
    expect(set.replicaLagNoteSeconds).toBe(5);
    for (const broken of ['-1', '2.5', 'soon', '']) {
      expect(readServerConfig({ REPLICA_LAG_NOTE_SECONDS: broken }).replicaLagNoteSeconds).toBe(30);
    }
  });
});
