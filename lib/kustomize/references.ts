import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { resolvePath } from "../_path.ts";
import { KUSTOMIZATION_NAMES, type Problem, reason } from "../discovery/walk.ts";
import { type HelmGenerator, helmGeneratorConfig, type HelmUse } from "./helm.ts";

/** A path a kustomization refers to, and where in the file it does. */
export interface Reference {
  /** The value as written. */
  value: string;
  /** Which field it came from, e.g. `resources`, `patches[0].path`. */
  field: string;
  line: number;
  column: number;
}

/** What one kustomization file says it reads. */
export interface KustomizationRefs {
  /** Local paths (files or folders), as written, relative to the kustomization's folder. */
  local: Reference[];
  /** Remote resources (URLs, git repositories): not followed. */
  remote: string[];
  /**
   * Where it inflates Helm charts itself (which needs `--enable-helm` and `helm`): its
   * `helmCharts`, `helmChartInflationGenerator`, or an inline `HelmChartInflationGenerator`
   * under `generators`; `undefined` when it does not. Generator files are read by
   * {@linkcode kustomizationInputs}.
   */
  helm: HelmUse | undefined;
  /**
   * Helm chart home folders, relative to the kustomization: `helmGlobals.chartHome` (default
   * `charts`), and the `chartHome` of inline generator configs and `helmChartInflationGenerator`
   * items. Only filled when it inflates charts.
   */
  chartHomes: string[];
}

/** Fields whose items are paths (or inline content, for the patch fields). */
const PATH_LIST_FIELDS = [
  "resources",
  "bases",
  "components",
  "crds",
  "configurations",
  "patchesStrategicMerge",
  "transformers",
  "generators",
  "validators",
] as const;
/** Fields whose items are objects with a `path`. */
const PATH_OBJECT_FIELDS = ["patches", "patchesJson6902", "replacements"] as const;
/** Generator fields whose items list `files`, `envs` and `env`. */
const GENERATOR_FIELDS = ["configMapGenerator", "secretGenerator"] as const;

/**
 * Parses a kustomization file and lists every path it refers to, with the
 * line and column of each.
 *
 * @param file The file's path, for messages.
 * @param text Its content.
 * @returns The references, or a problem.
 */
