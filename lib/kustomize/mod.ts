/**
 * Kustomizations: what a kustomization reads (followed transitively), and
 * building one with `kustomize build` or `kubectl kustomize`.
 *
 * @module
 */
export {
  type InputsCache,
  isInside,
  type KustomizationInputs,
  kustomizationInputs,
  type KustomizationRefs,
  type ParsedKustomization,
  parseKustomization,
  type Reference,
} from "./references.ts";
export { type HelmGenerator, helmGeneratorConfig, type HelmUse } from "./helm.ts";
export {
  binaryStamp,
  buildKustomization,
  type BuildOutcome,
  detectHelm,
  detectKustomize,
  kustomizeBinary,
  type KustomizeTool,
} from "./build.ts";
export {
  CACHE_PATH,
  type CacheEntry,
  type CacheFile,
  inputsKey,
  readCache,
  writeCache,
} from "./cache.ts";
