import { assertEquals } from "../../tests/assert.ts";
import { describeReach, mergeReach, quoteForTerminal, reachBeyond, uncovered } from "./reach.ts";

Deno.test("reachBeyond() keeps paths outside the root, $NAME and ~ paths, and every run, env and net entry", () => {
  const root = Deno.realPathSync(Deno.makeTempDirSync());
  try {
    const parent = root.slice(0, root.lastIndexOf("/"));
    const reach = reachBeyond({
      read: ["src", "./a/../b", root, `${root}/x`, "..", "/etc/hosts", "$HOME/.npmrc", "~/.ssh"],
      write: ["out", "$GITHUB_OUTPUT", "$HOME/a/../../etc"],
      run: ["git", "./bin/tool"],
      env: ["TOKEN"],
      net: ["API.example.com:443"],
      tasks: ["other"],
    }, root);
    assertEquals(reach, {
      read: ["$HOME/.npmrc", "/etc/hosts", parent, "~/.ssh"],
      write: ["$GITHUB_OUTPUT", "$HOME/../etc"],
      run: [`${root}/bin/tool`, "git"],
      env: ["TOKEN"],
      net: ["api.example.com:443"],
    });
    assertEquals(reachBeyond({ read: ["."], write: ["a/b"], tasks: ["t"] }, root), {});
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("reachBeyond() leaves out a path inside the root that a link leads out of: the sandbox refuses it", () => {
  // Such a path is refused before the task starts (lib/sandbox/_scope_links.ts, exit 3), so an
  // approval of it would never be honoured: asking for one would only mislead.
  const root = Deno.realPathSync(Deno.makeTempDirSync());
  const outside = Deno.realPathSync(Deno.makeTempDirSync());
  try {
    Deno.symlinkSync(outside, `${root}/link`);
    Deno.mkdirSync(`${root}/real`);
    assertEquals(reachBeyond({ read: ["link/a/b", "real/c"], write: ["link"] }, root), {});
    // A path outside the root that a link leads back into is still outside as declared.
    assertEquals(reachBeyond({ read: [`${outside}/x`] }, root), { read: [`${outside}/x`] });
  } finally {
    Deno.removeSync(root, { recursive: true });
    Deno.removeSync(outside, { recursive: true });
  }
});

Deno.test("uncovered() covers paths by a folder holding them, host:port by its host, VAR by PREFIX*", () => {
  const approved = {
    read: ["/home/u/.cache", "$HOME/.config"],
    net: ["example.com", "api.test:443"],
    env: ["AWS_*", "HOME"],
    run: ["git"],
  };
  assertEquals(
    uncovered({
      read: ["/home/u/.cache/x", "/home/u/.cachex", "$HOME/.config/wst", "$HOME/../etc"],
      net: ["example.com:8080", "api.test:443", "api.test", "api.test:80"],
      env: ["AWS_KEY", "HOME", "HOMEX"],
      run: ["git", "gitx"],
      write: ["/tmp"],
    }, approved),
    {
      read: ["/home/u/.cachex", "$HOME/../etc"],
      net: ["api.test", "api.test:80"],
      env: ["HOMEX"],
      run: ["gitx"],
      write: ["/tmp"],
    },
  );
  assertEquals(uncovered({ env: ["A"] }, undefined), { env: ["A"] });
  assertEquals(uncovered({ read: ["$HOME/../etc"] }, { read: ["$HOME/../etc"] }), {});
});

Deno.test("mergeReach() unites two approvals; describeReach() quotes every value", () => {
  assertEquals(mergeReach({ env: ["B"], net: ["x"] }, { env: ["A", "B"] }), {
    env: ["A", "B"],
    net: ["x"],
  });
  assertEquals(describeReach({}), "nothing");
  assertEquals(describeReach({ env: ["A"], read: ["/x"] }), 'read: ["/x"], env: ["A"]');
});

Deno.test("quoteForTerminal() leaves no control, C1 or bidirectional character a terminal would act on", () => {
  assertEquals(quoteForTerminal("/tmp/\u001b[8mhidden"), '"/tmp/\\u001b[8mhidden"');
  assertEquals(quoteForTerminal("a\u009bb\u202ec\u2066"), '"a\\u009bb\\u202ec\\u2066"');
  assertEquals(quoteForTerminal('say "hi"'), '"say \\"hi\\""');
});

Deno.test("reachBeyond() counts write access to the root's .git folder: git runs what it holds", () => {
  const root = Deno.realPathSync(Deno.makeTempDirSync());
  try {
    const git = `${root}/.git`;
    assertEquals(reachBeyond({ write: ["."] }, root), { write: [git] });
    assertEquals(reachBeyond({ write: [".git/hooks"] }, root), { write: [git] });
    assertEquals(reachBeyond({ write: [root] }, root), { write: [git] });
    // Reading it, or writing anywhere else in the root, reaches nothing beyond it.
    assertEquals(reachBeyond({ read: ["."], write: ["out", ".github"] }, root), {});
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});
