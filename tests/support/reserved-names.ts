// Field names whose environment variable a shell, the dynamic loader or a language runtime reads (issue 9, hole 1):
// the red team's own (Pythonwarnings, Browser, Perl5opt, Bash Env, Node Options, Path) and the families it named.
export const reservedFieldNames = [
  'Path', 'Home', 'IFS', 'Env', 'Bash Env', 'Shellopts', 'PS4', 'LD Preload', 'LD Library Path', 'DYLD Insert Libraries',
  'Node Options', 'Node Path', 'NPM Config Prefix', 'Pythonpath', 'Pythonwarnings', 'Pythonstartup', 'Pythonhome',
  'Perl5opt', 'Perl5lib', 'Perllib', 'Ruby Opt', 'Rubylib', 'Gem Home', 'Java Tool Options', 'Java Home',
  '_Java Options', 'Classpath', 'Browser', 'Editor', 'Pager', 'Git Dir', 'Git SSH Command', 'Tmpdir', 'Lang',
  'LC All', 'LC Ctype', 'TZ', 'Prompt Command', 'CDPath', 'Https Proxy',
];
