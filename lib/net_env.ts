/**
 * Environment variables that tell network clients (git, curl, npm, pip, apt)
 * how to get out: proxies and extra CA certificates. Tasks whose binaries
 * reach the network declare these, so that a sandboxed run behind a
 * TLS-intercepting proxy works like the user's shell does. Their values are
 * paths and URLs, not secrets (a proxy URL with a password is the user's
 * choice to export).
 */
export const NETWORK_ENV: readonly string[] = [
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "NODE_EXTRA_CA_CERTS",
  "CURL_CA_BUNDLE",
  "REQUESTS_CA_BUNDLE",
  "PIP_CERT",
  "GIT_SSL_CAINFO",
];

/**
 * The CA files and folders those variables name, as `$NAME` read paths (each
 * left out when its variable is unset): a confined run (docs/adr/0009) sees
 * only declared paths, so a client behind a TLS-inspecting proxy needs the
 * certificate file itself, not only the variable naming it.
 */
export const NETWORK_FILES: readonly string[] = [
  "$SSL_CERT_FILE",
  "$SSL_CERT_DIR",
  "$NODE_EXTRA_CA_CERTS",
  "$CURL_CA_BUNDLE",
  "$REQUESTS_CA_BUNDLE",
  "$PIP_CERT",
  "$GIT_SSL_CAINFO",
];

/**
 * The user's git and ssh configuration, which tasks running git declare as
 * read paths: a confined run (docs/adr/0009) sees only what is declared, and
 * git over ssh needs `known_hosts`, the ssh config and keys.
 */
export const GIT_USER_FILES: readonly string[] = [
  "$HOME/.gitconfig",
  "$HOME/.config/git",
  "$HOME/.ssh",
];
