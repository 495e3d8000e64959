import { assertEquals } from "../../tests/assert.ts";
import { METADATA_JSON } from "../../tests/fixtures.ts";
import { CODEV_KINDS, pointerPath, renderPointer } from "./layout.ts";

// The pointer file of docs/formats.md, byte for byte.
const SPEC_POINTER = `<!-- codev/specs/0001-simple-xml-response.link.md -->
# 0001: Simple XML Response Adapter Implementation

> **Note**: This is a pointer file. The actual project artifacts are located at:
> \`.ai/projects/simple-xml-response/\`

## Quick Links
- [Spec](../../.ai/projects/simple-xml-response/spec.md)
- [Plan](../../.ai/projects/simple-xml-response/plan.md)
- [Review](../../.ai/projects/simple-xml-response/review.md)

## Metadata
- **Project**: simple-xml-response
- **Format**: Codev
- **Codev Number**: 0001
- **Status**: Complete
- **Repository**: domain-apis

---
*This file is auto-generated. Do not edit manually.*
`;

Deno.test("renderPointer() reproduces the spec's pointer file for the spec's metadata", () => {
  const meta = JSON.parse(METADATA_JSON);
  assertEquals(pointerPath(meta, CODEV_KINDS[0]!), "codev/specs/0001-simple-xml-response.link.md");
  assertEquals(renderPointer(meta, CODEV_KINDS[0]!), SPEC_POINTER);
  assertEquals(
    renderPointer(meta, CODEV_KINDS[1]!).split("\n")[0],
    "<!-- codev/plans/0001-simple-xml-response.link.md -->",
  );
});

Deno.test("renderPointer() links only the artifacts present and omits a missing repository", () => {
  const meta = { ...JSON.parse(METADATA_JSON), artifacts: ["spec.md"], repository: undefined };
  const text = renderPointer(meta, CODEV_KINDS[0]!);
  assertEquals(text.includes("[Plan]"), false);
  assertEquals(text.includes("**Repository**"), false);
  assertEquals(text.includes("- [Spec](../../.ai/projects/simple-xml-response/spec.md)"), true);
});
