import { hash, verify } from '@node-rs/argon2';

/**
 * Argon2id password hashing (@node-rs/argon2: prebuilt binaries, no native build). The library's
 * defaults follow OWASP's argon2id recommendation (19 MiB, 2 iterations, 1 lane).
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash never authenticates anybody.
    return false;
  }
}

// Verified against when the user does not exist, so a wrong username costs as long as a wrong password.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hash('vigil-timing-equaliser');
  return dummyHash;
}

/** Password rules checked wherever a password is set (API, CLI, env): part of the API contract. */
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@vigil/contracts';
