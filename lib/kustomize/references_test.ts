import { assertEquals } from "../../tests/assert.ts";
import { workspace } from "../../tests/_cli.ts";
import { type InputsCache, kustomizationInputs } from "./references.ts";

const HELM_CHARTS = "helmCharts:\n  - name: redis\n    repo: https://charts.example.com\n";
const HELM_GENERATOR = "apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata:\n" +
  "  name: redis\nname: redis\nrepo: https://charts.example.com\n";

Deno.test("kustomizationInputs() finds helmCharts in a base and a component an overlay refers to", async () => {
  await using ws = await workspace({
    "base/kustomization.yaml": `resources:\n  - cm.yaml\n${HELM_CHARTS}`,
    "base/cm.yaml": "kind: ConfigMap\n",
    "component/kustomization.yaml":
      `kind: Component\nhelmChartInflationGenerator:\n  - chartName: a\n`,
    "overlay/kustomization.yaml": "resources:\n  - ../base\ncomponents:\n  - ../component\n",
    "plain/kustomization.yaml": "resources:\n  - ../base/cm.yaml\n",
  });
  const overlay = kustomizationInputs(`${ws.dir}/overlay`, { root: ws.dir });
  assertEquals(overlay.helm, true);
  assertEquals(overlay.helmSources.sort(), [
    "base/kustomization.yaml:3:1: helmCharts",
    "component/kustomization.yaml:2:1: helmChartInflationGenerator",
  ]);
  // A file of a Helm kustomization is not Helm: only its kustomization is.
  const plain = kustomizationInputs(`${ws.dir}/plain`, { root: ws.dir });
  assertEquals([plain.helm, plain.helmSources], [false, []]);
});

Deno.test("kustomizationInputs() finds HelmChartInflationGenerator configs in generators, not in resources", async () => {
  await using ws = await workspace({
    "file/kustomization.yaml": "generators:\n  - redis.yaml\n",
    "file/redis.yaml": `# the chart\n${HELM_GENERATOR}`,
    "inline/kustomization.yaml": `generators:\n  - |\n${HELM_GENERATOR.replace(/^/gm, "    ")}`,
    // A folder listed in generators: its output (its resources) are generator configs.
    "folder/kustomization.yaml": "generators:\n  - gens\n",
    "folder/gens/kustomization.yaml": "resources:\n  - redis.yaml\n",
    "folder/gens/redis.yaml": HELM_GENERATOR,
    // The same config as a resource is a resource: kustomize prints it, needs no Helm.
    "resource/kustomization.yaml": "resources:\n  - ../folder/gens\n  - redis.yaml\n",
    "resource/redis.yaml": HELM_GENERATOR,
    // A generator that is not Helm's.
    "other/kustomization.yaml": "generators:\n  - gen.yaml\n",
    "other/gen.yaml": "apiVersion: builtin\nkind: ConfigMapGenerator\nname: x\n",
  });
  const sources = (dir: string) =>
    kustomizationInputs(`${ws.dir}/${dir}`, { root: ws.dir }).helmSources;
  assertEquals(sources("file"), ["file/redis.yaml:3:1: kind: HelmChartInflationGenerator"]);
  assertEquals(sources("inline"), ["inline/kustomization.yaml:2:5: generators[0]"]);
  assertEquals(sources("folder"), [
    "folder/gens/redis.yaml:2:1: kind: HelmChartInflationGenerator",
  ]);
  assertEquals(sources("resource"), []);
  assertEquals(sources("other"), []);
});

Deno.test("kustomizationInputs() reads a folder again when it is reached as a resource, then as a generator", async () => {
  await using ws = await workspace({
    // The walk takes the last reference first: ../gens as a resource, then ../x, which lists
    // ../gens as its generator.
    "app/kustomization.yaml": "resources:\n  - ../x\n  - ../gens\n",
    "x/kustomization.yaml": "generators:\n  - ../gens\n",
    // And the other way round.
    "app2/kustomization.yaml": "resources:\n  - ../gens\ngenerators:\n  - ../gens\n",
    "gens/kustomization.yaml": "resources:\n  - redis.yaml\n",
    "gens/redis.yaml": HELM_GENERATOR,
  });
  for (const app of ["app", "app2"]) {
    const inputs = kustomizationInputs(`${ws.dir}/${app}`, { root: ws.dir });
    assertEquals(inputs.helmSources, ["gens/redis.yaml:2:1: kind: HelmChartInflationGenerator"]);
    assertEquals(inputs.dirs.has(`${ws.dir}/gens`), true);
  }
});

Deno.test("kustomizationInputs() ends on cycles and reports missing references once, with Helm found behind them", async () => {
  await using ws = await workspace({
    "a/kustomization.yaml": "resources:\n  - ../b\n  - gone.yaml\n",
    "b/kustomization.yaml": "resources:\n  - ../a\ngenerators:\n  - ../c\n  - nope.yaml\n",
    "c/kustomization.yaml": "resources:\n  - ../c\n  - ../a\n  - redis.yaml\n",
    "c/redis.yaml": HELM_GENERATOR,
  });
  const cache: InputsCache = new Map();
  for (const dir of ["a", "b"]) {
    const inputs = kustomizationInputs(`${ws.dir}/${dir}`, { root: ws.dir, cache });
    assertEquals(inputs.helmSources, ["c/redis.yaml:2:1: kind: HelmChartInflationGenerator"]);
    assertEquals(
      inputs.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.path}: ${p.message}`).sort(),
      [
        'a/kustomization.yaml:3:5: resources[1]: Cannot read "gone.yaml": not found',
        'b/kustomization.yaml:5:5: generators[1]: Cannot read "nope.yaml": not found',
      ],
    );
  }
});

Deno.test("kustomizationInputs() keeps a malformed base a problem and goes on", async () => {
  await using ws = await workspace({
    "base/kustomization.yaml": "resources: [\n",
    "overlay/kustomization.yaml": "resources:\n  - ../base\ngenerators:\n  - ../base\n",
  });
  const inputs = kustomizationInputs(`${ws.dir}/overlay`, { root: ws.dir });
  assertEquals(inputs.helm, false);
  assertEquals(inputs.problems.length, 1);
  assertEquals(inputs.problems[0]!.file, "base/kustomization.yaml");
});

Deno.test("kustomizationInputs() counts chart homes outside the kustomization as inputs", async () => {
  await using ws = await workspace({
    "file/kustomization.yaml": "generators:\n  - redis.yaml\n",
    "file/redis.yaml": `${HELM_GENERATOR}chartHome: ../charts/a # shared\n`,
    "inline/kustomization.yaml": "generators:\n  - |\n" +
      `${HELM_GENERATOR}chartHome: "../charts/b"\n`.replace(/^/gm, "    "),
    "legacy/kustomization.yaml":
      "helmChartInflationGenerator:\n  - chartName: c\n    chartHome: ../charts/c\n",
    "globals/kustomization.yaml": `${HELM_CHARTS}helmGlobals:\n  chartHome: ../charts/d\n`,
    "charts/a/redis/Chart.yaml": "name: redis\n",
    "charts/b/redis/Chart.yaml": "name: redis\n",
    "charts/c/c/Chart.yaml": "name: c\n",
    "charts/d/redis/Chart.yaml": "name: redis\n",
  });
  for (const [dir, home] of [["file", "a"], ["inline", "b"], ["legacy", "c"], ["globals", "d"]]) {
    const inputs = kustomizationInputs(`${ws.dir}/${dir}`, { root: ws.dir });
    assertEquals(inputs.dirs.has(`${ws.dir}/charts/${home}`), true, dir);
  }
});
