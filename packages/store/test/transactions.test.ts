import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TesseraError } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/open-store.js';
import { aCredential, aKey, aTenant, describeContract, seedTenant } from './support.js';

describeContract('Store.transaction', ({ store }) => {
  it('commits every write and resolves with the callback value', async () => {
    const tenant = aTenant();
    const value = await store().transaction(async (tx) => {
      await tx.tenants.insert(tenant);
      await tx.keys.insert(aKey(tenant.id));
      return 42;
    });
    expect(value).toBe(42);
    expect(await store().tenants.byId(tenant.id)).toStrictEqual(tenant);
    expect(await store().keys.active(tenant.id)).toBeDefined();
  });

  it('a rolled-back transaction leaves no row, and the error reaches the caller unchanged', async () => {
    const tenant = aTenant();
    const boom = new Error('boom');
    await expect(
      store().transaction(async (tx) => {
        await tx.tenants.insert(tenant);
        await tx.credentials.insert(aCredential(tenant.id));
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await store().tenants.byId(tenant.id)).toBeUndefined();
    expect(await store().credentials.count(tenant.id)).toBe(0);
  });

  it('a conflict inside a transaction undoes the credential written before it', async () => {
    const t = await seedTenant(store());
    const first = aCredential(t.id);
    await store().transaction(
      async (tx) => {
        await tx.credentials.insert(first);
        await tx.idempotency.insert({
          tenantId: t.id,
          key: 'k',
          requestHash: '00',
          credentialId: first.id,
          createdAt: first.issuedAt,
        });
      },
      { tenantId: t.id },
    );
    const second = aCredential(t.id);
    const failure = store().transaction(
      async (tx) => {
        await tx.credentials.insert(second);
        await tx.idempotency.insert({
          tenantId: t.id,
          key: 'k',
          requestHash: '00',
          credentialId: second.id,
          createdAt: second.issuedAt,
        });
      },
      { tenantId: t.id },
    );
    await expect(failure).rejects.toBeInstanceOf(TesseraError);
    await expect(failure).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await store().credentials.byId(t.id, second.id)).toBeUndefined();
    expect(await store().credentials.count(t.id)).toBe(1);
  });

  it('reads inside a transaction see its own uncommitted writes', async () => {
    const t = await seedTenant(store());
    const c = aCredential(t.id);
    const seen = await store().transaction(
      async (tx) => {
        await tx.credentials.insert(c);
        return tx.credentials.byId(t.id, c.id);
      },
      { tenantId: t.id },
    );
    expect(seen).toStrictEqual(c);
  });

  it('one transaction may touch two tenants; each call still sees only its own tenant', async () => {
    const one = await seedTenant(store());
    const two = await seedTenant(store());
    const c1 = aCredential(one.id);
    const c2 = aCredential(two.id);
    const seen = await store().transaction(async (tx) => {
      await tx.credentials.insert(c1);
      await tx.credentials.insert(c2);
      return [await tx.credentials.byId(two.id, c1.id), await tx.credentials.byId(one.id, c1.id)];
    });
    expect(seen).toStrictEqual([undefined, c1]);
  });

  it('concurrent transactions each commit exactly their own rows', async () => {
    const t = await seedTenant(store());
    const creds = Array.from({ length: 40 }, () => aCredential(t.id));
    await Promise.all(
      creds.map((c, i) =>
        store()
          .transaction(
            async (tx) => {
              await tx.credentials.insert(c);
              if (i % 5 === 0) throw new Error(`drop ${i}`);
            },
            { tenantId: t.id },
          )
          .catch((e: Error) => e),
      ),
    );
    for (const [i, c] of creds.entries()) {
      expect(await store().credentials.byId(t.id, c.id), `credential ${i}`).toStrictEqual(
        i % 5 === 0 ? undefined : c,
      );
    }
    expect(await store().credentials.count(t.id)).toBe(32);
  });

  it('solo transactions (large writes) commit or roll back alone, among shared ones that still commit', async () => {
    const tenants = Array.from({ length: 6 }, () => aTenant());
    const boom = new Error('solo failed');
    const outcomes = await Promise.allSettled(
      tenants.map((t, i) =>
        store().transaction(
          async (tx) => {
            await tx.tenants.insert(t);
            if (i === 2) throw boom;
          },
          { solo: i % 2 === 0 },
        ),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBe(boom);
    for (const [i, t] of tenants.entries())
      expect(await store().tenants.byId(t.id)).toStrictEqual(i === 2 ? undefined : t);
  });

  it('using the store itself inside its transaction callback fails instead of deadlocking', async () => {
    const t = await seedTenant(store());
    await expect(store().transaction(() => store().credentials.count(t.id))).rejects.toMatchObject({
      code: 'INTERNAL',
    });
  });

  it('ping answers while the database is reachable', async () => {
    await expect(store().ping()).resolves.toBeUndefined();
  });
});

describe('the transaction guard, turned off (the server outside development)', () => {
  it('leaves a store read inside a transaction callback unchecked: no async-context mark to consult', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-unguarded-'));
    const store = await openStore(`sqlite:${join(dir, 'tessera.db')}`, { guardTransactions: false });
    try {
      const t = await seedTenant(store);
      // A guarded store refuses this with INTERNAL (above); a file store reads it on its read connection.
      await expect(store.transaction(() => store.credentials.count(t.id))).resolves.toBe(0);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
