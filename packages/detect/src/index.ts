// Public API of @vigil/detect. Explicit exports only.
