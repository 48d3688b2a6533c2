// Public API of @vigil/contracts: zod schemas shared by server, CLI and dashboard.
export {};
