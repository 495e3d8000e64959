import type { ProjectMetadata } from "../config/mod.ts";

/** Where projects live, relative to the workspace root: the single source of truth. */
export const PROJECTS_DIR = ".ai/projects";
/** Where Kiro looks for specs; each project is a symlink `<name> -> ../../.ai/projects/<name>`. */
export const KIRO_SPECS_DIR = ".kiro/specs";
/** Kiro's artifacts. */
export const KIRO_ARTIFACTS = ["requirements.md", "design.md", "tasks.md"] as const;

/** One Codev artifact kind: its folder under `codev/`, its file in the project, its label. */
export interface CodevKind {
  dir: string;
  artifact: string;
  label: string;
}

/** Codev's artifacts, each read through pointer files in its own folder. */
export const CODEV_KINDS: readonly CodevKind[] = [
  { dir: "codev/specs", artifact: "spec.md", label: "Spec" },
  { dir: "codev/plans", artifact: "plan.md", label: "Plan" },
  { dir: "codev/reviews", artifact: "review.md", label: "Review" },
];

/** A display name from a project name: `xml-adapter` → `Xml Adapter`. */
export function titleOf(name: string): string {
  return name.split(/[-_.]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(" ");
}

/** The Kiro symlink's target, relative to `.kiro/specs/`. */
export function kiroLinkTarget(name: string): string {
  return `../../${PROJECTS_DIR}/${name}`;
}

/** The pointer file of a Codev project for one artifact kind, relative to the root. */
export function pointerPath(
  meta: Pick<ProjectMetadata, "name" | "codevNumber">,
  kind: CodevKind,
): string {
  return `${kind.dir}/${meta.codevNumber}-${meta.name}.link.md`;
}

/**
 * Renders a Codev pointer file byte for byte as docs/formats.md shows it: a
 * comment with its own path, the title, quick links to the artifacts present,
 * the metadata, and the "auto-generated" footer.
 *
 * @param meta The project's metadata (`format: "codev"`).
 * @param kind Which pointer (specs, plans or reviews).
 * @returns The file's text.
 */
export function renderPointer(meta: ProjectMetadata, kind: CodevKind): string {
  const project = `../../${PROJECTS_DIR}/${meta.name}`;
  const links = CODEV_KINDS.filter((k) => meta.artifacts.includes(k.artifact))
    .map((k) => `- [${k.label}](${project}/${k.artifact})`);
  const lines = [
    `<!-- ${pointerPath(meta, kind)} -->`,
    `# ${meta.codevNumber}: ${meta.displayName} Implementation`,
    "",
    "> **Note**: This is a pointer file. The actual project artifacts are located at:",
    `> \`${PROJECTS_DIR}/${meta.name}/\``,
    "",
    "## Quick Links",
    ...links,
    "",
    "## Metadata",
    `- **Project**: ${meta.name}`,
    "- **Format**: Codev",
    `- **Codev Number**: ${meta.codevNumber}`,
    `- **Status**: ${capitalize(meta.status)}`,
    ...(meta.repository ? [`- **Repository**: ${meta.repository}`] : []),
    "",
    "---",
    "*This file is auto-generated. Do not edit manually.*",
    "",
  ];
  return lines.join("\n");
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
