// Builds the large workspace the merge-request benchmark walks: ~2,000
// components and ~60,000 files, node_modules included, under repos/.
// Deterministic, and kept in .bench/ between runs (rebuilt when the shape changes).

/** The shape of the generated tree. */
export const TREE_SHAPE = { repos: 20, componentsPerRepo: 100, nodeModulesFilesPerRepo: 1_650 };

const TEST_MR =
  'version: "3"\ntasks:\n  test:mr:\n    cmds: [echo ok]\n  build:\n    cmds: [make]\n';
const PLAIN_TASKFILE = 'version: "3"\ntasks:\n  build:\n    cmds: [make]\n';
const KUSTOMIZATION = "resources:\n  - deployment.yaml\n  - service.yaml\n";
const MANIFEST = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n";

/**
 * Creates the tree under `dir` unless a complete one is there already.
 *
 * @returns The number of files and components in the tree.
 */
export async function ensureTree(dir: string): Promise<{ files: number; components: number }> {
  const stamp = `${dir}/.complete`;
  const expected = JSON.stringify(TREE_SHAPE);
  const counts = { files: 0, components: 0 };
  try {
    const done = JSON.parse(await Deno.readTextFile(stamp));
    if (done.shape === expected) return done.counts;
  } catch {
    // not built yet
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const write = async (path: string, text: string) => {
    await Deno.writeTextFile(`${dir}/${path}`, text);
    counts.files++;
  };
  for (let r = 0; r < TREE_SHAPE.repos; r++) {
    const repo = `repos/repo-${r}`;
    for (let c = 0; c < TREE_SHAPE.componentsPerRepo; c++) {
      const comp = `${repo}/components/comp-${c}`;
      counts.components++;
      await Deno.mkdir(`${dir}/${comp}/src`, { recursive: true });
      await Deno.mkdir(`${dir}/${comp}/deploy`, { recursive: true });
      for (let f = 0; f < 8; f++) {
        await write(`${comp}/src/file-${f}.ts`, `export const x${f} = ${f};\n`);
      }
      await write(`${comp}/README.md`, `# comp-${c}\n`);
      if (c % 3 === 0) {
        await write(`${comp}/Taskfile.yml`, TEST_MR);
        await write(`${comp}/deploy/kustomization.yaml`, KUSTOMIZATION); // covered by the Taskfile
      } else {
        if (c % 3 === 1) await write(`${comp}/Taskfile.yml`, PLAIN_TASKFILE);
        await write(`${comp}/kustomization.yaml`, KUSTOMIZATION);
      }
      await write(`${comp}/deployment.yaml`, MANIFEST);
      await write(`${comp}/service.yaml`, MANIFEST);
    }
    for (let p = 0; p < TREE_SHAPE.nodeModulesFilesPerRepo / 10; p++) {
      const pkg = `${repo}/node_modules/pkg-${p}`;
      await Deno.mkdir(`${dir}/${pkg}/lib`, { recursive: true });
      for (let f = 0; f < 9; f++) await write(`${pkg}/lib/f${f}.js`, "module.exports = 1;\n");
      await write(`${pkg}/kustomization.yaml`, KUSTOMIZATION); // must be ignored
    }
    await Deno.mkdir(`${dir}/${repo}/.git/objects`, { recursive: true });
    for (let g = 0; g < 100; g++) await write(`${repo}/.git/objects/o${g}`, "blob\n");
  }
  await Deno.writeTextFile(stamp, JSON.stringify({ shape: expected, counts }));
  return counts;
}
