import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AppDeps,
  authenticate,
  createAchievement,
  createApiKey,
  createTenant,
  type TenantRecord,
} from '@tessera/app';
import { OB_CONTEXT, VC_V2_CONTEXT } from '@tessera/credentials';

export const DEMO_SLUG = 'demo';

/** The demo lab's bench skills (also the CLI demo's achievement). */
export const DEMO_ACHIEVEMENTS: Record<string, unknown>[] = [
  {
    achievementType: 'Competency',
    name: 'Oscilloscope probe compensation',
    description:
      'Compensates a 10x passive probe against the calibrator square wave so edges show neither overshoot nor rounding.',
    criteria: {
      narrative:
        'Observed at the bench: connects the probe to the calibrator, adjusts the trimmer until the square wave is flat, and explains over- and under-compensation.',
    },
    tag: ['oscilloscope', 'probe', 'measurement'],
  },
  {
    achievementType: 'Competency',
    name: 'SMD soldering (0603 passives, SOIC)',
    description:
      'Hand-solders 0603 resistors and capacitors and a SOIC-8 package with correct fillets and no bridges.',
    criteria: {
      narrative:
        'Solders the assessment board within 20 minutes; joints pass visual inspection under magnification and the board passes its continuity test.',
    },
    tag: ['soldering', 'SMD', 'assembly'],
  },
  {
    achievementType: 'Competency',
    name: 'Oscilloscope measurement',
    description:
      'Sets up triggering, timebase and vertical scale to measure rise time, frequency and amplitude of a signal.',
    criteria: {
      narrative:
        'Measures three unknown signals within 5 % of the reference values and explains the trigger settings used.',
    },
    tag: ['oscilloscope', 'triggering', 'measurement'],
  },
];

export interface DemoInfo {
  readonly tenant: TenantRecord;
  readonly apiKey: string;
  readonly achievementId: string;
  readonly seeded: boolean;
}

const readKey = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined);

/**
 * Seeds the demo tenant when the store is empty, and makes sure `<dataDir>/demo-api-key` holds a
 * working key for it (reused across starts; a fresh one if the file is missing or was revoked).
 * Returns undefined when the store holds other tenants but no demo tenant: nothing to show.
 */
export async function ensureDemo(deps: AppDeps, dataDir: string): Promise<DemoInfo | undefined> {
  let tenant = await deps.store.tenants.bySlug(DEMO_SLUG);
  let seeded = false;
  if (!tenant) {
    if ((await deps.store.tenants.list()).length > 0) return undefined;
    tenant = (
      await createTenant(deps, {
        slug: DEMO_SLUG,
        name: 'Demo Electronics Lab',
        description: 'A demonstration issuer of bench-skill micro-credentials.',
      })
    ).tenant;
    for (const a of DEMO_ACHIEVEMENTS) await createAchievement(deps, tenant, a);
    seeded = true;
  }
  const path = join(dataDir, 'demo-api-key');
  let apiKey = readKey(path);
  const works = apiKey
    ? await authenticate(deps, apiKey).then(
        (p) => p.tenantId === tenant.id,
        () => false,
      )
    : false;
  if (!apiKey || !works) {
    apiKey = (
      await createApiKey(deps, tenant.id, { name: 'demo', scopes: ['issue', 'read', 'admin', 'status'] })
    ).token;
    writeFileSync(path, `${apiKey}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  const achievements = await deps.store.achievements.list(tenant.id);
  const probe =
    achievements.find((a) => a.achievement.name === DEMO_ACHIEVEMENTS[0]!.name) ?? achievements[0];
  return { tenant, apiKey, achievementId: probe?.id ?? '', seeded };
}

/** A request body that issues a demo credential to a sample holder. */
export function demoIssueBody(achievementId: string): Record<string, unknown> {
  return {
    credential: {
      '@context': [VC_V2_CONTEXT, OB_CONTEXT],
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      name: 'Oscilloscope probe compensation',
      credentialSubject: {
        id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
        type: ['AchievementSubject'],
      },
    },
    options: { format: 'eddsa-jcs-2022', achievementId },
  };
}

/** The `curl` line printed at start-up. */
export function demoCurl(publicUrl: string, apiKey: string, achievementId: string): string {
  const body = JSON.stringify(demoIssueBody(achievementId));
  return `curl -sS -X POST ${publicUrl}/credentials/issue -H 'Authorization: Bearer ${apiKey}' -H 'Content-Type: application/json' -d '${body}'`;
}
