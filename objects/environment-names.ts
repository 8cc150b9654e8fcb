// Which environment variable a field becomes for action scripts, and which names a field may never take because a
// shell, the dynamic loader or a language runtime reads them (PATH, LD_PRELOAD, PYTHONWARNINGS, BROWSER …).

/** "Opened Date" → OPENED_DATE. */
export function variableName(fieldName: string): string {
  return fieldName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

const exactNames: Record<string, string> = {
  PATH: 'programs read to find commands',
  HOME: 'programs read to find their settings',
  IFS: 'shells read to split words',
  ENV: 'shells run at start',
  BASH_ENV: 'bash runs at start',
  SHELLOPTS: 'bash reads its options from',
  BASHOPTS: 'bash reads its options from',
  PS4: 'shells expand when tracing',
  PROMPT_COMMAND: 'bash runs before a prompt',
  CDPATH: 'shells read to find folders',
  CLASSPATH: 'Java reads to find code',
  _JAVA_OPTIONS: 'Java reads its options from',
  BROWSER: 'programs run to open links',
  EDITOR: 'programs run to edit text',
  VISUAL: 'programs run to edit text',
  PAGER: 'programs run to show text',
  TMPDIR: 'programs use for temporary files',
  LANG: 'programs read for their locale',
  LANGUAGE: 'programs read for their locale',
  TZ: 'programs read for their time zone',
  TERM: 'programs read for the terminal',
  SHELL: 'programs run as the shell',
  USER: 'programs read as the user name',
  LOGNAME: 'programs read as the user name',
  MAIL: 'shells read',
  GCONV_PATH: 'the C library loads code from',
  LOCPATH: 'the C library loads locales from',
  HOSTALIASES: 'the resolver reads',
  RES_OPTIONS: 'the resolver reads',
  NLSPATH: 'the C library reads',
  HTTP_PROXY: 'programs route requests through',
  HTTPS_PROXY: 'programs route requests through',
  ALL_PROXY: 'programs route requests through',
  NO_PROXY: 'programs route requests through',
  FTP_PROXY: 'programs route requests through',
  GOPATH: 'Go reads',
  PERLLIB: 'Perl loads code from',
  ENTRY_ID: 'escalator sets for the script',
  OBJECT: 'escalator sets for the script',
  WORKSPACE: 'escalator sets for the script',
};

const prefixes: [string, string][] = [
  ['LD_', 'the dynamic loader reads'],
  ['DYLD_', 'the dynamic loader reads'],
  ['NODE_', 'Node.js reads'],
  ['NPM_', 'npm reads'],
  ['PYTHON', 'Python reads'],
  ['PERL', 'Perl reads'],
  ['RUBY', 'Ruby reads'],
  ['GEM_', 'Ruby reads'],
  ['BUNDLE_', 'Ruby reads'],
  ['JAVA_', 'Java reads'],
  ['JDK_', 'Java reads'],
  ['GIT_', 'git reads'],
  ['LC_', 'programs read for their locale'],
  ['MALLOC_', 'the C library reads'],
  ['GLIBC_', 'the C library reads'],
  ['OPENSSL_', 'OpenSSL reads'],
  ['SSL_', 'OpenSSL reads'],
  ['CURL_', 'curl reads'],
  ['TCL', 'Tcl reads'],
  ['LUA_', 'Lua reads'],
  ['R_', 'R reads'],
  ['PHP', 'PHP reads'],
  ['GO', 'Go reads'],
  ['BASH_', 'bash reads'],
  ['ZDOTDIR', 'zsh reads'],
  ['XDG_', 'programs read to find their settings'],
  ['DOTNET_', '.NET reads'],
  ['COMPlus_'.toUpperCase(), '.NET reads'],
];

/** Why a variable may not be set from a field (e.g. "programs read to find commands"), or undefined if it may. */
export function reservedEnvironmentName(variable: string): string | undefined {
  const name = variable.toUpperCase();
  if (exactNames[name]) return exactNames[name];
  if (name.endsWith('_PROXY')) return 'programs route requests through';
  for (const [prefix, reason] of prefixes) if (name.startsWith(prefix)) return reason;
  return undefined;
}

/** The one line refusing a field whose variable is reserved, or undefined if the field is fine. */
export function reservedFieldProblem(fieldName: string): string | undefined {
  const variable = variableName(fieldName);
  const reason = reservedEnvironmentName(variable);
  if (!reason) return undefined;
  return `field "${fieldName}" would become the environment variable ${variable}, which ${reason}; name it e.g. "${fieldName} Notes"`;
}
