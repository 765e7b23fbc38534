/** Randomness comes in as an argument; production uses the CSPRNG (node:crypto randomBytes). */
export interface Random {
  bytes(n: number): Uint8Array;
}
