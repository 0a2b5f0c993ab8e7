/**
 * The part of vega and vega-lite the latency chart uses. Both ship types, but only under their package
 * `exports`, which this project's `moduleResolution: node10` does not read; switching the whole
 * project's resolution for one chart is not worth it, so this declares just enough for strict checks.
 */
declare module 'vega-lite' {
  export function compile(spec: object): { spec: object };
}

declare module 'vega' {
  export interface Runtime {
    readonly __vegaRuntime: unique symbol;
  }
  export function parse(spec: object): Runtime;
  export class View {
    constructor(runtime: Runtime, options?: { renderer?: 'none' | 'svg' | 'canvas' });
    toSVG(scaleFactor?: number): Promise<string>;
    finalize(): this;
  }
}
