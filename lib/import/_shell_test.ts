import { assertEquals } from "../../tests/assert.ts";
import { argNameOf, envNameOf, envReadsOf, programsOf, replaceTemplates } from "./_shell.ts";
import { readTaskTemplate } from "./_taskfile.ts";

const TEMPLATE = /\{\{-?([\s\S]*?)-?\}\}/g;
const convert = (script: string) =>
  replaceTemplates(script, { pattern: TEMPLATE, read: readTaskTemplate });

Deno.test("replaceTemplates() turns a template into an env reference that reads the same wherever it stands", () => {
  assertEquals(convert("echo {{.HOST}}").source, "echo ${HOST}");
  assertEquals(convert('echo "a {{.HOST}} b"').source, 'echo "a ${HOST} b"');
  assertEquals(convert("echo 'a {{.HOST}} b'").source, `echo 'a '"\${HOST}"' b'`);
  assertEquals(convert("cat <<EOF\n'{{.HOST}}'\nEOF\n").source, "cat <<EOF\n'${HOST}'\nEOF\n");
  // A heredoc that does not expand cannot take it: left and reported.
  const quoted = convert("cat <<'EOF'\n{{.HOST}}\nEOF\necho {{.HOST}}");
  assertEquals(quoted.source, "cat <<'EOF'\n{{.HOST}}\nEOF\necho ${HOST}");
  assertEquals(quoted.unconverted, ["{{.HOST}}"]);
  // A comment's quote does not open a string.
  assertEquals(convert("# it's\necho {{.X}}").source, "# it's\necho ${X}");
});

Deno.test("replaceTemplates() maps CLI_ARGS to the positional parameters and keeps defaults", () => {
  assertEquals(convert("echo {{.CLI_ARGS}}").source, 'echo "$@"');
  assertEquals(convert('echo "{{.CLI_ARGS}}"').source, 'echo "$*"');
  const piped = convert('echo {{.LEVEL | default "info"}} {{ default "x" .MODE }}');
  assertEquals(piped.source, "echo ${LEVEL} ${MODE}");
  assertEquals(piped.refs, [
    { kind: "var", name: "LEVEL", default: "info" },
    { kind: "var", name: "MODE", default: "x" },
  ]);
  assertEquals(convert("echo {{OS}} {{.X | upper}}").unconverted, ["{{OS}}", "{{.X | upper}}"]);
});

Deno.test("envNameOf() and argNameOf() keep names readable and clear of the shell's and wst's own", () => {
  assertEquals(envNameOf("HOST"), "HOST");
  assertEquals(envNameOf("PATH"), "WST_VAR_PATH");
  assertEquals(envNameOf("a-b"), "WST_VAR_A_B");
  assertEquals(argNameOf("DOCKER_IMAGE"), "dockerImage");
  assertEquals(argNameOf("who"), "who");
  assertEquals(argNameOf("ROOT"), "rootVar");
  assertEquals(argNameOf("VERBOSE"), "verboseVar");
});

Deno.test("programsOf() names the commands a script starts, not builtins, keywords or data", () => {
  assertEquals(
    programsOf(
      'set -e\nFOO=1 kubectl get pods | grep -c x\nfor f in a b; do\n  if [ -f "$f" ]; then jq . "$f"; fi\n' +
        'done\necho "$(git rev-parse HEAD)" && sudo -n apt-get install y\ncat <<EOF\nnot a command\nEOF\n' +
        "n=$((n + 1))\n./scripts/run.sh 'quoted | word'\n",
    ),
    ["kubectl", "grep", "jq", "git", "sudo", "apt-get", "cat", "./scripts/run.sh"],
  );
});

Deno.test("envReadsOf() lists the variables a script reads but does not set", () => {
  assertEquals(
    envReadsOf(
      'export A=1\nB=2\nfor C in x; do echo "$A $B $C $KUBECONFIG ${REGION:-eu} $HOME $PWD"; done',
      [
        "HOST",
      ],
    ),
    ["HOME", "KUBECONFIG", "REGION"],
  );
});
