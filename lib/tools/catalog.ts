/** How a tool gets installed. */
export type Installer = "apt" | "npm" | "pipx" | "go" | "binary";

/** What wst knows about a tool: the command it provides and how to install it. */
export interface ToolSpec {
  name: string;
  /** The command on PATH that shows it is installed. */
  binary: string;
  /** Arguments that print its version. */
  versionArgs: string[];
  installer: Installer;
  /** apt/npm/pipx package, or Go module path. */
  package?: string;
  /** For `binary`: pinned version and download URL (`{version}`, `{arch}` substituted). */
  version?: string;
  url?: string;
  /** For archives: `tar.gz`, and the archive member that is the binary (`{arch}` substituted). */
  archive?: "tar.gz";
  member?: string;
}

/** The `development_tools` categories of workspaces.yaml, and the installer of an unknown tool in each. */
export const CATEGORY_INSTALLERS: Record<string, Installer> = {
  system_packages: "apt",
  kubernetes_tools: "binary",
  python_tools: "pipx",
  node_tools: "npm",
  go_tools: "go",
  task_runner: "binary",
};

const v = ["--version"];

/** Tools whose install differs from their category's default, or that need a URL. */
export const CATALOG: Record<string, Omit<ToolSpec, "name">> = {
  kubectl: {
    binary: "kubectl",
    versionArgs: ["version", "--client"],
    installer: "binary",
    version: "1.32.4",
    url: "https://dl.k8s.io/release/v{version}/bin/linux/{arch}/kubectl",
  },
  kustomize: {
    binary: "kustomize",
    versionArgs: ["version"],
    installer: "binary",
    version: "5.5.0",
    url:
      "https://github.com/kubernetes-sigs/kustomize/releases/download/kustomize%2Fv{version}/kustomize_v{version}_linux_{arch}.tar.gz",
    archive: "tar.gz",
    member: "kustomize",
  },
  helm: {
    binary: "helm",
    versionArgs: ["version", "--short"],
    installer: "binary",
    version: "3.16.3",
    url: "https://get.helm.sh/helm-v{version}-linux-{arch}.tar.gz",
    archive: "tar.gz",
    member: "linux-{arch}/helm",
  },
  k9s: {
    binary: "k9s",
    versionArgs: ["version", "--short"],
    installer: "binary",
    version: "0.32.7",
    url: "https://github.com/derailed/k9s/releases/download/v{version}/k9s_Linux_{arch}.tar.gz",
    archive: "tar.gz",
    member: "k9s",
  },
  task: {
    binary: "task",
    versionArgs: ["--version"],
    installer: "binary",
    version: "3.40.1",
    url: "https://github.com/go-task/task/releases/download/v{version}/task_linux_{arch}.tar.gz",
    archive: "tar.gz",
    member: "task",
  },
  uv: { binary: "uv", versionArgs: v, installer: "pipx", package: "uv" },
  pip: { binary: "pip3", versionArgs: v, installer: "apt", package: "python3-pip" },
  pipx: { binary: "pipx", versionArgs: v, installer: "apt", package: "pipx" },
  node: { binary: "node", versionArgs: v, installer: "apt", package: "nodejs" },
  npm: { binary: "npm", versionArgs: v, installer: "apt", package: "npm" },
  yarn: { binary: "yarn", versionArgs: v, installer: "npm", package: "yarn" },
  "ts-node": { binary: "ts-node", versionArgs: v, installer: "npm", package: "ts-node" },
  go: { binary: "go", versionArgs: ["version"], installer: "apt", package: "golang-go" },
  yq: { binary: "yq", versionArgs: v, installer: "apt", package: "yq" },
  htop: { binary: "htop", versionArgs: v, installer: "apt", package: "htop" },
  vim: { binary: "vim", versionArgs: v, installer: "apt", package: "vim" },
  nano: { binary: "nano", versionArgs: v, installer: "apt", package: "nano" },
};

/**
 * The spec of a tool named in a category of `development_tools`: the catalog's
 * entry, else the category's installer with the tool's name as package and
 * command.
 */
export function toolSpec(name: string, category: string): ToolSpec {
  const known = CATALOG[name];
  if (known) return { name, ...known };
  return {
    name,
    binary: name,
    versionArgs: v,
    installer: CATEGORY_INSTALLERS[category] ?? "apt",
    package: name,
  };
}
