let instances = 0;

/**
 * A private copy of a self-contained factory function, compiled from its own source text.
 *
 * Why: V8 optimises a closure against the constants it captured (typed arrays, tree depth) only while
 * a single closure exists for that function literal. With one shared kernel, the second compiled
 * model makes every model run generic code, measured 2–3× slower. A fresh copy per model keeps each
 * one specialised. The source text is this package's own function (never model data), and a trailing
 * comment makes it unique so V8's compilation cache cannot hand back a shared copy.
 *
 * Returns `undefined` when the copy cannot be made (code generation from strings disabled, or a
 * tool rewrote the function so it refers to outer bindings); callers then use the factory itself.
 */
export function specializeFactory<F extends (...args: never[]) => unknown>(factory: F): F | undefined {
  try {
    instances++;
    const source = `return (${factory.toString()});\n// vigil specialised kernel #${instances}`;
    const copy: unknown = new Function(source)();
    return typeof copy === 'function' ? (copy as F) : undefined;
  } catch {
    return undefined;
  }
}