export function parseKustomization(
  file: string,
  text: string,
): { refs: KustomizationRefs } | { problem: Problem } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const at = (node: unknown) => {
    const offset = (node as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const [error] = doc.errors;
  if (error !== undefined) {
    const pos = lineCounter.linePos(error.pos[0]);
    return {
      problem: {
        file,
        line: pos.line,
        column: pos.col,
        path: "",
        message: `Invalid YAML: ${error.message.split("\n")[0]}`,
      },
    };
  }
  const refs: KustomizationRefs = { local: [], remote: [], helm: undefined, chartHomes: [] };
  const top = doc.contents;
  if (top === null) return { refs };
  if (!isMap(top)) {
    return {
      problem: { file, ...at(top), path: "", message: "Expected a mapping at the top level" },
    };
  }
  const pair = (map: unknown, key: string) =>
    isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
  const get = (map: unknown, key: string): unknown => pair(map, key)?.value;
  const add = (node: unknown, field: string) => {
    if (!isScalar(node) || typeof node.value !== "string") return;
    const value = node.value.trim();
    // Inline patches and generator configs are YAML, not paths.
    if (value === "" || value.includes("\n")) return;
    if (isRemote(value)) refs.remote.push(value);
    else refs.local.push({ value, field, ...at(node) });
  };
  const items = (node: unknown): unknown[] => (isSeq(node) ? node.items : []);

  for (const field of PATH_LIST_FIELDS) {
    items(get(top, field)).forEach((item, i) => add(item, `${field}[${i}]`));
  }
  for (const field of PATH_OBJECT_FIELDS) {
    items(get(top, field)).forEach((item, i) => add(get(item, "path"), `${field}[${i}].path`));
  }
  for (const field of GENERATOR_FIELDS) {
    items(get(top, field)).forEach((item, i) => {
      items(get(item, "files")).forEach((f, j) => {
        // `key=path` or `path`.
        if (isScalar(f) && typeof f.value === "string") {
          const eq = f.value.indexOf("=");
          const value = eq >= 0 ? f.value.slice(eq + 1) : f.value;
          if (!isRemote(value)) {
            refs.local.push({ value, field: `${field}[${i}].files[${j}]`, ...at(f) });
          }
        }
      });
      items(get(item, "envs")).forEach((f, j) => add(f, `${field}[${i}].envs[${j}]`));
      add(get(item, "env"), `${field}[${i}].env`);
    });
  }
  add(get(get(top, "openapi"), "path"), "openapi.path");
  // Inline generator configs (YAML text in `generators`) may be Helm's.
  items(get(top, "generators")).forEach((item, i) => {
    if (refs.helm === undefined && isScalar(item) && typeof item.value === "string") {
      const config = item.value.includes("\n") ? helmGeneratorConfig(item.value) : undefined;
      if (config !== undefined) {
        refs.helm = { field: `generators[${i}]`, ...at(item) };
        if (config.chartHome !== undefined) refs.chartHomes.push(config.chartHome);
      }
    }
  });
  for (const field of ["helmCharts", "helmChartInflationGenerator"]) {
    const found = pair(top, field);
    if (items(found?.value).length > 0) refs.helm ??= { field, ...at(found!.key) };
  }
  if (refs.helm !== undefined) {
    const home = get(get(top, "helmGlobals"), "chartHome");
    refs.chartHomes.push(isScalar(home) && typeof home.value === "string" ? home.value : "charts");
    for (const item of items(get(top, "helmChartInflationGenerator"))) {
      const legacy = get(item, "chartHome");
      if (isScalar(legacy) && typeof legacy.value === "string") refs.chartHomes.push(legacy.value);
    }
  }
  return { refs };
}

function isRemote(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith("git@") ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(value);
}

/** Everything a kustomization reads, followed through the folders it refers to. */
export interface KustomizationInputs {
  /** Absolute folders whose whole tree is an input (its own folder, referenced folders). */
  dirs: Set<string>;
  /** Absolute files referenced outside those folders. */
  files: Set<string>;
  /** Remote resources anywhere in the graph. */
  remote: string[];
  /** Whether any kustomization in the graph inflates Helm charts (see `helmSources`). */
  helm: boolean;
  /**
   * Where the graph inflates Helm charts, relative to the root, with line and
   * column: `apps/base/kustomization.yaml:3:1: helmCharts`,
   * `gen/redis.yaml:2:1: kind: HelmChartInflationGenerator`.
   */
  helmSources: string[];
  /** Missing references and malformed files, with line and column. */
  problems: Problem[];
}

/** A kustomization file as read once: its references, or why they cannot be told. */
export interface ParsedKustomization {
  file: string;
  refs?: KustomizationRefs;
  problem?: Problem;
}

/**
 * What {@linkcode kustomizationInputs} read, shared between calls: parsed
 * kustomizations by folder, and by file the Helm generator configs found in
 * generator files (`null`: none).
 */
export type InputsCache = Map<
  string,
  ParsedKustomization | { helmGenerator: HelmGenerator | null }
>;

/** Options of {@linkcode kustomizationInputs}. */
export interface InputsOptions {
  /** Absolute workspace root, to make paths in problems relative. */
  root: string;
  /** What earlier calls read (kustomizations, generator files). */
  cache?: InputsCache;
}

/** Reference fields whose folders' output a kustomization takes in as its own. */
const NESTING = /^(?:resources|bases|components)\[/;

/**
 * Follows a kustomization's references transitively: the folders it refers
 * to (with their own kustomizations), and the files. An overlay's inputs
 * include its bases' inputs, and it needs Helm when anything it refers to
 * inflates charts: `helmCharts` or `helmChartInflationGenerator` in a base or
 * component, or a `HelmChartInflationGenerator` config in `generators` (a
 * file, inline, or the resources of a kustomization listed there). Cycles and
 * missing references end the walk, they never loop.
 *
 * @param dir Absolute folder of the kustomization.
 * @param options The root, and a cache of parsed files.
 * @returns The input folders and files, remote resources, Helm use and problems.
 */
export function kustomizationInputs(dir: string, options: InputsOptions): KustomizationInputs {
  const cache: InputsCache = options.cache ?? new Map();
  const rel = (abs: string) =>
    abs === options.root
      ? "."
      : abs.startsWith(`${options.root}/`)
      ? abs.slice(options.root.length + 1)
      : abs;
  const inputs: KustomizationInputs = {
    dirs: new Set(),
    files: new Set(),
    remote: [],
    helm: false,
    helmSources: [],
    problems: [],
  };
  const helmAt = (where: string) => {
    inputs.helm = true;
    if (!inputs.helmSources.includes(where)) inputs.helmSources.push(where);
  };
  // A folder is visited once as a kustomization, and once more when it is also reached as a
  // generator (its output, then, is generator configs: its files are read for Helm's kind).
  const asGenerator = new Set<string>();
  // `generator`: the kustomization whose generators the folder's output feeds (chart homes in
  // generator configs are relative to it).
  const pending: Array<{ dir: string; generator?: string }> = [{ dir }];
  while (pending.length > 0) {
    const { dir: current, generator } = pending.pop()!;
    const first = !inputs.dirs.has(current);
    if (!first && (generator === undefined || asGenerator.has(current))) continue;
    inputs.dirs.add(current);
    if (generator !== undefined) asGenerator.add(current);
    const parsed = loadKustomization(current, cache, rel);
    if (parsed === undefined) continue; // a plain folder of manifests
    if (parsed.problem) {
      if (first) inputs.problems.push(parsed.problem);
      continue;
    }
    const refs = parsed.refs!;
    if (first) inputs.remote.push(...refs.remote);
    if (refs.helm !== undefined) {
      helmAt(`${parsed.file}:${refs.helm.line}:${refs.helm.column}: ${refs.helm.field}`);
      for (const home of refs.chartHomes) {
        const abs = resolvePath(current, home);
        if (isDir(abs)) pending.push({ dir: abs });
      }
    }
    for (const ref of refs.local) {
      const target = resolvePath(current, ref.value);
      let info: Deno.FileInfo;
      try {
        info = Deno.statSync(target);
      } catch (err) {
        if (err instanceof Deno.errors.NotCapable) throw err;
        if (!first) continue;
        inputs.problems.push({
          file: parsed.file,
          line: ref.line,
          column: ref.column,
          path: ref.field,
          message: `Cannot read ${JSON.stringify(ref.value)}: ${reason(err)}`,
        });
        continue;
      }
      const owner = ref.field.startsWith("generators[")
        ? current
        : NESTING.test(ref.field)
        ? generator
        : undefined;
      if (info.isDirectory) {
        pending.push(owner === undefined ? { dir: target } : { dir: target, generator: owner });
        continue;
      }
      inputs.files.add(target);
      if (owner !== undefined) {
        const config = helmGeneratorIn(target, cache, rel);
        if (config === null) continue;
        helmAt(config.where);
        const home = resolvePath(owner, config.chartHome ?? "charts");
        if (isDir(home)) pending.push({ dir: home });
      }
    }
  }
  for (const file of [...inputs.files]) {
    if (isInside(file, inputs.dirs)) inputs.files.delete(file);
  }
  return inputs;
}

/**
 * The Helm generator config in a generator file (a top-level `kind:
 * HelmChartInflationGenerator`), or `null`. A file that cannot be read is not
 * Helm's as far as wst can tell: kustomize reports it.
 */
function helmGeneratorIn(
  file: string,
  cache: InputsCache,
  rel: (abs: string) => string,
): HelmGenerator | null {
  const hit = cache.get(file);
  if (hit !== undefined && "helmGenerator" in hit) return hit.helmGenerator;
  let config: HelmGenerator | null = null;
  try {
    const text = new TextDecoder().decode(Deno.readFileSync(file));
    const found = helmGeneratorConfig(text);
    if (found !== undefined) {
      const line = text.slice(0, found.index).split("\n").length;
      config = { where: `${rel(file)}:${line}:1: kind: HelmChartInflationGenerator` };
      if (found.chartHome !== undefined) config.chartHome = found.chartHome;
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotCapable) throw err;
  }
  cache.set(file, { helmGenerator: config });
  return config;
}

function loadKustomization(
  dir: string,
  cache: InputsCache,
  rel: (abs: string) => string,
): ParsedKustomization | undefined {
  const hit = cache.get(dir);
  if (hit !== undefined && "file" in hit) return hit;
  for (const name of KUSTOMIZATION_NAMES) {
    const abs = `${dir}/${name}`;
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(Deno.readFileSync(abs));
    } catch (err) {
      if (err instanceof Deno.errors.NotCapable) throw err;
      if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.IsADirectory) continue;
      const file = rel(abs);
      const entry = {
        file,
        problem: {
          file,
          path: "",
          message: err instanceof TypeError
            ? "Cannot read the file: it is not valid UTF-8"
            : `Cannot read the file: ${reason(err)}`,
        },
      };
      cache.set(dir, entry);
      return entry;
    }
    const file = rel(abs);
    const parsed = parseKustomization(file, text);
    const entry = "problem" in parsed
      ? { file, problem: parsed.problem }
      : { file, refs: parsed.refs };
    cache.set(dir, entry);
    return entry;
  }
  return undefined;
}

function isDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** Whether `path` is one of `dirs` or inside one of them. */
export function isInside(path: string, dirs: Iterable<string>): boolean {
  for (const dir of dirs) {
    if (path === dir || path.startsWith(`${dir}/`)) return true;
  }
  return false;
}
