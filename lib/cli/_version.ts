/** wst's version: `wst --version`, SARIF's tool, release checks. */
export const VERSION = "0.1.0";
