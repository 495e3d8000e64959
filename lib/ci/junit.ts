/** One test case of a JUnit report. */
export interface JunitCase {
  /** The target's name. */
  name: string;
  /** Grouping, e.g. the target's type. */
  classname: string;
  /** Seconds. */
  time: number;
  /** Present when the case failed. */
  failure?: { message: string; details: string } | undefined;
  /** Present when the case was skipped. */
  skipped?: string | undefined;
}

/**
 * Renders a JUnit XML report (the schema CI systems read: one `testsuite`
 * with `testcase` elements, `failure` and `skipped` children).
 *
 * @param suite The suite's name.
 * @param cases The cases.
 * @returns The XML document.
 */
export function junitXml(suite: string, cases: readonly JunitCase[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const time = cases.reduce((sum, c) => sum + c.time, 0);
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name=${
      attr(suite)
    } tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${
      time.toFixed(3)
    }">`,
    `  <testsuite name=${
      attr(suite)
    } tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${
      time.toFixed(3)
    }">`,
  ];
  for (const c of cases) {
    const open = `    <testcase name=${attr(c.name)} classname=${attr(c.classname)} time="${
      c.time.toFixed(3)
    }"`;
    if (c.failure) {
      lines.push(`${open}>`);
      lines.push(
        `      <failure message=${attr(c.failure.message)}>${text(c.failure.details)}</failure>`,
      );
      lines.push(`    </testcase>`);
    } else if (c.skipped !== undefined) {
      lines.push(`${open}>`, `      <skipped message=${attr(c.skipped)}/>`, `    </testcase>`);
    } else {
      lines.push(`${open}/>`);
    }
  }
  lines.push(`  </testsuite>`, `</testsuites>`, "");
  return lines.join("\n");
}

// XML 1.0 forbids most control characters even when escaped.
// deno-lint-ignore no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function text(value: string): string {
  return value.replace(INVALID_XML, "").replaceAll("&", "&amp;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}

function attr(value: string): string {
  return `"${text(value).replaceAll('"', "&quot;").replaceAll("\n", "&#10;")}"`;
}
