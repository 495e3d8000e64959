/**
 * Kustomizations: what a kustomization reads (followed transitively), and
 * building one with `kustomize build` or `kubectl kustomize`.
 *
 * @module
 */
export {
  isInside,
  type KustomizationInputs,
  kustomizationInputs,
  type KustomizationRefs,
  parseKustomization,
  type Reference,
} from "./references.ts";
