// Taskfiles and a justfile covering every feature of issue #14's table (and
// the importer's list), written from go-task's and just's documented behaviour.
// The expected outputs in the tests are what go-task and just print for them.

/** A multi-folder Taskfile project: includes with and without `dir`, nested, optional, aliases. */
export const TASKFILE_PROJECT: Record<string, string> = {
  "Taskfile.yml": `version: '3'

vars:
  HOST: example.com
  GREETING: hello

env:
  STAGE: dev

dotenv: [".env"]

includes:
  seed:
    taskfile: ./platform/kustomize/seed/Taskfile.yml
    dir: ./platform/kustomize/seed
    aliases: [s]
  ingress:
    taskfile: ./platform/ingress
    dir: ./platform/ingress
  handbook: ./docs
  extra:
    taskfile: ./missing/Taskfile.yml
    optional: true
  tools:
    taskfile: ./Tools.yml
    vars:
      TOOL: shfmt
      LEVEL: error

tasks:
  default:
    desc: Run the changed-unit tests
    cmds:
      - task: test:changed:unit

  test:changed:unit:
    desc: Run the unit tests of changed files
    deps: [lint]
    cmds:
      - echo "unit {{.HOST}} level={{.LEVEL | default "info"}} stage=$STAGE"
      - |
        set -e
        count=0
        for f in a b c; do
          if [ "$f" != b ]; then
            count=$((count + 1))
          fi
        done
        echo "counted $(printf '%s' "$count")" | tr a-z A-Z
        cat <<EOF
        heredoc {{.GREETING}} '{{.HOST}}'
        EOF

  lint:
    summary: |
      Lint the sources
      (second line of the summary)
    silent: true
    cmds:
      - echo "lint args:" {{.CLI_ARGS}}

  deploy:
    desc: Deploy to an environment
    requires:
      vars: [ENVIRONMENT]
    dir: platform
    sources: ["src/**/*.go"]
    generates: ["bin/app"]
    cmds:
      - cmd: echo "deploying {{.ENVIRONMENT}} from $(basename "$PWD")"; exit 3
        ignore_error: true
      - echo "after the failure {{.ENVIRONMENT}}"
      - task: seed:status
        vars: { VERBOSE: "yes" }
      - task: fails
        ignore_error: true
      - echo deployed

  fails:
    desc: Always fails
    cmds:
      - echo about to fail
      - exit 7

  secret:
    desc: Shows a value from .env
    cmds:
      - echo "token=$API_TOKEN"

  platform-info:
    cmds:
      - echo "os={{OS}}"

  cleanup-demo:
    desc: Cleans up after itself, failed or not
    cmds:
      - echo start
      - defer: echo "cleanup {{.TASK}}"
      - defer: { task: fails, ignore_error: true }
      - echo "work in $(basename "{{.ROOT_DIR}}")"
      - exit 2

  guarded:
    desc: Checks before it runs
    set: [pipefail]
    preconditions:
      - sh: test -f .env
        msg: No .env here
      - test -d platform
    cmds:
      - false | echo piped; echo "status=$?"

  refuses:
    desc: Needs a file that is not there
    preconditions:
      - sh: test -f nope.txt
        msg: Needs nope.txt
    cmds:
      - echo never
`,
  ".env": "API_TOKEN=from-dotenv\n",
  "platform/src/main.go": "package main\n",
  "platform/kustomize/seed/Taskfile.yml": `version: '3'
tasks:
  status:
    desc: Seed status
    vars:
      VERBOSE: '{{.VERBOSE | default "no"}}'
      KIND: seed
    cmds:
      - echo "{{.KIND}} status verbose={{.VERBOSE}} in $(basename "$PWD")"
  build:
    desc: Build the seed after its status
    deps: [status]
    cmds:
      - echo seed build
`,
  "platform/ingress/Taskfile.yml": `version: '3'
includes:
  tls:
    taskfile: ./tls/Taskfile.yml
    dir: ./tls
tasks:
  check:
    desc: Check the ingress
    cmds:
      - task: tls:renew
      - echo "ingress checked in $(basename "$PWD")"
`,
  "platform/ingress/tls/Taskfile.yml": `version: '3'
tasks:
  renew:
    desc: Renew certificates
    cmds:
      - echo "renew in $(basename "$PWD")"
`,
  "docs/Taskfile.yml": `version: '3'
tasks:
  build:
    desc: Build the docs
    cmds:
      - echo "docs built in $(basename "$PWD"), root $(basename "{{.ROOT_DIR}}")"
`,
  "Tools.yml": `version: '3'
vars:
  LEVEL: warn
tasks:
  lint:
    desc: Lint with a tool
    cmds:
      - echo "tool {{.TOOL}} level {{.LEVEL}}"
      - task: version
  version:
    desc: The tool's version
    cmds:
      - echo v1
`,
};

/** A justfile with parameters, dependencies, shebang recipes, exports and attributes. */
export const JUSTFILE = `set dotenv-load

export GREETING := "hello"
name := "world"
rev := \`echo abc\`
export STAMP := \`printf s1\`

# Say hello to someone
hello who=name: build
    echo {{GREETING}} {{who}} "$GREETING"
    @echo "quiet line"

# Build it
build:
    -false
    echo built

# Echo every argument
args +rest:
    echo {{rest}}

# Count with a script
count:
    #!/usr/bin/env bash
    set -euo pipefail
    for i in 1 2 3; do echo "n=$i"; done

# Runs in a sub-folder
[working-directory: 'sub']
where $SUFFIX="x":
    echo "in $(basename "$PWD") suffix=$SUFFIX"

# Reads an exported variable from its env only
greet-env:
    echo "env $GREETING"

# Shows backtick values
computed:
    echo {{rev}} "$STAMP"

# Uses the dotenv
token:
    echo "token=$API_TOKEN"

[private]
helper:
    echo private
`;
