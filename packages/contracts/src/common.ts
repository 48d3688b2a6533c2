import { z } from 'zod';

/** Who may do what: the three roles of users and API keys. */
export const roleSchema = z.enum(['admin', 'analyst', 'viewer']);
export type Role = z.infer<typeof roleSchema>;

/** A binary verdict at the model threshold. */
export const verdictSchema = z.enum(['benign', 'attack']);
export type Verdict = z.infer<typeof verdictSchema>;
