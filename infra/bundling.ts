// How every Lambda bundle is built (esbuild): ConnectorFunction gives these settings to NodejsFunction and the
// cold-init benchmark builds with the same ones, so what is measured is what is deployed. No CDK import here.
import type { BuildOptions } from 'esbuild';

export const lambdaBundle = {
  target: 'node24',
  format: 'esm',
  /** Smaller bundle, less to read and compile at cold start. */
  minify: true,
  /** External map file (NODE_OPTIONS=--enable-source-maps maps stack traces back to the sources). */
  sourcemap: true,
  mainFields: ['module', 'main'],
  /**
   * Nothing external: the AWS SDK is bundled, so Lambda runs exactly the SDK version the tests ran (the
   * runtime's preinstalled copy is whatever AWS last shipped). NodejsFunction would externalize `@aws-sdk/*`.
   */
  externalModules: [] as string[],
  /** Some dependencies still call require(); give the ESM bundle one. */
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  /** NodejsFunction names an ESM bundle `index.mjs`. */
  outputFile: 'index.mjs',
} as const;

/**
 * esbuild options for one function's bundle, the same flags NodejsFunction passes (`--bundle entry
 * --target --platform=node --format --outfile --minify --sourcemap --main-fields --banner:js`).
 */
export function lambdaEsbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: lambdaBundle.target,
    format: lambdaBundle.format,
    outfile,
    minify: lambdaBundle.minify,
    sourcemap: lambdaBundle.sourcemap,
    mainFields: [...lambdaBundle.mainFields],
    external: [...lambdaBundle.externalModules],
    banner: { js: lambdaBundle.banner },
    logLevel: 'warning',
  };
}
