// Helm in kustomizations: the built-in HelmChartInflationGenerator's configs, found in
// generator files and inline generator text (kustomize needs --enable-helm for them).

/** Where a kustomization asks for Helm: the field, and its line and column. */
export interface HelmUse {
  /** `helmCharts`, `helmChartInflationGenerator` or `generators[2]`. */
  field: string;
  line: number;
  column: number;
}

/** A Helm generator config: where it says so, and its `chartHome` when it has one. */
export interface HelmGenerator {
  /** `file:line:column: kind: HelmChartInflationGenerator`. */
  where: string;
  chartHome?: string;
}

/**
 * A generator config of the built-in Helm chart inflator: a top-level `kind:
 * HelmChartInflationGenerator` line (in any document of the text).
 */
const HELM_GENERATOR_KIND = /^kind:[ \t]*(["']?)HelmChartInflationGenerator\1[ \t]*(?:#.*)?$/m;
/** A generator config's top-level `chartHome` (a plain or quoted path). */
const CHART_HOME = /^chartHome:[ \t]*(["']?)([^"'#\s]+)\1[ \t]*(?:#.*)?$/m;

/**
 * Whether a generator config's text is Helm's: where its `kind` line starts,
 * and its `chartHome`.
 *
 * @param text The config (a file, or the inline text of a `generators` item).
 * @returns The offset of the `kind` line and the chart home, or `undefined`.
 */
export function helmGeneratorConfig(
  text: string,
): { index: number; chartHome?: string } | undefined {
  const match = HELM_GENERATOR_KIND.exec(text);
  if (match === null) return undefined;
  const chartHome = CHART_HOME.exec(text)?.[2];
  return chartHome === undefined ? { index: match.index } : { index: match.index, chartHome };
}
