import { assert, assertEquals } from "../../tests/assert.ts";
import {
  bindsAreReal,
  DENO_DIR_SLOT,
  fillSlots,
  SOCKET_SLOT,
  withSlots,
  withValues,
} from "./_prelaunch.ts";

Deno.test("bindsAreReal: a bound path with a link on the way, or that is one, is refused; the run's own folders are slots", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${dir}/real/inner`, { recursive: true });
    await Deno.mkdir(`${dir}/outside`);
    await Deno.symlink(`${dir}/outside`, `${dir}/link`);
    await Deno.symlink(`${dir}/real`, `${dir}/via`);
    const args = (source: string) => [
      "--unshare-all",
      "--bind",
      SOCKET_SLOT,
      "/run/wst-runner",
      "--bind",
      DENO_DIR_SLOT,
      "/run/wst-deno",
      "--ro-bind",
      source,
      "/x",
      "--",
      "deno",
      "--bind",
      `${dir}/link`, // after `--`: the runner's command, not a mount
    ];
    assert(bindsAreReal(args(`${dir}/real/inner`)));
    assertEquals(bindsAreReal(args(`${dir}/link`)), false);
    assertEquals(bindsAreReal(args(`${dir}/via/inner`)), false);
    let missing: unknown;
    try {
      bindsAreReal(args(`${dir}/gone`));
    } catch (err) {
      missing = err;
    }
    assert(missing instanceof Deno.errors.NotFound, "a missing path is no launch either");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withSlots/withValues: values go to slots and come back from the environment; a value that is not the environment's is not recorded", () => {
  const name = "WST_PRELAUNCH_TEST_VALUE";
  Deno.env.set(name, "sk-secret");
  try {
    const launch = {
      bwrap: "/usr/bin/bwrap",
      args: ["--setenv", name, "sk-secret", "--setenv", "DENO_DIR", "/run/wst-deno", "--", "x"],
    };
    const recorded = withSlots(launch, ["DENO_DIR"])!;
    assert(!JSON.stringify(recorded).includes("sk-secret"));
    assertEquals(recorded.args[5], "/run/wst-deno", "a constant is kept");
    assertEquals(withValues(recorded), launch);
    Deno.env.set(name, "rotated");
    assertEquals(withValues(recorded)!.args[2], "rotated");
    Deno.env.delete(name);
    assertEquals(withValues(recorded), undefined, "a variable no longer set: no launch");
    assertEquals(withSlots(launch, ["DENO_DIR"]), undefined, "a value from elsewhere (.env)");
  } finally {
    Deno.env.delete(name);
  }
});

Deno.test("fillSlots: the run's folders go where the slots are, nothing else changes", () => {
  assertEquals(
    fillSlots(
      ["--bind", SOCKET_SLOT, "/run/wst-runner", "--bind", DENO_DIR_SLOT, "/run/wst-deno"],
      {
        socketDir: "/tmp/s",
        denoDir: "/tmp/d",
      },
    ),
    ["--bind", "/tmp/s", "/run/wst-runner", "--bind", "/tmp/d", "/run/wst-deno"],
  );
});

Deno.test("withSlots/bindsAreReal read bubblewrap's options by their arity: a value `--` is a value; an option wst does not give is no launch", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  const name = "WST_PRELAUNCH_TEST_TOKEN";
  Deno.env.set(name, "sk-secret");
  Deno.env.set("WST_PRELAUNCH_TEST_DASHES", "--");
  try {
    await Deno.mkdir(`${dir}/outside`);
    await Deno.symlink(`${dir}/outside`, `${dir}/link`);
    const launch = {
      bwrap: "/usr/bin/bwrap",
      args: [
        "--setenv",
        "WST_PRELAUNCH_TEST_DASHES",
        "--",
        "--setenv",
        name,
        "sk-secret",
        "--ro-bind",
        `${dir}/link`,
        "/x",
        "--",
        "deno",
      ],
    };
    assert(!JSON.stringify(withSlots(launch, [])).includes("sk-secret"), "the value after it too");
    assertEquals(bindsAreReal(launch.args), false, "the link after it is seen");
    const odd = { ...launch, args: ["--bind-fd", "3", "/x", "--", "deno"] };
    assertEquals(withSlots(odd, []), undefined);
    assertEquals(bindsAreReal(odd.args), false);
    assertEquals(bindsAreReal(["--unshare-all", "deno"]), false, "no `--`: no launch");
  } finally {
    Deno.env.delete(name);
    Deno.env.delete("WST_PRELAUNCH_TEST_DASHES");
    await Deno.remove(dir, { recursive: true });
  }
});
