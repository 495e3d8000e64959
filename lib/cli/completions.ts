import type { CliContext, GlobalFlags } from "./_context.ts";

/** Shells `wst completions` writes scripts for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;

/**
 * The completion scripts. Each asks `wst __complete <words…>` for proposals,
 * which Stricli computes from the same command tree the CLI parses with, so
 * task names, flags and enum values are always current (local tasks too).
 */
const SCRIPTS: Record<typeof SHELLS[number], string> = {
  bash:
    `# wst completions for bash. Install: wst completions bash > ~/.local/share/bash-completion/completions/wst
_wst_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(wst __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _wst_complete wst
`,
  zsh: `#compdef wst
# wst completions for zsh. Install: wst completions zsh > "\${fpath[1]}/_wst"
_wst() {
  local -a proposals
  proposals=("\${(@f)$(wst __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a proposals
}
compdef _wst wst
`,
  fish:
    `# wst completions for fish. Install: wst completions fish > ~/.config/fish/completions/wst.fish
function __wst_complete
  set -l words (commandline -opc) (commandline -ct)
  wst __complete $words[2..-1] 2>/dev/null
end
complete -c wst -f -a '(__wst_complete)'
`,
};

/** `wst completions <shell>`: prints the completion script. */
export function completionsCommand(
  this: CliContext,
  _flags: GlobalFlags,
  shell: typeof SHELLS[number],
): void {
  this.process.stdout.write(SCRIPTS[shell]);
}
