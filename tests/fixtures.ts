// Configuration files used by several tests, as the team writes them today (docs/formats.md).

export const WORKSPACES_YAML = `version: v1
projects:
  - name: ai-dev
    repo: git@github.com:org/ai-dev.git
    default_branch: main
    desired_state: present        # present | absent
    ai_enabled: true
    bmad_enabled: true
  - name: k8s-lab
    repo: git@github.com:org/k8s-lab.git
  - name: argocd-eda
    repo: git@github.com:org/argocd-eda.git
    desired_state: absent
workspaces:
  - name: ai-development          # traditional: one project per workspace, cloned at the root
    projects: [ai-dev]
    extensions: [ms-python.python, ms-vscode.vscode-yaml]
    ai_gateway: { enabled: true, primary_model: "claude-3-5-sonnet" }
    bmad: { enabled: true, methodology_version: "2.0" }
  - name: ai-agent                # single large workspace: projects cloned under internalFolder
    internalFolder: repos
    projects: [ai-dev, k8s-lab, argocd-eda]
development_tools:
  system_packages: [curl, wget, git, jq, yq, tree, htop, vim, nano]
  kubernetes_tools: [kubectl, kustomize, helm, k9s]
  python_tools: [uv, pip, pipx]
  node_tools: [node, npm, yarn, ts-node]
  go_tools: [go]
  task_runner: [task]
`;

export const AI_GATEWAY_YAML = `ai_gateway:
  version: "1.0"
  ai_models: { primary: "claude-3-5-sonnet", fallback: "gpt-4", specialized: { code_generation: "claude-3-5-sonnet" } }
  guardrails:
    max_files_per_diff: 10
    require_tests: true
    protected_paths: ["**/secrets/**", "**/production/**", "**/.git/**"]
    max_file_size_kb: 1024
    allowed_file_types: ["*.py", "*.ts", "*.js", "*.yaml", "*.yml", "*.md", "*.json", "*.toml", "*.sh"]
  bmad: { enabled: true, methodology_source: "_bmad/", inherit_templates: true, cross_workspace_learning: true }
  discovery: { workspace_source: "workspaces.yaml", ai_state_directory: ".ai", auto_enable_workspaces: false }
`;

export const METADATA_JSON = `{
  "name": "simple-xml-response",
  "displayName": "Simple XML Response Adapter",
  "created": "2026-01-26T10:30:00Z",
  "updated": "2026-01-26T15:45:00Z",
  "format": "codev",
  "artifacts": ["spec.md", "plan.md", "review.md"],
  "status": "complete",
  "codevNumber": "0001",
  "tags": ["gateway", "adapter", "xml"],
  "repository": "domain-apis",
  "description": "Adapter to transform XML backend responses to JSON"
}
`;
