// Shared zod schemas for route input and output; they also generate /v1/openapi.json.
import { z } from 'zod';

export const clientSchema = z.enum(['web', 'app']).default('web');
export const emailInput = z.string().max(320);
export const passwordInput = z.string().min(1).max(1024);

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  email_verified: z.boolean(),
  created_at: z.string(),
  mfa: z.object({
    enabled: z.boolean(),
    method: z.enum(['totp', 'sms', 'passkey']).nullable(),
    phone_hint: z.string().optional(),
    methods: z.array(z.enum(['totp', 'sms', 'passkey'])).optional(),
  }),
  google_linked: z.boolean(),
});

export const authenticatedSchema = z.object({
  status: z.literal('authenticated'),
  user: userSchema,
  token: z.string().optional(),
});

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    code: z.string(),
  })
  .passthrough();

/** Error answers documented for a route, by status. */
export function problems(...statuses: number[]): Record<number, typeof problemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, problemSchema]));
}

export const mfaRequiredSchema = z.object({
  status: z.literal('mfa_required'),
  challenge: z.string(),
  method: z.enum(['totp', 'sms', 'passkey']),
  methods: z.array(z.enum(['totp', 'sms', 'passkey'])),
  phone_hint: z.string().optional(),
  expires_at: z.string(),
});
