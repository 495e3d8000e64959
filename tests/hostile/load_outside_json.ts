// Imports a JSON file outside the root by a literal path at load time (the root's parent).
import { defineTask } from "@wst/wst";
import { z } from "zod";
// @ts-ignore: the file exists only in a test's workspace (its root's parent)
import secret from "../../../outside.json" with { type: "json" };
export default defineTask({
  name: "load-outside-json",
  description: `Hostile: read outside the root at load time: ${JSON.stringify(secret)}`,
  args: z.object({}),
  permissions: {},
  run: () => secret,
});
