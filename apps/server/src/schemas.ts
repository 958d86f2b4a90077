import { PROOF_FORMATS } from '@tessera/credentials';
import { z } from 'zod';

/**
 * Request and response schemas: the same objects validate requests and generate `/openapi.json`.
 * Credential content is validated by the credential engine (it reports OB 3.0 fields precisely),
 * so here a credential is only "a JSON object".
 */
const JsonObject = z.record(z.string(), z.unknown());
const Scope = z.enum(['issue', 'status', 'admin', 'read']);

export const IssueRequestSchema = z
  .object({
    credential: JsonObject.describe(
      'An unsigned OB 3.0 OpenBadgeCredential; its issuer is replaced by the tenant',
    ),
    options: z
      .object({
        format: z.enum(PROOF_FORMATS).optional().describe('Proof format (default eddsa-rdfc-2022)'),
        achievementId: z
          .string()
          .min(1)
          .optional()
          .describe('A tenant achievement id: its latest version becomes credentialSubject.achievement'),
      })
      .optional(),
  })
  .meta({ id: 'IssueRequest' });

export const VerifyCredentialRequestSchema = z
  .object({
    verifiableCredential: z
      .union([z.string(), JsonObject])
      .describe('A secured credential: Data Integrity JSON or a compact vc+jwt'),
    options: z
      .object({
        receipt: z
          .unknown()
          .optional()
          .describe("A TesseraLogReceipt (GET /credentials/{id}/receipt): adds the report's log check"),
      })
      .catchall(z.unknown())
      .optional(),
  })
  .meta({ id: 'VerifyCredentialRequest' });

export const VerifyPresentationRequestSchema = z
  .object({
    verifiablePresentation: z.union([z.string(), JsonObject]),
    options: z.object({ challenge: z.string().min(1), domain: z.string().min(1) }),
  })
  .meta({ id: 'VerifyPresentationRequest' });

export const CreateTenantRequestSchema = z
  .object({
    slug: z
      .string()
      .regex(
        /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
        'must be 1-63 lowercase letters, digits or inner hyphens',
      ),
    name: z.string().trim().min(1).max(200),
    url: z.url().optional(),
    email: z.email().optional(),
    image: z.url().optional(),
    description: z.string().max(4000).optional(),
    didMethod: z.enum(['web', 'key']).optional(),
  })
  .meta({ id: 'CreateTenantRequest' });

export const AchievementRequestSchema = JsonObject.describe(
  'OB 3.0 Achievement fields (name, description, criteria, image, alignment, resultDescription, tag…); id, type and version are assigned',
).meta({ id: 'AchievementRequest' });

export const CreateApiKeyRequestSchema = z
  .object({ name: z.string().trim().min(1).max(200), scopes: z.array(Scope).min(1) })
  .meta({ id: 'CreateApiKeyRequest' });

export const AchievementQuerySchema = z.object({ version: z.coerce.number().int().min(1).optional() });

/** VC-API `POST /credentials/status` (W3C VC-API "Update Status"). */
export const UpdateStatusRequestSchema = z
  .object({
    credentialId: z.string().min(1).describe('The credential id (urn:uuid:… or the bare UUID)'),
    credentialStatus: z
      .array(
        z.object({
          type: z.literal('BitstringStatusListEntry'),
          status: z.enum(['revoked', 'suspended', 'active']),
        }),
      )
      .length(1)
      .describe('One change: revoked (final), suspended, or active (reinstates a suspension)'),
    reason: z
      .string()
      .trim()
      .min(1)
      .max(1000)
      .optional()
      .describe('Kept privately by the issuer; never published'),
  })
  .meta({ id: 'UpdateStatusRequest' });

const count = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const InclusionQuerySchema = z.object({
  leaf: z.string().min(1).describe('The RFC 9162 leaf hash, base64 (standard or url-safe)'),
  size: count.describe('The tree size the proof is for'),
});
export const ConsistencyQuerySchema = z.object({ from: count, to: count });
export const EntriesQuerySchema = z.object({ start: count, end: count });
