/** The version printed by `wst --version`. */
export const VERSION = "0.1.0";
