// zod for wst's own schemas: zod/mini, with zod's English messages.
//
// A task's worker loads its schemas on every run. zod/mini's module and
// schema construction cost less than half of zod classic's, and nothing wst
// itself defines needs the classic method chains (docs/adr/0006-zod-mini.md).
// Task authors still write `import { z } from "zod"`: every API here takes
// any zod 4 schema, classic or mini.
//
// zod/mini registers no locale of its own; wst's errors quote zod's
// messages, so this module registers English once, wherever it is imported.
//
// Import it as a namespace (`import * as z from "../zod.ts"`): the bundler
// keeps only the members a worker's code names.
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";
