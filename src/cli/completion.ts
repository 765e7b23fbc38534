// `twofold completion bash|zsh|fish`: a completion script written from the commander program
// itself (its commands, their options and the global ones, as `--help` lists them), so the
// completion cannot drift from the commands. Each script finds the command path typed so far
// (skipping options and the values of options that take one) and offers that command's
// subcommands and options.
import { Argument, type Command } from 'commander';

export interface CompletionNode {
  /** Space-separated command path, '' for the program itself. */
  path: string;
  commands: { name: string; description: string }[];
  options: { flags: string[]; description: string; takesValue: boolean }[];
}

/** Every command of the program with what can follow it, from commander's own help model. */
export function completionTree(program: Command): CompletionNode[] {
  const nodes: CompletionNode[] = [];
  const visit = (cmd: Command, path: string[]) => {
    const help = cmd.createHelp();
    // The program's --version is not offered after a subcommand, where it means nothing.
    const globals = help.visibleGlobalOptions(cmd).filter((o) => o.long !== '--version');
    const options = [...help.visibleOptions(cmd), ...globals];
    nodes.push({
      path: path.join(' '),
      commands: help.visibleCommands(cmd).map((c) => ({ name: c.name(), description: c.description() })),
      options: options.map((o) => ({
        flags: [o.short, o.long].filter((f): f is string => typeof f === 'string'),
        description: o.description,
        takesValue: o.required || o.optional,
      })),
    });
    for (const sub of cmd.commands) visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
  return nodes;
}

const words = (n: CompletionNode) => [...n.commands.map((c) => c.name), ...n.options.flatMap((o) => o.flags)];
const valueFlags = (nodes: CompletionNode[]) => [
  ...new Set(nodes.flatMap((n) => n.options.filter((o) => o.takesValue).flatMap((o) => o.flags))),
];
const firstLine = (s: string) => (s.split('\n')[0] ?? '').slice(0, 80);
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function bashScript(name: string, nodes: CompletionNode[]): string {
  const fn = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}_complete`;
  const known = nodes.filter((n) => n.path !== '').map((n) => sq(` ${n.path}`));
  return `# ${name} completion for bash: add to ~/.bashrc:  source <(${name} completion bash)
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" w i
  case "$prev" in ${valueFlags(nodes).join('|')}) COMPREPLY=(); return ;; esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in
      ${valueFlags(nodes).join('|')}) i=$((i + 1)); continue ;;
      -*) continue ;;
    esac
    case "$path $w" in ${known.join('|')}) path="$path $w" ;; esac
  done
  local words=""
  case "$path" in
${nodes.map((n) => `    ${sq(n.path === '' ? '' : ` ${n.path}`)}) words=${sq(words(n).join(' '))} ;;`).join('\n')}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F ${fn} ${name}
`;
}

export function zshScript(name: string, nodes: CompletionNode[]): string {
  const fn = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const esc = (s: string) => s.replace(/:/g, '\\:');
  const items = (n: CompletionNode) => [
    ...n.commands.map((c) => sq(`${esc(c.name)}:${firstLine(c.description)}`)),
    ...n.options.flatMap((o) => o.flags.map((f) => sq(`${esc(f)}:${firstLine(o.description)}`))),
  ];
  const known = nodes.filter((n) => n.path !== '').map((n) => sq(n.path));
  return `#compdef ${name}
# ${name} completion for zsh: add to ~/.zshrc:  source <(${name} completion zsh)
${fn}() {
  local cmdpath="" w i
  local -a items
  case "\${words[CURRENT-1]}" in ${valueFlags(nodes).join('|')}) return 1 ;; esac
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    case "$w" in
      ${valueFlags(nodes).join('|')}) i=$((i + 1)); continue ;;
      -*) continue ;;
    esac
    case "\${cmdpath:+$cmdpath }$w" in ${known.join('|')}) cmdpath="\${cmdpath:+$cmdpath }$w" ;; esac
  done
  case "$cmdpath" in
${nodes.map((n) => `    ${sq(n.path)}) items=(${items(n).join(' ')}) ;;`).join('\n')}
  esac
  _describe -t commands '${name}' items
}
compdef ${fn} ${name}
`;
}

export function fishScript(name: string, nodes: CompletionNode[]): string {
  const lines = [`# ${name} completion for fish: ${name} completion fish > ~/.config/fish/completions/${name}.fish`];
  lines.push(`complete -c ${name} -f`);
  for (const n of nodes) {
    const parts = n.path === '' ? [] : n.path.split(' ');
    const children = n.commands.map((c) => c.name).join(' ');
    // At this command: every part of its path typed, and none of its subcommands yet.
    const at = [
      ...(parts.length === 0 ? ['__fish_use_subcommand'] : parts.map((p) => `__fish_seen_subcommand_from ${p}`)),
      ...(parts.length > 0 && children ? [`not __fish_seen_subcommand_from ${children}`] : []),
    ].join('; and ');
    for (const c of n.commands)
      lines.push(`complete -c ${name} -n ${sq(at)} -a ${sq(c.name)} -d ${sq(firstLine(c.description))}`);
    const inPath =
      parts.length === 0 ? '' : ` -n ${sq(parts.map((p) => `__fish_seen_subcommand_from ${p}`).join('; and '))}`;
    for (const o of n.options) {
      const flags = o.flags.map((f) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`)).join(' ');
      lines.push(
        `complete -c ${name}${inPath} ${flags}${o.takesValue ? ' -r' : ''} -d ${sq(firstLine(o.description))}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const SHELLS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

export function registerCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish) for every command and option')
    .addArgument(new Argument('<shell>', 'the shell').choices(Object.keys(SHELLS)))
    .action((shell: keyof typeof SHELLS) => {
      process.stdout.write(SHELLS[shell](program.name(), completionTree(program)));
    });
}
